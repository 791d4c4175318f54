-- Platform admin editors for the AI catalog: what the catalog functions of the AI gateway do not
-- cover yet. Switching a model on or off, removing a kill switch, and the cache hit charge policy.
-- Each checks the caller like the other catalog editors (private.assert_ai_admin).

-- ===================================================================== FUNCTIONS
/* Makes a model callable or not; its prices and history stay. */
create function public.ai_model_set_active(p_model_id text, p_active boolean)
returns public.ai_models
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_models;
begin
  perform private.assert_ai_admin();
  update public.ai_models m set is_active = coalesce(p_active, m.is_active)
  where m.id = p_model_id
  returning * into saved;
  if not found then
    perform private.fail('TG404', 'That model does not exist.', jsonb_build_object('model', p_model_id));
  end if;
  return saved;
end
$$;
comment on function public.ai_model_set_active(text, boolean) is
  'Platform admins: turns a model of the catalog on or off.';

/* Removes a flag row; with no row a feature, model or plan is enabled. */
create function public.ai_flag_delete(p_scope text, p_key text)
returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_ai_admin();
  delete from public.ai_feature_flags f where f.scope = p_scope and f.key = p_key;
  return found;
end
$$;
comment on function public.ai_flag_delete(text, text) is
  'Platform admins: deletes a kill switch (the subject is enabled again). True when one was deleted.';

/* Share of the normal price a cache hit is charged, in basis points (0 = free). */
create function public.ai_cache_policy_set(p_cache_hit_charge_bps integer)
returns public.ai_settings
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_settings;
begin
  perform private.assert_ai_admin();
  if p_cache_hit_charge_bps is null or p_cache_hit_charge_bps not between 0 and 10000 then
    perform private.fail('TG422', 'The cache hit charge is between 0 and 10000 basis points.',
      jsonb_build_object('field', 'cacheHitChargeBps'));
  end if;
  update public.ai_settings s set cache_hit_charge_bps = p_cache_hit_charge_bps, updated_at = now()
  returning * into saved;
  return saved;
end
$$;
comment on function public.ai_cache_policy_set(integer) is
  'Platform admins: how much of the normal price a cached answer costs (basis points, 0 = free).';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.ai_model_set_active(text, boolean),
  public.ai_flag_delete(text, text),
  public.ai_cache_policy_set(integer)
from public, anon;
grant execute on function
  public.ai_model_set_active(text, boolean),
  public.ai_flag_delete(text, text),
  public.ai_cache_policy_set(integer)
to authenticated, service_role;

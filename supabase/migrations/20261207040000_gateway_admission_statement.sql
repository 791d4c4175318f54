-- The gateway's admission and settlement as one statement each, and NOTIFY triggers for its catalog cache.

/* Admission of a metered call in one statement (one transaction, one round trip). The hold was
   priced from an in-process copy of the catalog: when that price is no longer the one in force,
   nothing happens and the price in force is returned (price_id only) to price the hold again.
   Then the plan's paywall, the kill switches, the rate limit, the plan's LLM token limit, the
   wallet and the hold; member limits, key limits and credit lines apply through the ledger's
   hooks. Every refusal raises, so a refused call keeps nothing (not even its rate-limit hit). */
create function public.ai_admit(
  p_subject_kind text, p_subject_id uuid, p_model text, p_feature text, p_price_id bigint,
  p_byok boolean, p_estimate bigint, p_hold_amount bigint, p_idempotency_key text,
  p_ttl_seconds integer, p_description text, p_metadata jsonb
) returns table (price_id bigint, wallet_id uuid, hold_id bigint, hold_amount bigint,
                 expires_at timestamptz, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  in_force bigint;
  plan text;
  blocked public.ai_feature_flags;
  tokens record;
  wallet uuid;
  hold record;
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  select x.id into in_force from public.ai_model_prices x
  where x.model_id = p_model and x.effective_from <= at
    and exists (select 1 from public.ai_models m where m.id = x.model_id and m.is_active)
  order by x.effective_from desc limit 1;
  if in_force is null then
    perform private.fail('TG404', 'That model is not available.', jsonb_build_object('model', p_model));
  end if;
  if in_force is distinct from p_price_id then
    return query select in_force, null::uuid, null::bigint, null::bigint, null::timestamptz, null::bigint, null::boolean;
    return;
  end if;
  select sp.plan_id into plan from private.subject_plan(p_subject_kind, p_subject_id, at) sp;
  perform private.require_plan_feature(plan, p_feature);
  select * into blocked from public.ai_feature_flags f
  where not f.enabled and ((f.scope = 'feature' and f.key = p_feature)
     or (f.scope = 'model' and f.key = p_model) or (f.scope = 'plan' and f.key = plan))
  order by f.scope limit 1;
  if found then
    perform private.fail('TG403', coalesce(blocked.reason, format('AI calls are turned off for this %s.', blocked.scope)),
      jsonb_build_object('scope', blocked.scope));
  end if;
  perform 1 from public.rate_limit_hit(p_subject_kind, p_subject_id, p_byok, true);
  select * into tokens from public.quota_check(p_subject_kind, p_subject_id, p_estimate, p_byok);
  if not tokens.allowed then
    perform private.fail('TG412', 'This period''s LLM token limit of your plan is reached.',
      jsonb_build_object('needed', p_estimate, 'available', coalesce(tokens.remaining, 0)));
  end if;
  select a.id into wallet from public.accounts a
  where (p_subject_kind = 'user' and a.user_id = p_subject_id)
     or (p_subject_kind = 'org' and a.org_id = p_subject_id);
  if wallet is null then
    perform private.fail('TG404', 'The wallet was not found.', '{}'::jsonb);
  end if;
  if p_hold_amount is null then
    return query select in_force, wallet, null::bigint, null::bigint, null::timestamptz, null::bigint, null::boolean;
    return;
  end if;
  select * into hold from public.credit_reserve(wallet, p_hold_amount, 'ai_usage', p_idempotency_key,
    p_ttl_seconds, p_description, coalesce(p_metadata, '{}'::jsonb)) r;
  return query select in_force, wallet, hold.hold_id, hold.amount, hold.expires_at, hold.available, hold.replayed;
end
$$;
comment on function public.ai_admit(text, uuid, text, text, bigint, boolean, bigint, bigint, text, integer, text, jsonb) is
  'One metered call''s admission: price check, paywall, kill switches, rate limit, token limit, wallet and hold.';
revoke all on function
  public.ai_admit(text, uuid, text, text, bigint, boolean, bigint, bigint, text, integer, text, jsonb)
from public, anon;
grant execute on function
  public.ai_admit(text, uuid, text, text, bigint, boolean, bigint, bigint, text, integer, text, jsonb)
to authenticated, service_role;

-- The gateway's catalog cache: models, prices in force, credit settings, who has their own keys.
create trigger ai_models_notify after insert or update or delete on public.ai_models
  for each statement execute function private.notify_config();
create trigger ai_model_prices_notify after insert or update or delete on public.ai_model_prices
  for each statement execute function private.notify_config();
create trigger ai_settings_notify after insert or update or delete on public.ai_settings
  for each statement execute function private.notify_config();
create trigger ai_provider_keys_notify after insert or update or delete on public.ai_provider_keys
  for each statement execute function private.notify_config();
/* Settlement of a metered call in one statement (one round trip), for the service: the hold is
   settled at the actual amount (or voided when p_actual is null) and the usage event recorded
   with what was really posted, in one transaction. A usage row that cannot be written never
   undoes the settlement (its own subtransaction; the failure is logged). */
create function public.ai_settle(p_hold_id bigint, p_actual bigint, p_event jsonb)
returns table (posted bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  charged bigint := 0;
  left_over bigint;
  again boolean;
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Only the service settles calls.', '{}'::jsonb);
  end if;
  if p_actual is null then
    select v.available, v.replayed into left_over, again from public.credit_void(p_hold_id) v;
  else
    select s.posted, s.available, s.replayed into charged, left_over, again
    from public.credit_settle(p_hold_id, p_actual) s;
  end if;
  begin
    perform public.usage_record(
      p_event ->> 'subject_kind', (p_event ->> 'subject_id')::uuid, (p_event ->> 'actor_id')::uuid,
      p_event ->> 'source', p_event ->> 'provider', p_event ->> 'model', p_event ->> 'operation',
      p_event ->> 'feature', (p_event ->> 'input_tokens')::bigint, (p_event ->> 'output_tokens')::bigint,
      (p_event ->> 'cached_tokens')::bigint, 0, (p_event ->> 'images')::integer,
      (p_event ->> 'audio_seconds')::numeric, 0, (p_event ->> 'latency_ms')::integer,
      (p_event ->> 'provider_cost_micro_usd')::bigint, charged, false, (p_event ->> 'success')::boolean,
      p_event ->> 'error_code', p_event ->> 'request_id', coalesce(p_event -> 'metadata', '{}'::jsonb),
      null, (p_event ->> 'api_key_id')::uuid);
  exception when others then
    raise warning 'ai_settle: the usage of hold % was not recorded: %', p_hold_id, sqlerrm;
  end;
  return query select charged, left_over, again;
end
$$;
comment on function public.ai_settle(bigint, bigint, jsonb) is
  'Service: settles (or voids) a metered call''s hold and records its usage, in one statement.';
revoke all on function public.ai_settle(bigint, bigint, jsonb) from public, anon, authenticated;
grant execute on function public.ai_settle(bigint, bigint, jsonb) to service_role;

-- The gateway's catalog cache reads who has keys of their own, never the keys.
grant select (subject_kind, subject_id) on public.ai_provider_keys to service_role;

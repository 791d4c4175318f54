-- One paywall: whether a plan includes a feature is decided by private.plan_allowance and
-- enforced in ai_call_context, which every metered call (chat, feature actions, batches, the REST
-- API) passes. Allowance refusals speak of allowances, not tokens.

create function private.require_plan_feature(plan text, feature text) returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if exists (select 1 from public.token_types t where t.name = feature)
     and private.plan_allowance(plan, feature) = 0 then
    perform private.fail_upgrade_required(plan, feature);
  end if;
end
$$;
comment on function private.require_plan_feature(text, text) is
  'The paywall of every metered call: TG413 when the plan lacks the feature (a token type).';

revoke all on function private.require_plan_feature(text, text) from public, anon, authenticated, service_role;

create or replace function private.fail_insufficient_allowance(
  token_type text, needed bigint, available bigint, refresh_at timestamptz
) returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.fail('TG412',
    format('%s allowance used up: %s needed, %s left this period. It refreshes on %s.',
           (select t.label from public.token_types t where t.name = token_type), needed, available,
           to_char(refresh_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
    jsonb_build_object('tokenType', token_type, 'needed', needed, 'available', available, 'refreshAt', refresh_at));
end
$$;

create or replace function public.ai_call_context(p_subject_kind text, p_subject_id uuid, p_model text, p_feature text)
returns table (model_id text, provider text, provider_model_id text, display_name text, capabilities text[],
               context_window integer, max_output_tokens integer, price_id bigint, input_per_mtok bigint,
               cached_input_per_mtok bigint, output_per_mtok bigint, credits_per_usd bigint,
               markup_bps integer, blocked_scope text, blocked_reason text)
language plpgsql stable security definer set search_path = ''
as $$
declare
  m public.ai_models;
  p public.ai_model_prices;
  s public.ai_settings;
  plan_id text;
  blocked public.ai_feature_flags;
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  select * into m from public.ai_models x where x.id = p_model and x.is_active;
  if not found then
    perform private.fail('TG404', 'That model is not available.', jsonb_build_object('model', p_model));
  end if;
  select * into p from public.ai_model_prices x
  where x.model_id = m.id and x.effective_from <= private.clock()
  order by x.effective_from desc limit 1;
  if not found then
    perform private.fail('TG404', 'That model has no price yet.', jsonb_build_object('model', p_model));
  end if;
  select * into s from public.ai_settings limit 1;
  select sp.plan_id into plan_id from private.subject_plan(p_subject_kind, p_subject_id, private.clock()) sp;
  perform private.require_plan_feature(plan_id, p_feature);
  select * into blocked from public.ai_feature_flags f
  where not f.enabled and ((f.scope = 'feature' and f.key = p_feature)
     or (f.scope = 'model' and f.key = m.id) or (f.scope = 'plan' and f.key = plan_id))
  order by f.scope limit 1;
  return query select m.id, m.provider, m.provider_model_id, m.display_name, m.capabilities, m.context_window,
    m.max_output_tokens, p.id, p.input_per_mtok, p.cached_input_per_mtok, p.output_per_mtok,
    s.credits_per_usd, s.markup_bps, blocked.scope, blocked.reason;
end
$$;

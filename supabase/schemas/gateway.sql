-- AI gateway, part 1: the model catalog, versioned prices, the credit conversion settings and the
-- kill switches. Prices are integer micro-USD per 1M tokens (or per image / audio second) and are
-- never edited in place: a new price row with a later effective_from takes over, so past usage
-- keeps the price it was charged at. Platform admins edit everything through the functions below.

-- ===================================================================== TABLES
create table public.ai_models (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9.:-]{0,63}$'),
  provider text not null check (provider in ('openai', 'anthropic', 'google', 'local')),
  provider_model_id text not null check (char_length(provider_model_id) between 1 and 128),
  display_name text not null check (char_length(btrim(display_name)) between 1 and 80),
  capabilities text[] not null default '{chat}'
    check (capabilities <@ array['chat', 'completion', 'embedding', 'vision', 'tools', 'audio',
                                 'image', 'transcription']::text[]),
  context_window integer not null check (context_window between 256 and 10000000),
  max_output_tokens integer not null check (max_output_tokens between 1 and 1000000),
  is_active boolean not null default true,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.ai_models is
  'The models the gateway may call. provider ''local'' is the built-in keyless demo model.';

create table public.ai_model_prices (
  id bigint generated always as identity primary key,
  model_id text not null references public.ai_models (id) on delete restrict,
  input_per_mtok bigint not null check (input_per_mtok between 0 and 1000000000),
  cached_input_per_mtok bigint not null check (cached_input_per_mtok between 0 and 1000000000),
  output_per_mtok bigint not null check (output_per_mtok between 0 and 1000000000),
  per_image bigint not null default 0 check (per_image between 0 and 1000000000),
  per_audio_second bigint not null default 0 check (per_audio_second between 0 and 1000000000),
  effective_from timestamptz not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  constraint ai_model_prices_version unique (model_id, effective_from)
);
comment on table public.ai_model_prices is
  'Append-only price versions in micro-USD; the row with the latest effective_from <= now is in force.';

create table public.ai_settings (
  id boolean primary key default true check (id),
  credits_per_usd bigint not null check (credits_per_usd between 1 and 1000000),
  markup_bps integer not null check (markup_bps between 10000 and 100000),
  updated_at timestamptz not null default now(),
  cache_hit_charge_bps integer not null default 0 check (cache_hit_charge_bps between 0 and 10000),
  moderation_enabled boolean not null default true
);
comment on table public.ai_settings is
  'One row: how many credits one USD of provider cost becomes, and the markup in basis points (10000 = 1x).';
comment on column public.ai_settings.cache_hit_charge_bps is
  'Share of the normal price a cache hit is charged, in basis points (0 = free).';
comment on column public.ai_settings.moderation_enabled is
  'Moderate AI input (and non-streamed output) when an OpenAI key is available; on by default.';

create table public.ai_feature_flags (
  scope text not null check (scope in ('feature', 'model', 'plan')),
  key text not null check (char_length(key) between 1 and 100),
  enabled boolean not null,
  reason text check (reason is null or char_length(reason) <= 200),
  updated_by uuid,
  updated_at timestamptz not null default now(),
  primary key (scope, key)
);
comment on table public.ai_feature_flags is
  'Kill switches: a row with enabled = false blocks AI calls for that feature, model or plan.';

-- ===================================================================== INDEXES
create index ai_model_prices_current on public.ai_model_prices (model_id, effective_from desc);

-- ===================================================================== RLS
alter table public.ai_models enable row level security;
alter table public.ai_model_prices enable row level security;
alter table public.ai_settings enable row level security;
alter table public.ai_feature_flags enable row level security;
revoke all on public.ai_models, public.ai_model_prices, public.ai_settings, public.ai_feature_flags
  from public, anon, authenticated, service_role;
grant select on public.ai_models, public.ai_model_prices, public.ai_settings to authenticated, service_role;
grant select on public.ai_feature_flags to service_role;
create policy ai_models_read on public.ai_models for select to authenticated using (true);
create policy ai_model_prices_read on public.ai_model_prices for select to authenticated using (true);
create policy ai_settings_read on public.ai_settings for select to authenticated using (true);

-- ===================================================================== TRIGGERS
create trigger ai_model_prices_append_only before update or delete on public.ai_model_prices
  for each row execute function private.refuse_change();
create trigger ai_models_touch before update on public.ai_models
  for each row execute function private.touch_updated_at();

-- ===================================================================== FUNCTIONS
create function private.assert_ai_admin() returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins edit the model catalog.', '{}'::jsonb);
  end if;
end
$$;
comment on function private.assert_ai_admin() is 'Fails TG403 unless the caller is a platform admin or trusted.';

/*
 * Everything a metered call needs, in one round trip: the model, the price in force now, the
 * conversion settings and the first kill switch that blocks this subject's call (null when none).
 */
create function public.ai_call_context(p_subject_kind text, p_subject_id uuid, p_model text, p_feature text)
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
comment on function public.ai_call_context(text, uuid, text, text) is
  'The model, its capabilities and price in force, credit settings and any kill switch blocking the call.';

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

/*
 * Settles the holds of metered calls whose process is gone: a live process settles a call by its
 * hold's `settleBy` (the call's timeout and a margin), so a hold still pending past it lost its
 * settlement — the process died after the provider call, or before it could post. Nothing of
 * the call's usage is known here, so the accuracy rules charge the hold (status `held`), and the
 * usage row says so (error `settlement_lost`). Runs in the maintenance tick, before holds expire;
 * each hold is settled once (ai_settle is idempotent by the hold, and a late process that tries
 * another amount is refused), one failure never stopping the rest.
 */
create function public.ai_settle_overdue(p_limit integer default 100)
returns table (holds_settled integer)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  due record;
  done integer := 0;
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Only the service settles calls.', '{}'::jsonb);
  end if;
  for due in
    select h.id, h.amount, h.actor_id, h.api_key_id, h.idempotency_key, h.metadata, h.created_at,
           a.user_id, a.org_id, m.provider
    from public.holds h
    join public.accounts a on a.id = h.account_id
    left join public.ai_models m on m.id = h.metadata ->> 'model'
    where h.status = 'pending' and h.idempotency_key like 'ai:%' and h.metadata ? 'settleBy'
      and (h.metadata ->> 'settleBy')::timestamptz <= at and h.expires_at > at
    order by h.expires_at
    limit greatest(p_limit, 1)
  loop
    begin
      perform 1 from public.ai_settle(due.id, due.amount, jsonb_build_object(
        'subject_kind', case when due.org_id is null then 'user' else 'org' end,
        'subject_id', coalesce(due.org_id, due.user_id),
        'actor_id', due.actor_id, 'source', 'platform', 'provider', coalesce(due.provider, 'unknown'),
        'model', due.metadata ->> 'model', 'operation', coalesce(due.metadata ->> 'operation', 'chat'),
        'feature', coalesce(due.metadata ->> 'feature', 'assistant'),
        'input_tokens', 0, 'output_tokens', 0, 'cached_tokens', 0, 'images', 0, 'audio_seconds', 0,
        'latency_ms', least(extract(epoch from at - due.created_at) * 1000, 2147483647)::integer,
        'provider_cost_micro_usd', 0, 'success', false, 'error_code', 'settlement_lost',
        'request_id', due.idempotency_key, 'api_key_id', due.api_key_id,
        'metadata', jsonb_build_object('status', 'held', 'holdId', due.id::text,
                                       'priceId', due.metadata ->> 'priceId', 'settledBy', 'overdue')));
      done := done + 1;
    exception when others then
      raise warning 'ai_settle_overdue: hold % was not settled: %', due.id, sqlerrm;
    end;
  end loop;
  return query select done;
end
$$;
comment on function public.ai_settle_overdue(integer) is
  'Service: charges the hold of each metered call whose process never settled it (maintenance tick).';

/* Creates or replaces a catalog entry (prices are versioned separately). */
create function public.ai_model_upsert(
  p_id text, p_provider text, p_provider_model_id text, p_display_name text, p_capabilities text[],
  p_context_window integer, p_max_output_tokens integer, p_is_active boolean default true,
  p_sort_order integer default 0
) returns public.ai_models
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_models;
begin
  perform private.assert_ai_admin();
  insert into public.ai_models as x (id, provider, provider_model_id, display_name, capabilities,
                                     context_window, max_output_tokens, is_active, sort_order)
  values (p_id, p_provider, p_provider_model_id, btrim(p_display_name), coalesce(p_capabilities, '{chat}'),
          p_context_window, p_max_output_tokens, coalesce(p_is_active, true), coalesce(p_sort_order, 0))
  on conflict (id) do update
  set provider = excluded.provider, provider_model_id = excluded.provider_model_id,
      display_name = excluded.display_name, capabilities = excluded.capabilities,
      context_window = excluded.context_window, max_output_tokens = excluded.max_output_tokens,
      is_active = excluded.is_active, sort_order = excluded.sort_order
  returning * into saved;
  return saved;
end
$$;
comment on function public.ai_model_upsert(text, text, text, text, text[], integer, integer, boolean, integer) is
  'Platform admins: adds or edits a model of the catalog.';

/* Adds a price version; it takes effect at p_effective_from (now or later, never back-dated). */
create function public.ai_price_set(
  p_model_id text, p_input_per_mtok bigint, p_cached_input_per_mtok bigint, p_output_per_mtok bigint,
  p_per_image bigint default 0, p_per_audio_second bigint default 0, p_effective_from timestamptz default null
) returns public.ai_model_prices
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_model_prices;
  starts timestamptz := coalesce(p_effective_from, private.clock());
begin
  perform private.assert_ai_admin();
  if starts < private.clock() - interval '1 minute' then
    perform private.fail('TG422', 'A price cannot take effect in the past: past usage keeps its price.',
      jsonb_build_object('field', 'effective_from'));
  end if;
  insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok, output_per_mtok,
                                      per_image, per_audio_second, effective_from, created_by)
  values (p_model_id, p_input_per_mtok, p_cached_input_per_mtok, p_output_per_mtok,
          coalesce(p_per_image, 0), coalesce(p_per_audio_second, 0), starts, auth.uid())
  returning * into saved;
  return saved;
end
$$;
comment on function public.ai_price_set(text, bigint, bigint, bigint, bigint, bigint, timestamptz) is
  'Platform admins: adds a new price version for a model (append-only).';

create function public.ai_settings_set(p_credits_per_usd bigint, p_markup_bps integer)
returns public.ai_settings
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_settings;
begin
  perform private.assert_ai_admin();
  update public.ai_settings s set credits_per_usd = p_credits_per_usd, markup_bps = p_markup_bps,
    updated_at = now()
  returning * into saved;
  return saved;
end
$$;
comment on function public.ai_settings_set(bigint, integer) is
  'Platform admins: credits per USD of provider cost and the markup (basis points).';

create function public.ai_flag_set(p_scope text, p_key text, p_enabled boolean, p_reason text default null)
returns public.ai_feature_flags
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_feature_flags;
begin
  perform private.assert_ai_admin();
  insert into public.ai_feature_flags as f (scope, key, enabled, reason, updated_by)
  values (p_scope, p_key, coalesce(p_enabled, true), p_reason, auth.uid())
  on conflict (scope, key) do update
  set enabled = excluded.enabled, reason = excluded.reason, updated_by = excluded.updated_by, updated_at = now()
  returning * into saved;
  return saved;
end
$$;
comment on function public.ai_flag_set(text, text, boolean, text) is
  'Platform admins: turns AI calls for a feature, model or plan off (or back on).';

-- ===================================================================== PRIVILEGES
revoke all on function private.assert_ai_admin() from public, anon;
revoke all on function
  public.ai_call_context(text, uuid, text, text),
  public.ai_admit(text, uuid, text, text, bigint, boolean, bigint, bigint, text, integer, text, jsonb),
  public.ai_model_upsert(text, text, text, text, text[], integer, integer, boolean, integer),
  public.ai_price_set(text, bigint, bigint, bigint, bigint, bigint, timestamptz),
  public.ai_settings_set(bigint, integer),
  public.ai_flag_set(text, text, boolean, text)
from public, anon;
revoke all on function public.ai_settle(bigint, bigint, jsonb) from public, anon, authenticated;
grant execute on function public.ai_settle(bigint, bigint, jsonb) to service_role;
revoke all on function public.ai_settle_overdue(integer) from public, anon, authenticated;
grant execute on function public.ai_settle_overdue(integer) to service_role;
grant execute on function
  public.ai_call_context(text, uuid, text, text),
  public.ai_admit(text, uuid, text, text, bigint, boolean, bigint, bigint, text, integer, text, jsonb),
  public.ai_model_upsert(text, text, text, text, text[], integer, integer, boolean, integer),
  public.ai_price_set(text, bigint, bigint, bigint, bigint, bigint, timestamptz),
  public.ai_settings_set(bigint, integer),
  public.ai_flag_set(text, text, boolean, text)
to authenticated, service_role;

-- ===================================================================== SEED
-- 1 USD of provider cost = 10 credits (the Starter package sells 100 credits for 10 USD), x1.5.
insert into public.ai_settings (credits_per_usd, markup_bps) values (10, 15000);

insert into public.ai_models (id, provider, provider_model_id, display_name, capabilities, context_window,
                              max_output_tokens, sort_order)
values
  ('local-demo', 'local', 'local-demo', 'Tollgate Local (demo)', '{chat,completion}', 8192, 1024, 0),
  ('gpt-4o-mini', 'openai', 'gpt-4o-mini', 'GPT-4o mini', '{chat,completion,vision,tools}', 128000, 16384, 10),
  ('gpt-4.1-mini', 'openai', 'gpt-4.1-mini', 'GPT-4.1 mini', '{chat,completion,vision,tools}', 1047576, 32768, 11),
  ('gpt-4o', 'openai', 'gpt-4o', 'GPT-4o', '{chat,completion,vision,tools}', 128000, 16384, 12),
  ('claude-haiku-4-5', 'anthropic', 'claude-haiku-4-5', 'Claude Haiku 4.5', '{chat,completion,vision,tools}', 200000, 64000, 20),
  ('claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5', 'Claude Sonnet 4.5', '{chat,completion,vision,tools}', 200000, 64000, 21),
  ('gemini-2.5-flash', 'google', 'gemini-2.5-flash', 'Gemini 2.5 Flash', '{chat,completion,vision,tools}', 1048576, 65536, 30),
  ('gemini-2.5-pro', 'google', 'gemini-2.5-pro', 'Gemini 2.5 Pro', '{chat,completion,vision,tools}', 1048576, 65536, 31);

-- Public list prices (micro-USD per 1M tokens); the local demo model is priced like GPT-4o.
insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok, output_per_mtok, effective_from)
values
  ('local-demo', 2500000, 1250000, 10000000, '2026-01-01T00:00:00Z'),
  ('gpt-4o-mini', 150000, 75000, 600000, '2026-01-01T00:00:00Z'),
  ('gpt-4.1-mini', 400000, 100000, 1600000, '2026-01-01T00:00:00Z'),
  ('gpt-4o', 2500000, 1250000, 10000000, '2026-01-01T00:00:00Z'),
  ('claude-haiku-4-5', 1000000, 100000, 5000000, '2026-01-01T00:00:00Z'),
  ('claude-sonnet-4-5', 3000000, 300000, 15000000, '2026-01-01T00:00:00Z'),
  ('gemini-2.5-flash', 300000, 75000, 2500000, '2026-01-01T00:00:00Z'),
  ('gemini-2.5-pro', 1250000, 312500, 10000000, '2026-01-01T00:00:00Z');

-- AI gateway, part 2: the response cache. An exact-match cache of answers, keyed by a hash of
-- model + normalized input + parameters and scoped to one subject (a user's answers are never
-- served to another user or org). A hit is recorded as cached usage and charged by the policy
-- in ai_settings (cache_hit_charge_bps of the normal price; 0 = free, the default).

-- ===================================================================== TABLES
create table public.ai_response_cache (
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  cache_key text not null check (cache_key ~ '^[0-9a-f]{64}$'),
  operation text not null check (operation in ('chat', 'completion', 'embedding')),
  model_id text not null references public.ai_models (id) on delete cascade,
  response text not null check (char_length(response) <= 200000),
  input_tokens integer not null check (input_tokens >= 0),
  output_tokens integer not null check (output_tokens >= 0),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (subject_kind, subject_id, cache_key)
);
comment on table public.ai_response_cache is
  'Cached AI answers per subject; read and written only through ai_cache_get / ai_cache_put.';

-- ===================================================================== INDEXES
create index ai_response_cache_expiry on public.ai_response_cache (expires_at);

-- ===================================================================== RLS
alter table public.ai_response_cache enable row level security;
revoke all on public.ai_response_cache from public, anon, authenticated, service_role;

-- ===================================================================== FUNCTIONS
/* The live cached answer for the subject and key, if any. */
create function public.ai_cache_get(p_subject_kind text, p_subject_id uuid, p_cache_key text)
returns table (response text, model_id text, input_tokens integer, output_tokens integer, charge_bps integer)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  return query
  select c.response, c.model_id, c.input_tokens, c.output_tokens,
         (select s.cache_hit_charge_bps from public.ai_settings s limit 1)
  from public.ai_response_cache c
  where c.subject_kind = p_subject_kind and c.subject_id = p_subject_id and c.cache_key = p_cache_key
    and c.expires_at > private.clock();
end
$$;
comment on function public.ai_cache_get(text, uuid, text) is
  'A live cached answer of the subject (callers may act for it), with the hit charge policy.';

/* Stores (or refreshes) an answer for the subject; expired rows of the subject are dropped. */
create function public.ai_cache_put(
  p_subject_kind text, p_subject_id uuid, p_cache_key text, p_operation text, p_model_id text,
  p_response text, p_input_tokens integer, p_output_tokens integer, p_ttl_seconds integer
) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  if p_ttl_seconds is null or p_ttl_seconds not between 1 and 604800 then
    perform private.fail('TG422', 'A cached answer lives between 1 second and 7 days.',
      jsonb_build_object('field', 'ttl_seconds'));
  end if;
  delete from public.ai_response_cache c
  where c.subject_kind = p_subject_kind and c.subject_id = p_subject_id and c.expires_at <= private.clock();
  insert into public.ai_response_cache as c (subject_kind, subject_id, cache_key, operation, model_id, response,
                                             input_tokens, output_tokens, expires_at)
  values (p_subject_kind, p_subject_id, p_cache_key, p_operation, p_model_id, p_response, p_input_tokens,
          p_output_tokens, private.clock() + make_interval(secs => p_ttl_seconds))
  on conflict (subject_kind, subject_id, cache_key) do update
  set response = excluded.response, model_id = excluded.model_id, input_tokens = excluded.input_tokens,
      output_tokens = excluded.output_tokens, created_at = now(), expires_at = excluded.expires_at;
end
$$;
comment on function public.ai_cache_put(text, uuid, text, text, text, text, integer, integer, integer) is
  'Stores an answer in the subject''s cache for p_ttl_seconds.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.ai_cache_get(text, uuid, text),
  public.ai_cache_put(text, uuid, text, text, text, text, integer, integer, integer)
from public, anon;
grant execute on function
  public.ai_cache_get(text, uuid, text),
  public.ai_cache_put(text, uuid, text, text, text, text, integer, integer, integer)
to authenticated, service_role;

-- ===================================================================== SEED
insert into public.ai_models (id, provider, provider_model_id, display_name, capabilities, context_window,
                              max_output_tokens, sort_order)
values
  ('local-embed', 'local', 'local-embed', 'Tollgate Local Embeddings (demo)', '{embedding}', 8191, 1, 5),
  ('text-embedding-3-small', 'openai', 'text-embedding-3-small', 'OpenAI text-embedding-3-small', '{embedding}', 8191, 1, 15);

insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok, output_per_mtok, effective_from)
values
  ('local-embed', 20000, 20000, 0, '2026-01-01T00:00:00Z'),
  ('text-embedding-3-small', 20000, 20000, 0, '2026-01-01T00:00:00Z');

-- AI gateway, part 4: bring your own key (BYOK). A user or an org stores a provider API key; the
-- app encrypts it (AES-256-GCM with ENCRYPTION_KEY) before it reaches the database, so the table
-- only ever holds ciphertext and a hint (last 4 characters). Nobody reads the table directly:
-- listing returns hints, and only the service (the gateway) can fetch the ciphertext.

-- ===================================================================== TABLES
create table public.ai_provider_keys (
  id uuid primary key default gen_random_uuid(),
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  provider text not null check (provider in ('openai', 'anthropic', 'google')),
  ciphertext text not null check (ciphertext ~ '^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$'),
  key_hint text not null check (char_length(key_hint) between 1 and 8),
  created_by uuid,
  created_at timestamptz not null default now(),
  monthly_limit_micro_usd bigint
    check (monthly_limit_micro_usd is null or monthly_limit_micro_usd between 1 and 1000000000000000),
  expires_at timestamptz,
  constraint ai_provider_keys_one unique (subject_kind, subject_id, provider)
);
comment on table public.ai_provider_keys is
  'Encrypted provider keys of users and orgs (BYOK). Never returned after creation; hints only.';
comment on column public.ai_provider_keys.monthly_limit_micro_usd is
  'Optional: provider cost (micro-USD) the key may carry per UTC month; null = no limit.';
comment on column public.ai_provider_keys.expires_at is 'Optional: after this instant the key is not used.';

-- ===================================================================== RLS
alter table public.ai_provider_keys enable row level security;
revoke all on public.ai_provider_keys from public, anon, authenticated, service_role;
-- The gateway's catalog cache reads who has keys of their own, never the keys.
grant select (subject_kind, subject_id) on public.ai_provider_keys to service_role;

-- ===================================================================== FUNCTIONS
/* A user manages their own keys; an org's keys are managed by its owners and admins. */
create function private.assert_key_manager(kind text, subject uuid) returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(kind, subject);
  if kind = 'org' and not private.is_trusted() and coalesce(private.org_role(subject), '') not in ('owner', 'admin') then
    perform private.fail('TG403', 'Only org owners and admins manage the org''s provider keys.', '{}'::jsonb);
  end if;
end
$$;
comment on function private.assert_key_manager(text, uuid) is 'Fails unless the caller may manage the subject''s keys.';

create function public.ai_key_save(p_subject_kind text, p_subject_id uuid, p_provider text, p_ciphertext text,
                                   p_key_hint text)
returns table (id uuid, provider text, key_hint text, created_at timestamptz)
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_key_manager(p_subject_kind, p_subject_id);
  return query
  insert into public.ai_provider_keys as k (subject_kind, subject_id, provider, ciphertext, key_hint, created_by)
  values (p_subject_kind, p_subject_id, p_provider, p_ciphertext, p_key_hint, auth.uid())
  on conflict on constraint ai_provider_keys_one do update
  set ciphertext = excluded.ciphertext, key_hint = excluded.key_hint, created_by = excluded.created_by,
      created_at = now()
  returning k.id, k.provider, k.key_hint, k.created_at;
end
$$;
comment on function public.ai_key_save(text, uuid, text, text, text) is
  'Stores (or replaces) the subject''s encrypted key for a provider; returns the hint only.';

create function public.ai_key_list(p_subject_kind text, p_subject_id uuid)
returns table (id uuid, provider text, key_hint text, created_at timestamptz, monthly_limit_micro_usd bigint,
               expires_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  return query select k.id, k.provider, k.key_hint, k.created_at, k.monthly_limit_micro_usd, k.expires_at
  from public.ai_provider_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id order by k.provider;
end
$$;
comment on function public.ai_key_list(text, uuid) is
  'The subject''s stored keys: provider, hint, monthly limit and expiry, never the key.';

create function public.ai_key_delete(p_subject_kind text, p_subject_id uuid, p_provider text)
returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_key_manager(p_subject_kind, p_subject_id);
  delete from public.ai_provider_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id and k.provider = p_provider;
  return found;
end
$$;
comment on function public.ai_key_delete(text, uuid, text) is 'Removes the subject''s key for a provider.';

/* Service only: the ciphertext for the gateway, after it checked the caller may act for the subject. */
create function public.ai_key_secret(p_subject_kind text, p_subject_id uuid, p_provider text)
returns text
language sql stable security definer set search_path = ''
as $$
  select k.ciphertext from public.ai_provider_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id and k.provider = p_provider
    and (k.expires_at is null or k.expires_at > private.clock())
    and (k.monthly_limit_micro_usd is null or k.monthly_limit_micro_usd > (
      select coalesce(sum(e.provider_cost_micro_usd), 0) from public.usage_events e
      where e.subject_kind = p_subject_kind and e.subject_id = p_subject_id and e.provider = p_provider
        and e.source = 'byok'
        and e.occurred_at >= date_trunc('month', private.clock() at time zone 'UTC') at time zone 'UTC'))
$$;
comment on function public.ai_key_secret(text, uuid, text) is
  'Service only: the encrypted key the gateway decrypts, unless expired or over its monthly limit.';

-- ===================================================================== PRIVILEGES
revoke all on function private.assert_key_manager(text, uuid) from public, anon;
revoke all on function
  public.ai_key_save(text, uuid, text, text, text),
  public.ai_key_list(text, uuid),
  public.ai_key_delete(text, uuid, text),
  public.ai_key_secret(text, uuid, text)
from public, anon, authenticated;
grant execute on function
  public.ai_key_save(text, uuid, text, text, text),
  public.ai_key_list(text, uuid),
  public.ai_key_delete(text, uuid, text)
to authenticated, service_role;
grant execute on function public.ai_key_secret(text, uuid, text) to service_role;

-- AI gateway, BYOK part 2: an optional monthly spending limit and an expiry per provider key.
-- The gateway only receives a key that has not expired and whose BYOK provider cost this UTC
-- month is below its limit; otherwise the call falls back to the platform key and credits.

-- ===================================================================== TABLES
-- ===================================================================== FUNCTIONS
/* Sets (or clears, with nulls) the monthly limit and expiry of the subject's key for a provider. */
create function public.ai_key_set_limits(p_subject_kind text, p_subject_id uuid, p_provider text,
                                         p_monthly_limit_micro_usd bigint, p_expires_at timestamptz)
returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_key_manager(p_subject_kind, p_subject_id);
  if p_monthly_limit_micro_usd is not null
     and p_monthly_limit_micro_usd not between 1 and 1000000000000000 then
    perform private.fail('TG422', 'A monthly limit is more than 0 and at most 10^9 USD.',
      jsonb_build_object('field', 'monthlyLimitMicroUsd'));
  end if;
  if p_expires_at is not null and p_expires_at <= private.clock() then
    perform private.fail('TG422', 'An expiry must be in the future.', jsonb_build_object('field', 'expiresAt'));
  end if;
  update public.ai_provider_keys k
  set monthly_limit_micro_usd = p_monthly_limit_micro_usd, expires_at = p_expires_at
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id and k.provider = p_provider;
  return found;
end
$$;
comment on function public.ai_key_set_limits(text, uuid, text, bigint, timestamptz) is
  'Sets the monthly limit (micro-USD) and expiry of the subject''s key for a provider.';

-- ===================================================================== PRIVILEGES
revoke all on function public.ai_key_set_limits(text, uuid, text, bigint, timestamptz)
from public, anon, authenticated;
-- Checks inside: the user for their own keys, org owners and admins for the org's.
grant execute on function public.ai_key_set_limits(text, uuid, text, bigint, timestamptz)
to authenticated, service_role;

-- AI gateway, media and safety: image and transcription models (priced per image and per audio
-- second in ai_model_prices.per_image / per_audio_second, which the catalog already carries), and
-- the platform switch for content moderation. Moderation runs only where an OpenAI key allows it
-- (the platform's or the subject's own); the switch is on by default.

-- ===================================================================== TABLES
-- ===================================================================== FUNCTIONS
create function public.ai_moderation_set(p_enabled boolean)
returns public.ai_settings
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_settings;
begin
  perform private.assert_ai_admin();
  if p_enabled is null then
    perform private.fail('TG422', 'Say whether moderation is on or off.', jsonb_build_object('field', 'enabled'));
  end if;
  update public.ai_settings s set moderation_enabled = p_enabled, updated_at = now()
  returning * into saved;
  return saved;
end
$$;
comment on function public.ai_moderation_set(boolean) is
  'Platform admins: turns content moderation of AI calls on or off.';

-- ===================================================================== PRIVILEGES
revoke all on function public.ai_moderation_set(boolean) from public, anon;
grant execute on function public.ai_moderation_set(boolean) to authenticated, service_role;

-- ===================================================================== SEED
-- Public list prices in micro-USD: gpt-image-1 at 1024x1024 medium quality 0.042 USD per image,
-- dall-e-3 standard 1024x1024 0.040 USD, whisper-1 0.006 USD per minute (100 per second),
-- gpt-4o-mini-transcribe 0.003 USD per minute (50 per second). The local demo models are cheap.
insert into public.ai_models (id, provider, provider_model_id, display_name, capabilities, context_window,
                              max_output_tokens, sort_order)
values
  ('local-image', 'local', 'local-image', 'Tollgate Local Images (demo)', '{image}', 4096, 1, 6),
  ('local-transcribe', 'local', 'local-transcribe', 'Tollgate Local Transcription (demo)', '{transcription}', 4096, 1, 7),
  ('gpt-image-1', 'openai', 'gpt-image-1', 'GPT Image 1', '{image}', 32000, 1, 16),
  ('dall-e-3', 'openai', 'dall-e-3', 'DALL·E 3', '{image}', 4000, 1, 17),
  ('whisper-1', 'openai', 'whisper-1', 'Whisper', '{transcription}', 4096, 1, 18),
  ('gpt-4o-mini-transcribe', 'openai', 'gpt-4o-mini-transcribe', 'GPT-4o mini Transcribe', '{transcription}', 16000, 1, 19)
on conflict (id) do nothing;

insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok, output_per_mtok,
                                    per_image, per_audio_second, effective_from)
values
  ('local-image', 0, 0, 0, 2000, 0, '2026-01-01T00:00:00Z'),
  ('local-transcribe', 0, 0, 0, 0, 20, '2026-01-01T00:00:00Z'),
  ('gpt-image-1', 0, 0, 0, 42000, 0, '2026-01-01T00:00:00Z'),
  ('dall-e-3', 0, 0, 0, 40000, 0, '2026-01-01T00:00:00Z'),
  ('whisper-1', 0, 0, 0, 0, 100, '2026-01-01T00:00:00Z'),
  ('gpt-4o-mini-transcribe', 0, 0, 0, 0, 50, '2026-01-01T00:00:00Z')
on conflict (model_id, effective_from) do nothing;

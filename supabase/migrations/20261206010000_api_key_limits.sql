-- API keys' own limits on every call made with a key, and the key's id on what the call wrote.
-- The live definitions are in supabase/schemas/api_keys.sql, ledger.sql (credit_settle),
-- usage.sql (usage_record) and hooks.sql.

-- ===================================================================== TABLES
alter table public.transfers add column api_key_id uuid;
alter table public.holds add column api_key_id uuid;
alter table public.usage_events add column api_key_id uuid;
alter table public.api_keys add column rate_window_start timestamptz,
  add column rate_window_count integer not null default 0;

/* What each key spent per UTC month: posted spends plus the holds still open, counted under the wallet lock. */
create table public.api_key_usage (
  api_key_id uuid not null references public.api_keys (id) on delete cascade,
  month date not null,
  used bigint not null default 0 check (used >= 0),
  primary key (api_key_id, month)
);
comment on table public.api_key_usage is
  'Micro-credits each API key spent per UTC month (open holds included); checked against its monthly limit.';

/* Open holds counted in a key's month, until settle or void replaces them by what was posted. */
create table public.api_key_holds (
  hold_id bigint primary key,
  api_key_id uuid not null references public.api_keys (id) on delete cascade,
  month date not null,
  amount bigint not null check (amount > 0)
);
comment on table public.api_key_holds is 'Holds counted in an API key''s month until they end.';


-- ===================================================================== INDEXES
create index usage_events_api_key_idx on public.usage_events (api_key_id, occurred_at desc)
  where api_key_id is not null;

-- ===================================================================== RLS
alter table public.api_key_holds enable row level security;
revoke all on public.api_key_holds from public, anon, authenticated, service_role;
grant select on public.api_key_holds to service_role;
alter table public.api_key_usage enable row level security;
revoke all on public.api_key_usage from public, anon, authenticated, service_role;
grant select on public.api_key_usage to authenticated, service_role;
create policy api_key_usage_select on public.api_key_usage for select to authenticated
  using (exists (select 1 from public.api_keys k where k.id = api_key_id));

-- ===================================================================== FUNCTIONS
drop function public.api_key_authenticate(text, inet);

create function public.api_key_authenticate(p_secret_hash text, p_ip inet)
returns table (refusal text, id uuid, subject_kind text, subject_id uuid, created_by uuid, environment text,
               scopes text[], monthly_limit_micro_credits bigint, requests_per_minute integer, wallet_id uuid,
               retry_after integer)
language plpgsql security definer set search_path = ''
as $$
declare
  k public.api_keys;
  now_at timestamptz := private.clock();
  minute timestamptz := date_trunc('minute', now_at);
begin
  select * into k from public.api_keys a where a.secret_hash = p_secret_hash;
  if k.id is null then
    select * into k from public.api_keys a
    where a.previous_secret_hash = p_secret_hash and a.previous_valid_until > now_at;
  end if;
  refusal := case
    when k.id is null then 'invalid'
    when k.revoked_at is not null then 'revoked'
    when k.expires_at is not null and k.expires_at <= now_at then 'expired'
    when k.subject_kind = 'org' and not exists (select 1 from public.organization_members m
                                                where m.org_id = k.subject_id and m.user_id = k.created_by)
      then 'inactive'
    when k.ip_allowlist is not null and (p_ip is null or not p_ip <<= any (k.ip_allowlist)) then 'ip_not_allowed'
  end;
  if refusal is not null then
    return next;
    return;
  end if;
  if k.requests_per_minute is not null then
    -- One guarded update counts the request: concurrent requests queue on the row and re-check.
    update public.api_keys a
    set rate_window_count = case when a.rate_window_start = minute then a.rate_window_count + 1 else 1 end,
        rate_window_start = minute, last_used_at = now_at, last_used_ip = p_ip
    where a.id = k.id
      and (a.rate_window_start is distinct from minute or a.rate_window_count < a.requests_per_minute);
    if not found then
      refusal := 'rate_limited';
      requests_per_minute := k.requests_per_minute;
      retry_after := greatest(1, ceil(extract(epoch from (minute + interval '1 minute' - now_at))))::integer;
      return next;
      return;
    end if;
  else
    -- Once a second is enough: a busy key does not queue every request on its row.
    update public.api_keys a set last_used_at = now_at, last_used_ip = p_ip
    where a.id = k.id
      and (a.last_used_at is null or a.last_used_at < now_at - interval '1 second' or a.last_used_ip is distinct from p_ip);
  end if;
  id := k.id; subject_kind := k.subject_kind; subject_id := k.subject_id; created_by := k.created_by;
  environment := k.environment; scopes := k.scopes;
  monthly_limit_micro_credits := k.monthly_limit_micro_credits; requests_per_minute := k.requests_per_minute;
  wallet_id := private.subject_wallet(k.subject_kind, k.subject_id);
  return next;
end
$$;
comment on function public.api_key_authenticate(text, inet) is
  'Service only: the usable key for a secret hash from an address (recording its use and counting its minute), or a refusal reason.';


create function private.request_api_key() returns uuid
language sql stable set search_path = ''
as $$ select (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'api_key_id')::uuid $$;
comment on function private.request_api_key() is
  'The api_key_id claim of the current request (set by the server for key-authenticated calls), or null.';


create function private.count_api_key_debit(amount bigint, hold bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  key uuid := private.request_api_key();
  cap bigint;
  usage_key date;
  counted bigint;
begin
  if key is null then
    return;
  end if;
  usage_key := private.usage_month(private.clock());
  select k.monthly_limit_micro_credits into cap from public.api_keys k where k.id = key;
  if cap is null or amount <= cap then
    insert into public.api_key_usage as u (api_key_id, month, used)
    values (key, usage_key, amount)
    on conflict (api_key_id, month) do update set used = u.used + excluded.used
      where cap is null or u.used + excluded.used <= cap
    returning u.used into counted;
  end if;
  if counted is null then
    select coalesce(max(u.used), 0) into counted from public.api_key_usage u
    where u.api_key_id = key and u.month = usage_key;
    perform private.fail('TG402',
      format('The API key''s monthly limit is reached: %s micro-credits needed, %s of %s used this month.',
             amount, counted, cap),
      jsonb_build_object('reason', 'key_limit', 'limit', cap::text, 'used', counted::text,
                         'needed', amount::text, 'available', greatest(cap - counted, 0)::text));
  end if;
  if hold is not null then
    insert into public.api_key_holds (hold_id, api_key_id, month, amount) values (hold, key, usage_key, amount);
    update public.holds h set api_key_id = key where h.id = hold;
  end if;
end
$$;
comment on function private.count_api_key_debit(bigint, bigint) is
  'Counts a key-authenticated spend or hold against the key''s month; TG402 past its monthly limit.';


create function private.release_api_key_hold(hold bigint, posted bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  counted public.api_key_holds;
begin
  delete from public.api_key_holds h where h.hold_id = hold returning * into counted;
  if not found then
    return;
  end if;
  update public.api_key_usage u set used = greatest(u.used + posted - counted.amount, 0)
  where u.api_key_id = counted.api_key_id and u.month = counted.month;
end
$$;
comment on function private.release_api_key_hold(bigint, bigint) is
  'Replaces a key''s counted hold in its month by what was actually posted.';


create or replace function public.credit_settle(p_hold_id bigint, p_actual bigint)
returns table (hold_id bigint, transfer_id bigint, posted bigint, released bigint, shortfall bigint,
               available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  hold public.holds;
  charge bigint;
  transfer bigint;
  freed bigint := 0;
begin
  if p_actual is null or p_actual < 0 or p_actual > 1000000000000000 then
    perform private.fail('TG422', 'The actual amount must be a whole number of micro-credits from 0 to 10^15.',
      jsonb_build_object('field', 'actual'));
  end if;
  hold := private.lock_hold(p_hold_id);

  if hold.status = 'posted' then
    if hold.requested_amount <> p_actual then
      perform private.fail('TG409', 'This hold was already settled with a different amount.',
        jsonb_build_object('holdId', hold.id, 'actual', hold.requested_amount::text));
    end if;
    return query select hold.id, hold.transfer_id, hold.posted_amount,
      greatest(hold.amount - hold.posted_amount, 0), hold.shortfall, private.available(hold.account_id), true;
    return;
  elsif hold.status = 'voided' then
    perform private.fail('TG409', 'This hold was voided and can no longer be settled.', jsonb_build_object('holdId', hold.id));
  end if;

  -- End the reservation (unless expiry already did), expire what is due, then charge the
  -- actual amount: at most the hold plus whatever else the wallet has.
  if hold.status = 'pending' then
    freed := private.release_hold(hold, 'posted');
  end if;
  perform private.sweep_if_due(hold.account_id);
  charge := least(p_actual, private.available(hold.account_id));
  if charge > 0 then
    insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                  metadata, actor_id, key_account_id, idempotency_key, hold_id, api_key_id)
    values (hold.account_id, private.system_account('revenue:' || hold.category), charge, 'hold_post',
            hold.category, hold.description,
            hold.metadata || jsonb_build_object('held', hold.amount::text, 'actual', p_actual::text),
            hold.actor_id, hold.account_id, 'hold:' || hold.id, hold.id, hold.api_key_id)
    returning id into transfer;
    update public.accounts a
    set debits_posted = a.debits_posted + charge, debits_unallocated = a.debits_unallocated + charge
    where a.id = hold.account_id;
  end if;
  perform private.after_hold_end(hold.id, charge);

  update public.holds h
  set status = 'posted', requested_amount = p_actual, posted_amount = charge,
      shortfall = p_actual - charge, transfer_id = transfer, resolved_at = private.clock()
  where h.id = hold.id;
  return query select hold.id, transfer, charge, greatest(freed - charge, 0), p_actual - charge,
    private.available(hold.account_id), false;
end
$$;
comment on function public.credit_settle(bigint, bigint) is
  'Service only: posts a hold by the actual amount (the rest returns at once); retries replay.';


create or replace function private.after_debit(wallet public.accounts, amount bigint, hold bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  left_over bigint := wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
begin
  -- billing: auto-recharge below the armed threshold (single flight).
  if left_over < wallet.auto_recharge_below then
    perform private.request_auto_recharge(wallet.id);
  end if;
  -- alerts: thresholds and low balance, once per period.
  if left_over < wallet.alert_below then
    perform private.raise_wallet_alerts(wallet.id, amount);
  end if;
  -- orgs: a member's monthly limit on an org wallet.
  if wallet.kind = 'org_wallet' then
    perform private.count_member_debit(wallet.id, amount, hold);
  end if;
  -- api_keys: the month's spend of the API key the request came with, against its limit.
  perform private.count_api_key_debit(amount, hold);
end
$$;
comment on function private.after_debit(public.accounts, bigint, bigint) is
  'Ledger hook: runs after a debit or reservation, under the wallet lock; handlers may refuse it.';


create or replace function private.after_hold_end(hold bigint, posted bigint) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  -- orgs: a member's counted hold becomes what was really posted.
  perform private.release_member_hold(hold, posted);
  -- api_keys: a key's counted hold becomes what was really posted.
  perform private.release_api_key_hold(hold, posted);
end
$$;
comment on function private.after_hold_end(bigint, bigint) is
  'Ledger hook: runs after a hold is settled or voided, under the wallet lock.';


drop function public.usage_record(text, uuid, uuid, text, text, text, text, text, bigint, bigint, bigint, bigint,
  integer, numeric, numeric, integer, bigint, bigint, boolean, boolean, text, text, jsonb, timestamptz);

create function public.usage_record(
  p_subject_kind text, p_subject_id uuid, p_actor_id uuid, p_source text, p_provider text, p_model text,
  p_operation text, p_feature text, p_input_tokens bigint default 0, p_output_tokens bigint default 0,
  p_cached_tokens bigint default 0, p_characters bigint default 0, p_images integer default 0,
  p_audio_seconds numeric default 0, p_video_seconds numeric default 0, p_latency_ms integer default null,
  p_provider_cost_micro_usd bigint default 0, p_credits_charged bigint default 0, p_cached boolean default false,
  p_success boolean default true, p_error_code text default null, p_request_id text default null,
  p_metadata jsonb default '{}'::jsonb, p_occurred_at timestamptz default null, p_api_key_id uuid default null
) returns table (event_id bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := coalesce(p_occurred_at, private.clock());
  event_day date := (coalesce(p_occurred_at, private.clock()) at time zone 'UTC')::date;
  big constant bigint := 1000000000000;
  tokens bigint;
  made bigint;
  period record;
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Usage is recorded by the service.', '{}'::jsonb);
  end if;
  perform private.assert_subject(p_subject_kind, p_subject_id);
  perform private.check_usage(p_source in ('platform', 'byok'), 'source', 'Source must be platform or byok.');
  perform private.check_usage(p_provider ~ '^[a-z0-9][a-z0-9._-]{0,63}$', 'provider',
    'A provider is 1 to 64 lowercase letters, digits, dots, dashes or underscores.');
  perform private.check_usage(char_length(p_model) between 1 and 128, 'model', 'A model name has 1 to 128 characters.');
  perform private.check_usage(p_operation in ('chat', 'completion', 'embedding', 'image', 'speech', 'transcription'),
    'operation', 'Operation must be chat, completion, embedding, image, speech or transcription.');
  perform private.check_usage(char_length(p_feature) between 1 and 100, 'feature', 'A feature name has 1 to 100 characters.');
  perform private.check_usage(p_input_tokens between 0 and big and p_output_tokens between 0 and big
    and p_cached_tokens between 0 and big and p_characters between 0 and big, 'tokens',
    'Token and character counts are whole numbers from 0 to 10^12.');
  perform private.check_usage(p_images between 0 and 100000 and p_audio_seconds between 0 and 1000000
    and p_video_seconds between 0 and 1000000, 'media', 'Images and audio / video seconds must be between 0 and 10^6.');
  perform private.check_usage(p_latency_ms is null or p_latency_ms between 0 and 86400000, 'latency_ms',
    'Latency is 0 to 86,400,000 ms.');
  perform private.check_usage(p_provider_cost_micro_usd between 0 and 1000000000000000
    and p_credits_charged between 0 and 1000000000000000, 'cost', 'Costs are whole micro-units from 0 to 10^15.');
  perform private.check_usage(p_success is not null and p_cached is not null, 'success', 'success and cached are required.');
  perform private.check_usage(p_error_code is null or char_length(p_error_code) between 1 and 100, 'error_code',
    'An error code has 1 to 100 characters.');
  perform private.check_usage(p_request_id is null or char_length(p_request_id) between 1 and 255, 'request_id',
    'A request id has 1 to 255 characters.');
  perform private.check_usage(jsonb_typeof(p_metadata) = 'object' and pg_column_size(p_metadata) <= 8192, 'metadata',
    'Metadata must be a JSON object of at most 8 KB.');
  perform private.check_usage(at between private.clock() - interval '90 days' and private.clock() + interval '5 minutes',
    'occurred_at', 'Usage can be recorded for the last 90 days, not the future.');

  insert into public.usage_events (occurred_at, subject_kind, subject_id, actor_id, source, provider, model, operation,
    feature, input_tokens, output_tokens, cached_tokens, characters, images, audio_seconds, video_seconds, latency_ms,
    provider_cost_micro_usd, credits_charged, cached, success, error_code, request_id, metadata, api_key_id)
  values (at, p_subject_kind, p_subject_id, p_actor_id, p_source, p_provider, p_model, p_operation, p_feature,
    p_input_tokens, p_output_tokens, p_cached_tokens, p_characters, p_images, p_audio_seconds, p_video_seconds,
    p_latency_ms, p_provider_cost_micro_usd, p_credits_charged, p_cached, p_success, p_error_code, p_request_id,
    p_metadata, p_api_key_id)
  on conflict (subject_kind, subject_id, request_id) where request_id is not null do nothing
  returning id into made;
  if made is null then
    return query select e.id, true from public.usage_events e
      where e.subject_kind = p_subject_kind and e.subject_id = p_subject_id and e.request_id = p_request_id;
    return;
  end if;

  insert into public.usage_daily as d (subject_kind, subject_id, day, provider, model, feature, operation, source,
    events, errors, cached_events, input_tokens, output_tokens, cached_tokens, characters, images, audio_seconds,
    video_seconds, latency_ms_sum, latency_events, provider_cost_micro_usd, credits_charged)
  values (p_subject_kind, p_subject_id, event_day, p_provider, p_model, p_feature, p_operation, p_source,
    1, (not p_success)::int, p_cached::int, p_input_tokens, p_output_tokens, p_cached_tokens, p_characters, p_images,
    p_audio_seconds, p_video_seconds, coalesce(p_latency_ms, 0), (p_latency_ms is not null)::int,
    p_provider_cost_micro_usd, p_credits_charged)
  on conflict (subject_kind, subject_id, day, provider, model, feature, operation, source) do update
  set events = d.events + 1, errors = d.errors + excluded.errors, cached_events = d.cached_events + excluded.cached_events,
      input_tokens = d.input_tokens + excluded.input_tokens, output_tokens = d.output_tokens + excluded.output_tokens,
      cached_tokens = d.cached_tokens + excluded.cached_tokens, characters = d.characters + excluded.characters,
      images = d.images + excluded.images, audio_seconds = d.audio_seconds + excluded.audio_seconds,
      video_seconds = d.video_seconds + excluded.video_seconds,
      latency_ms_sum = d.latency_ms_sum + excluded.latency_ms_sum,
      latency_events = d.latency_events + excluded.latency_events,
      provider_cost_micro_usd = d.provider_cost_micro_usd + excluded.provider_cost_micro_usd,
      credits_charged = d.credits_charged + excluded.credits_charged;

  if p_subject_kind = 'org' and p_actor_id is not null then
    insert into public.usage_daily_members as m (subject_kind, subject_id, day, actor_id, events, errors, input_tokens,
      output_tokens, cached_tokens, provider_cost_micro_usd, credits_charged)
    values (p_subject_kind, p_subject_id, event_day, p_actor_id, 1, (not p_success)::int, p_input_tokens, p_output_tokens,
      p_cached_tokens, p_provider_cost_micro_usd, p_credits_charged)
    on conflict (subject_kind, subject_id, day, actor_id) do update
    set events = m.events + 1, errors = m.errors + excluded.errors, input_tokens = m.input_tokens + excluded.input_tokens,
        output_tokens = m.output_tokens + excluded.output_tokens, cached_tokens = m.cached_tokens + excluded.cached_tokens,
        provider_cost_micro_usd = m.provider_cost_micro_usd + excluded.provider_cost_micro_usd,
        credits_charged = m.credits_charged + excluded.credits_charged;
  end if;

  -- The subscription period this call falls in, for the monthly LLM-token limit.
  select p.period_start, p.period_end into period from private.subject_plan(p_subject_kind, p_subject_id, at) p limit 1;
  tokens := p_input_tokens + p_output_tokens;
  insert into public.usage_period_tokens as t (subject_kind, subject_id, period_start, period_end, platform_tokens,
    byok_tokens, platform_requests, byok_requests)
  values (p_subject_kind, p_subject_id, period.period_start, period.period_end,
    case when p_source = 'platform' then tokens else 0 end, case when p_source = 'byok' then tokens else 0 end,
    (p_source = 'platform')::int, (p_source = 'byok')::int)
  on conflict (subject_kind, subject_id, period_start) do update
  set platform_tokens = t.platform_tokens + excluded.platform_tokens, byok_tokens = t.byok_tokens + excluded.byok_tokens,
      platform_requests = t.platform_requests + excluded.platform_requests,
      byok_requests = t.byok_requests + excluded.byok_requests;

  return query select made, false;
end
$$;
comment on function public.usage_record(text, uuid, uuid, text, text, text, text, text, bigint, bigint, bigint, bigint,
  integer, numeric, numeric, integer, bigint, bigint, boolean, boolean, text, text, jsonb, timestamptz, uuid) is
  'Service: records an AI call and its rollups atomically; idempotent by request id.';


-- ===================================================================== PRIVILEGES
revoke all on function public.api_key_authenticate(text, inet) from public, anon, authenticated;
grant execute on function public.api_key_authenticate(text, inet) to service_role;
revoke all on function
  private.count_api_key_debit(bigint, bigint),
  private.release_api_key_hold(bigint, bigint)
from public, anon, authenticated, service_role;
revoke all on function
  public.usage_record(text, uuid, uuid, text, text, text, text, text, bigint, bigint, bigint, bigint, integer, numeric,
    numeric, integer, bigint, bigint, boolean, boolean, text, text, jsonb, timestamptz, uuid)
from public, anon, authenticated;
grant execute on function
  public.usage_record(text, uuid, uuid, text, text, text, text, text, bigint, bigint, bigint, bigint, integer, numeric,
    numeric, integer, bigint, bigint, boolean, boolean, text, text, jsonb, timestamptz, uuid)
to service_role;

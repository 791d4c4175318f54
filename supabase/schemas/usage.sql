-- Usage metrics: raw AI usage events for platform and BYOK calls, and the rollups that keep
-- stats fast at millions of events. No money moves here; credits_charged only records what the
-- caller charged through the ledger.
--
-- usage_record writes the event and, in the same transaction, upserts the daily rollup
-- (day × subject × provider/model × feature × operation × source), the per-member daily rollup
-- (orgs) and the per-period LLM-token counter that plan limits read. Stats read only rollups.
--
-- Who sees what: a user their own rows, org members their org's, platform admins all. Only the
-- service records usage (amounts come from the gateway, never from a client).

-- ===================================================================== TABLES
create table public.usage_events (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null,
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  actor_id uuid,
  source text not null check (source in ('platform', 'byok')),
  provider text not null check (provider ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  model text not null check (char_length(model) between 1 and 128),
  operation text not null
    check (operation in ('chat', 'completion', 'embedding', 'image', 'speech', 'transcription')),
  feature text not null check (char_length(feature) between 1 and 100),
  input_tokens bigint not null default 0 check (input_tokens between 0 and 1000000000000),
  output_tokens bigint not null default 0 check (output_tokens between 0 and 1000000000000),
  cached_tokens bigint not null default 0 check (cached_tokens between 0 and 1000000000000),
  characters bigint not null default 0 check (characters between 0 and 1000000000000),
  images integer not null default 0 check (images >= 0),
  audio_seconds numeric(14, 3) not null default 0 check (audio_seconds >= 0),
  video_seconds numeric(14, 3) not null default 0 check (video_seconds >= 0),
  latency_ms integer check (latency_ms >= 0),
  provider_cost_micro_usd bigint not null default 0 check (provider_cost_micro_usd >= 0),
  credits_charged bigint not null default 0 check (credits_charged >= 0),
  cached boolean not null default false,
  success boolean not null default true,
  error_code text check (error_code is null or char_length(error_code) between 1 and 100),
  request_id text check (request_id is null or char_length(request_id) between 1 and 255),
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 8192),
  -- The API key the call was made with; null for calls from a session.
  api_key_id uuid
);
comment on table public.usage_events is
  'One row per AI call (platform or BYOK): tokens, media, latency, provider cost in micro-USD. Append-only.';

create table public.usage_daily (
  subject_kind text not null,
  subject_id uuid not null,
  day date not null,
  provider text not null,
  model text not null,
  feature text not null,
  operation text not null,
  source text not null,
  events bigint not null default 0,
  errors bigint not null default 0,
  cached_events bigint not null default 0,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cached_tokens bigint not null default 0,
  characters bigint not null default 0,
  images bigint not null default 0,
  audio_seconds numeric not null default 0,
  video_seconds numeric not null default 0,
  latency_ms_sum bigint not null default 0,
  latency_events bigint not null default 0,
  provider_cost_micro_usd bigint not null default 0,
  credits_charged bigint not null default 0,
  primary key (subject_kind, subject_id, day, provider, model, feature, operation, source)
);
comment on table public.usage_daily is
  'Sums of usage_events per UTC day, subject, provider/model, feature, operation and source.';

create table public.usage_daily_members (
  subject_kind text not null,
  subject_id uuid not null,
  day date not null,
  actor_id uuid not null,
  events bigint not null default 0,
  errors bigint not null default 0,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cached_tokens bigint not null default 0,
  provider_cost_micro_usd bigint not null default 0,
  credits_charged bigint not null default 0,
  primary key (subject_kind, subject_id, day, actor_id)
);
comment on table public.usage_daily_members is 'Org usage per UTC day and member (who made the call).';

create table public.usage_period_tokens (
  subject_kind text not null,
  subject_id uuid not null,
  period_start timestamptz not null,
  period_end timestamptz not null,
  platform_tokens bigint not null default 0,
  byok_tokens bigint not null default 0,
  platform_requests bigint not null default 0,
  byok_requests bigint not null default 0,
  primary key (subject_kind, subject_id, period_start)
);
comment on table public.usage_period_tokens is
  'LLM tokens (input + output) and calls per subscription period, split platform / BYOK; read by plan limits.';

-- ===================================================================== INDEXES
create index usage_events_subject_time_idx on public.usage_events (subject_kind, subject_id, occurred_at);
create unique index usage_events_request_idx on public.usage_events (subject_kind, subject_id, request_id)
  where request_id is not null;
create index usage_events_api_key_idx on public.usage_events (api_key_id, occurred_at desc)
  where api_key_id is not null;

-- ===================================================================== RLS
alter table public.usage_events enable row level security;
alter table public.usage_daily enable row level security;
alter table public.usage_daily_members enable row level security;
alter table public.usage_period_tokens enable row level security;

revoke all on public.usage_events, public.usage_daily, public.usage_daily_members, public.usage_period_tokens
  from public, anon, authenticated, service_role;
grant select on public.usage_events, public.usage_daily, public.usage_daily_members, public.usage_period_tokens
  to authenticated, service_role;

create policy usage_events_select on public.usage_events for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));
create policy usage_daily_select on public.usage_daily for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));
create policy usage_daily_members_select on public.usage_daily_members for select to authenticated
  using ((subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));
create policy usage_period_tokens_select on public.usage_period_tokens for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));

-- ===================================================================== FUNCTIONS
/* Refuses a usage value with a message naming the field. */
create function private.check_usage(ok boolean, field text, message text) returns void
language plpgsql immutable set search_path = ''
as $$
begin
  if ok is not true then
    perform private.fail('TG422', message, jsonb_build_object('field', field));
  end if;
end
$$;
comment on function private.check_usage(boolean, text, text) is 'Fails TG422 naming the field unless ok.';

/*
 * Records one AI call and updates its rollups in the same transaction. A retry with the same
 * request id returns the first event and counts nothing twice.
 */
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
revoke all on function private.check_usage(boolean, text, text) from public, anon, authenticated, service_role;
revoke all on function
  public.usage_record(text, uuid, uuid, text, text, text, text, text, bigint, bigint, bigint, bigint, integer, numeric,
    numeric, integer, bigint, bigint, boolean, boolean, text, text, jsonb, timestamptz, uuid)
from public, anon, authenticated;
grant execute on function
  public.usage_record(text, uuid, uuid, text, text, text, text, text, bigint, bigint, bigint, bigint, integer, numeric,
    numeric, integer, bigint, bigint, boolean, boolean, text, text, jsonb, timestamptz, uuid)
to service_role;

-- Usage metrics, part 2: stats read from the rollups only, so they stay fast at millions of
-- events (the raw events are never scanned here).

-- ===================================================================== FUNCTIONS
/*
 * Usage of a subject over whole UTC days [from, to], read from the rollups only: one row per
 * day, provider/model, feature, operation (category) and source, a total row, and — for org
 * owners and admins, platform admins and the service — one row per member.
 */
create function public.usage_stats(p_subject_kind text, p_subject_id uuid, p_from date, p_to date)
returns table (dimension text, key text, provider text, events bigint, errors bigint, cached_events bigint,
               input_tokens bigint, output_tokens bigint, cached_tokens bigint, characters bigint, images bigint,
               audio_seconds numeric, video_seconds numeric, avg_latency_ms bigint,
               provider_cost_micro_usd bigint, credits_charged bigint)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 400 then
    perform private.fail('TG422', 'Choose a period of at most 400 days that ends after it starts.',
      jsonb_build_object('field', 'period'));
  end if;
  return query
  select case when grouping(d.day) = 0 then 'day' when grouping(d.model) = 0 then 'model'
              when grouping(d.feature) = 0 then 'feature' when grouping(d.operation) = 0 then 'category'
              when grouping(d.source) = 0 then 'source' else 'total' end,
         coalesce(to_char(d.day, 'YYYY-MM-DD'), d.model, d.feature, d.operation, d.source, 'total'),
         d.provider,
         coalesce(sum(d.events), 0)::bigint, coalesce(sum(d.errors), 0)::bigint,
         coalesce(sum(d.cached_events), 0)::bigint, coalesce(sum(d.input_tokens), 0)::bigint,
         coalesce(sum(d.output_tokens), 0)::bigint, coalesce(sum(d.cached_tokens), 0)::bigint,
         coalesce(sum(d.characters), 0)::bigint, coalesce(sum(d.images), 0)::bigint,
         coalesce(sum(d.audio_seconds), 0), coalesce(sum(d.video_seconds), 0),
         round(sum(d.latency_ms_sum)::numeric / nullif(sum(d.latency_events), 0))::bigint,
         coalesce(sum(d.provider_cost_micro_usd), 0)::bigint, coalesce(sum(d.credits_charged), 0)::bigint
  from public.usage_daily d
  where d.subject_kind = p_subject_kind and d.subject_id = p_subject_id and d.day between p_from and p_to
  group by grouping sets ((d.day), (d.provider, d.model), (d.feature), (d.operation), (d.source), ());

  if p_subject_kind = 'org' and (private.is_trusted() or private.is_platform_admin()
                                 or private.org_role(p_subject_id) in ('owner', 'admin')) then
    return query
    select 'member', m.actor_id::text, null::text, sum(m.events)::bigint, sum(m.errors)::bigint, null::bigint,
           sum(m.input_tokens)::bigint, sum(m.output_tokens)::bigint, sum(m.cached_tokens)::bigint, null::bigint,
           null::bigint, null::numeric, null::numeric, null::bigint, sum(m.provider_cost_micro_usd)::bigint,
           sum(m.credits_charged)::bigint
    from public.usage_daily_members m
    where m.subject_kind = p_subject_kind and m.subject_id = p_subject_id and m.day between p_from and p_to
    group by m.actor_id;
  end if;
end
$$;
comment on function public.usage_stats(text, uuid, date, date) is
  'Usage of a subject over UTC days from the rollups: by day, model, feature, category, source, member, total.';

-- ===================================================================== PRIVILEGES
revoke all on function public.usage_stats(text, uuid, date, date) from public, anon, authenticated;
-- Checks inside: the user, org members (member rows for owners/admins), platform admins.
grant execute on function public.usage_stats(text, uuid, date, date) to authenticated, service_role;

-- Plan limits: the monthly LLM-token limit (read from the per-period counters that usage_record
-- keeps) and a requests-per-hour limiter kept in Postgres, so it is exact across any number of
-- app instances.
--
-- The limiter is a fixed window per clock hour (UTC): one row per subject, and one atomic
-- upsert that either counts the request or refuses it, reporting the seconds until the window
-- resets (Retry-After). Refused requests are not counted.

-- ===================================================================== TABLES
create table public.rate_limit_counters (
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  bucket text not null default 'requests' check (char_length(bucket) between 1 and 50),
  window_start timestamptz not null,
  hits integer not null check (hits >= 0),
  primary key (subject_kind, subject_id, bucket)
);
comment on table public.rate_limit_counters is
  'Requests counted in the current one-hour window, per subject. Written only by rate_limit_hit.';

-- ===================================================================== RLS
alter table public.rate_limit_counters enable row level security;
revoke all on public.rate_limit_counters from public, anon, authenticated, service_role;
grant select on public.rate_limit_counters to authenticated, service_role;
create policy rate_limit_counters_select on public.rate_limit_counters for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));

-- ===================================================================== FUNCTIONS
/*
 * Counts one request against the subject's requests-per-hour limit, or refuses it. A BYOK
 * request on a plan whose BYOK usage does not count is admitted without counting. With p_raise,
 * a refusal raises TG429 with {"retryAfter": seconds}; otherwise it returns allowed = false.
 */
create function public.rate_limit_hit(
  p_subject_kind text, p_subject_id uuid, p_byok boolean default false, p_raise boolean default true
) returns table (allowed boolean, request_limit integer, remaining integer, reset_at timestamptz, retry_after integer)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  window_begin timestamptz := date_trunc('hour', private.clock(), 'UTC');
  plan public.plans;
  counted integer;
  wait integer;
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  select p.* into plan from private.subject_plan(p_subject_kind, p_subject_id, at) s
  join public.plans p on p.id = s.plan_id limit 1;
  if coalesce(p_byok, false) and not plan.byok_counts_toward_limits then
    return query select true, plan.requests_per_hour, plan.requests_per_hour, window_begin + interval '1 hour', 0;
    return;
  end if;

  insert into public.rate_limit_counters as c (subject_kind, subject_id, bucket, window_start, hits)
  values (p_subject_kind, p_subject_id, 'requests', window_begin, 1)
  on conflict (subject_kind, subject_id, bucket) do update
  set hits = case when c.window_start = excluded.window_start then c.hits + 1 else 1 end,
      window_start = excluded.window_start
  where c.window_start <> excluded.window_start or c.hits < plan.requests_per_hour
  returning c.hits into counted;

  if counted is not null then
    return query select true, plan.requests_per_hour, plan.requests_per_hour - counted,
                        window_begin + interval '1 hour', 0;
    return;
  end if;
  wait := greatest(ceil(extract(epoch from (window_begin + interval '1 hour' - at)))::integer, 1);
  if coalesce(p_raise, true) then
    perform private.fail('TG429',
      format('Rate limit reached: your %s plan allows %s requests per hour. Try again in %s seconds.',
             plan.name, plan.requests_per_hour, wait),
      jsonb_build_object('retryAfter', wait, 'limit', plan.requests_per_hour,
                         'resetAt', window_begin + interval '1 hour'));
  end if;
  return query select false, plan.requests_per_hour, 0, window_begin + interval '1 hour', wait;
end
$$;
comment on function public.rate_limit_hit(text, uuid, boolean, boolean) is
  'Atomically counts a request against the plan''s requests per hour, or refuses it with Retry-After (TG429).';

/*
 * A subject's plan limits now: LLM tokens this period (platform, BYOK, and what counts toward the
 * limit), the limit and what remains (null = unlimited), and this hour's requests.
 */
create function public.quota_status(p_subject_kind text, p_subject_id uuid)
returns table (plan_id text, plan_name text, period_start timestamptz, period_end timestamptz,
               platform_tokens bigint, byok_tokens bigint, counted_tokens bigint, token_limit bigint,
               tokens_remaining bigint, byok_counts_toward_limits boolean, overage_policy text,
               requests_per_hour integer, requests_this_hour integer, requests_reset_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  return query
  with s as (select * from private.subject_plan(p_subject_kind, p_subject_id, at) limit 1),
  used as (
    select coalesce(sum(t.platform_tokens), 0)::bigint as platform, coalesce(sum(t.byok_tokens), 0)::bigint as byok
    from public.usage_period_tokens t, s
    where t.subject_kind = p_subject_kind and t.subject_id = p_subject_id and t.period_start = s.period_start
  ), counted as (
    select used.*, used.platform + case when p.byok_counts_toward_limits then used.byok else 0 end as total
    from used, s join public.plans p on p.id = s.plan_id
  )
  select p.id, p.name, s.period_start, s.period_end, c.platform, c.byok, c.total, p.monthly_llm_token_limit,
         greatest(p.monthly_llm_token_limit - c.total, 0), p.byok_counts_toward_limits, p.overage_policy,
         p.requests_per_hour,
         coalesce((select r.hits from public.rate_limit_counters r
                   where r.subject_kind = p_subject_kind and r.subject_id = p_subject_id and r.bucket = 'requests'
                     and r.window_start = date_trunc('hour', at, 'UTC')), 0),
         date_trunc('hour', at, 'UTC') + interval '1 hour'
  from s join public.plans p on p.id = s.plan_id cross join counted c;
end
$$;
comment on function public.quota_status(text, uuid) is
  'LLM tokens used this period against the plan limit, and requests this hour (self, org members, admins).';

/*
 * Pre-flight for a model call of about p_estimate tokens. reason: ok, unlimited, byok_exempt,
 * overage_credits (over the limit, the plan spends credits) or limit_reached.
 */
create function public.quota_check(p_subject_kind text, p_subject_id uuid, p_estimate bigint, p_byok boolean default false)
returns table (allowed boolean, reason text, used bigint, token_limit bigint, remaining bigint, estimate bigint)
language plpgsql stable security definer set search_path = ''
as $$
declare
  q record;
begin
  if p_estimate is null or p_estimate not between 0 and 1000000000000 then
    perform private.fail('TG422', 'The estimate is a whole number of tokens from 0 to 10^12.',
      jsonb_build_object('field', 'estimate'));
  end if;
  perform private.assert_subject(p_subject_kind, p_subject_id);
  select * into q from public.quota_status(p_subject_kind, p_subject_id);
  return query select
    case when q.token_limit is null or (p_byok and not q.byok_counts_toward_limits) then true
         when q.counted_tokens + p_estimate <= q.token_limit then true
         else q.overage_policy = 'credits' end,
    case when p_byok and not q.byok_counts_toward_limits then 'byok_exempt'
         when q.token_limit is null then 'unlimited'
         when q.counted_tokens + p_estimate <= q.token_limit then 'ok'
         when q.overage_policy = 'credits' then 'overage_credits'
         else 'limit_reached' end,
    q.counted_tokens, q.token_limit, q.tokens_remaining, p_estimate;
end
$$;
comment on function public.quota_check(text, uuid, bigint, boolean) is
  'Read-only pre-flight against the monthly LLM-token limit for an estimated call.';

/* LLM tokens per subscription period, newest first (the current period included). */
create function public.quota_periods(p_subject_kind text, p_subject_id uuid, p_limit integer default 12)
returns table (period_start timestamptz, period_end timestamptz, platform_tokens bigint, byok_tokens bigint,
               platform_requests bigint, byok_requests bigint)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  if p_limit is null or p_limit not between 1 and 120 then
    perform private.fail('TG422', 'Ask for 1 to 120 periods.', jsonb_build_object('field', 'limit'));
  end if;
  return query
  select t.period_start, t.period_end, t.platform_tokens, t.byok_tokens, t.platform_requests, t.byok_requests
  from public.usage_period_tokens t
  where t.subject_kind = p_subject_kind and t.subject_id = p_subject_id
  order by t.period_start desc limit p_limit;
end
$$;
comment on function public.quota_periods(text, uuid, integer) is 'LLM tokens and calls per past subscription period.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.rate_limit_hit(text, uuid, boolean, boolean),
  public.quota_status(text, uuid),
  public.quota_check(text, uuid, bigint, boolean),
  public.quota_periods(text, uuid, integer)
from public, anon;
-- Each checks inside that the caller is the user, an org member, a platform admin (reads) or trusted.
grant execute on function
  public.rate_limit_hit(text, uuid, boolean, boolean),
  public.quota_status(text, uuid),
  public.quota_check(text, uuid, bigint, boolean),
  public.quota_periods(text, uuid, integer)
to authenticated, service_role;

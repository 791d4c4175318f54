-- Plans and subscriptions, part 2: reading the effective plan, settling periods (monthly credit
-- grant, due downgrades), changing plans, and the admin functions that edit the price list.
--
-- Time is lazy: a subscription is settled by the first operation after its period ends (and by
-- allowance_maintenance), never by a daemon that must have run.

-- ===================================================================== FUNCTIONS: READ
/*
 * The plan in force for a subject at a moment, without writing: a downgrade whose time has come
 * counts as applied. A subject without a row (not expected: a trigger creates one) is on the
 * default plan. PL/pgSQL rather than SQL so its plans are cached: it is on every hot path.
 */
create function private.subject_plan(
  kind text, subject uuid, at timestamptz,
  out subscription_id uuid, out plan_id text, out pending_plan_id text, out pending_at timestamptz,
  out anchor_at timestamptz, out period_start timestamptz, out period_end timestamptz
)
language plpgsql stable security definer set search_path = ''
as $$
declare
  sub public.subscriptions;
  bounds record;
begin
  select * into sub from public.subscriptions s where s.subject_kind = kind and s.subject_id = subject;
  if not found then
    plan_id := (select p.id from public.plans p where p.is_default);
    anchor_at := at;
    period_start := at;
    period_end := at + interval '30 days';
    return;
  end if;
  bounds := private.period_bounds(sub.anchor_at, at);
  subscription_id := sub.id;
  anchor_at := sub.anchor_at;
  period_start := bounds.period_start;
  period_end := bounds.period_end;
  if sub.pending_at <= at then
    plan_id := sub.pending_plan_id;
  else
    plan_id := sub.plan_id;
    pending_plan_id := sub.pending_plan_id;
    pending_at := sub.pending_at;
  end if;
end
$$;
comment on function private.subject_plan(text, uuid, timestamptz) is
  'The effective plan and 30-day period of a subject at a moment (read-only).';

-- ===================================================================== FUNCTIONS: SETTLE
/* Issues plan credits into the subject's wallet as a lot that expires at the period end. */
create function private.grant_plan_credits(
  sub public.subscriptions, amount bigint, granted_total bigint, period_start timestamptz,
  period_end timestamptz, plan_name text
) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  wallet uuid := (select a.id from public.accounts a
                  where (sub.subject_kind = 'user' and a.user_id = sub.subject_id)
                     or (sub.subject_kind = 'org' and a.org_id = sub.subject_id));
begin
  if amount <= 0 or wallet is null then
    return;
  end if;
  -- One key per period and running total, so a retried settle never grants twice.
  perform public.credit_grant(wallet, amount, 'plan',
    format('plan:%s:%s:%s', sub.id, extract(epoch from period_start)::bigint, granted_total),
    period_end, null, plan_name || ' plan credits',
    jsonb_build_object('subscriptionId', sub.id, 'periodStart', period_start), 'subscription');
end
$$;
comment on function private.grant_plan_credits(public.subscriptions, bigint, bigint, timestamptz, timestamptz, text) is
  'Grants plan credits (idempotent per subscription, period and running total), expiring at period end.';

/*
 * Settles a subject's subscription for the current period: applies a downgrade that has come
 * due and grants the period's credits, once. Cheap when nothing is due (one indexed read);
 * otherwise serialised on the subscription row. Periods only move forward.
 */
create function private.sync_subscription(kind text, subject uuid) returns public.subscriptions
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  sub public.subscriptions;
  bounds record;
  plan public.plans;
begin
  select * into sub from public.subscriptions s where s.subject_kind = kind and s.subject_id = subject;
  if found and sub.current_period_end > at then
    return sub;
  end if;
  if not found then
    insert into public.subscriptions (subject_kind, subject_id, plan_id, anchor_at, current_period_start,
                                      current_period_end)
    select kind, subject, p.id, at, at - interval '30 days', at from public.plans p where p.is_default
    on conflict on constraint subscriptions_subject do nothing;
  end if;
  select * into sub from public.subscriptions s
  where s.subject_kind = kind and s.subject_id = subject for no key update;
  if not found then
    perform private.fail('TG404', 'No plan is available for this subject.', jsonb_build_object('subjectId', subject));
  end if;
  bounds := private.period_bounds(sub.anchor_at, at);
  if bounds.period_start <= sub.current_period_start then
    return sub; -- settled meanwhile by a concurrent caller
  end if;
  if sub.pending_at <= at then
    sub.plan_id := sub.pending_plan_id;
    sub.pending_plan_id := null;
    sub.pending_at := null;
  end if;
  select * into plan from public.plans p where p.id = sub.plan_id;
  perform private.grant_plan_credits(sub, plan.monthly_credit_grant, plan.monthly_credit_grant,
                                     bounds.period_start, bounds.period_end, plan.name);
  update public.subscriptions s
  set plan_id = sub.plan_id, pending_plan_id = sub.pending_plan_id, pending_at = sub.pending_at,
      current_period_start = bounds.period_start, current_period_end = bounds.period_end,
      period_credits_granted = plan.monthly_credit_grant
  where s.id = sub.id
  returning * into sub;
  return sub;
end
$$;
comment on function private.sync_subscription(text, uuid) is
  'Settles the current period of a subject (due downgrade, monthly credit grant) exactly once.';

-- ===================================================================== FUNCTIONS: SUBSCRIBE
/*
 * Moves a subject to another plan. An upgrade (higher tier) takes effect at once: the new
 * allowances less what was used this period, plus the difference in monthly credits. A downgrade
 * waits for the end of the current period. Choosing the current plan cancels a pending downgrade.
 */
create function public.subscription_change(p_subject_kind text, p_subject_id uuid, p_plan_id text)
returns table (subscription_id uuid, plan_id text, pending_plan_id text, pending_at timestamptz,
               change text, period_start timestamptz, period_end timestamptz, credits_granted bigint)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  sub public.subscriptions;
  target public.plans;
  current_plan public.plans;
  extra bigint := 0;
  outcome text;
begin
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins change plans.', '{}'::jsonb);
  end if;
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  select * into target from public.plans p where p.id = p_plan_id;
  if not found then
    perform private.fail('TG404', 'Plan not found.', jsonb_build_object('planId', p_plan_id));
  elsif not target.is_active then
    perform private.fail('TG422', 'This plan is no longer offered.', jsonb_build_object('field', 'plan_id'));
  end if;

  sub := private.sync_subscription(p_subject_kind, p_subject_id);
  select * into sub from public.subscriptions s where s.id = sub.id for no key update;
  select * into current_plan from public.plans p where p.id = sub.plan_id;

  if target.id = current_plan.id then
    outcome := case when sub.pending_plan_id is null then 'unchanged' else 'downgrade_canceled' end;
    update public.subscriptions s set pending_plan_id = null, pending_at = null where s.id = sub.id
    returning * into sub;
  elsif target.tier > current_plan.tier then
    outcome := 'upgraded';
    extra := greatest(target.monthly_credit_grant - sub.period_credits_granted, 0);
    perform private.grant_plan_credits(sub, extra, sub.period_credits_granted + extra,
                                       sub.current_period_start, sub.current_period_end, target.name);
    update public.subscriptions s
    set plan_id = target.id, pending_plan_id = null, pending_at = null,
        period_credits_granted = s.period_credits_granted + extra
    where s.id = sub.id
    returning * into sub;
    -- This period's balances: the new allowance less what was used or is reserved, spread over
    -- the lanes again. Every lane is locked first, so no deduction slips in between.
    perform 1 from public.token_balances b
    where b.subject_kind = p_subject_kind and b.subject_id = p_subject_id
    order by b.token_type, b.lane for no key update;
    with totals as (
      select b.token_type, sum(b.period_used + b.reserved)::bigint as taken, sum(b.period_allowance)::bigint as before,
             coalesce(max(a.monthly_allowance), 0) as allowance
      from public.token_balances b
      left join public.plan_token_allowances a on a.plan_id = target.id and a.token_type = b.token_type
      where b.subject_kind = p_subject_kind and b.subject_id = p_subject_id and b.refresh_at > at and b.period_start <= at
      group by b.token_type
    ), changed as (
      update public.token_balances b
      set balance = private.lane_share(greatest(t.allowance - t.taken, 0), private.lane_count(), b.lane),
          period_allowance = private.lane_share(t.allowance, private.lane_count(), b.lane),
          total_allocated = b.total_allocated + case when b.lane = 0 then greatest(t.allowance - t.before, 0) else 0 end
      from totals t
      where b.subject_kind = p_subject_kind and b.subject_id = p_subject_id and b.token_type = t.token_type
      returning b.token_type
    )
    insert into public.token_usage_log (subject_kind, subject_id, actor_id, token_type, kind, amount, remaining,
                                        metadata, created_at)
    select p_subject_kind, p_subject_id, auth.uid(), t.token_type, 'upgrade', t.allowance - t.before,
           greatest(t.allowance - t.taken, 0), jsonb_build_object('planId', target.id), at
    from totals t where t.allowance > t.before and exists (select 1 from changed c where c.token_type = t.token_type);
  else
    outcome := 'downgrade_scheduled';
    update public.subscriptions s set pending_plan_id = target.id, pending_at = s.current_period_end
    where s.id = sub.id
    returning * into sub;
  end if;

  return query select sub.id, sub.plan_id, sub.pending_plan_id, sub.pending_at, outcome,
                      sub.current_period_start, sub.current_period_end, extra;
end
$$;
comment on function public.subscription_change(text, uuid, text) is
  'Service or platform admin: upgrade at once (allowance less used, credit difference), downgrade at period end.';

/* The settled subscription of a subject with its plan's terms, for the caller or an admin. */
create function public.subscription_current(p_subject_kind text, p_subject_id uuid)
returns table (subscription_id uuid, plan_id text, plan_name text, tier smallint, anchor_at timestamptz,
               period_start timestamptz, period_end timestamptz, pending_plan_id text,
               pending_plan_name text, pending_at timestamptz, monthly_credit_grant bigint,
               monthly_llm_token_limit bigint, requests_per_hour integer,
               byok_counts_toward_limits boolean, overage_policy text, overage_credits_per_token bigint)
language plpgsql security definer set search_path = ''
as $$
declare
  sub public.subscriptions;
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  sub := private.sync_subscription(p_subject_kind, p_subject_id);
  return query
  select sub.id, p.id, p.name, p.tier, sub.anchor_at, sub.current_period_start, sub.current_period_end,
         sub.pending_plan_id, pp.name, sub.pending_at, p.monthly_credit_grant, p.monthly_llm_token_limit,
         p.requests_per_hour, p.byok_counts_toward_limits, p.overage_policy, p.overage_credits_per_token
  from public.plans p
  left join public.plans pp on pp.id = sub.pending_plan_id
  where p.id = sub.plan_id;
end
$$;
comment on function public.subscription_current(text, uuid) is
  'Settles and returns a subject''s subscription with its plan terms (self, org members, admins).';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.subject_plan(text, uuid, timestamptz),
  private.grant_plan_credits(public.subscriptions, bigint, bigint, timestamptz, timestamptz, text),
  private.sync_subscription(text, uuid)
from public, anon, authenticated, service_role;

revoke all on function public.subscription_change(text, uuid, text), public.subscription_current(text, uuid)
from public, anon;
-- Both check the caller inside: platform admin or trusted to change; the subject or an admin to read.
grant execute on function public.subscription_change(text, uuid, text), public.subscription_current(text, uuid)
to authenticated, service_role;

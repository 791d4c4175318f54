-- Plans, per-feature token types and subscriptions: part 1, tables and reference data.
--
-- A plan says what a subscriber gets each 30-day period: a credit grant (a lot in the credit
-- ledger that expires at period end), per-feature token allowances, an LLM-token limit, a
-- requests-per-hour limit, whether BYOK calls count toward those limits, and what happens past
-- an allowance (block, or spend credits). Users and orgs (the "subject") each hold exactly one
-- subscription; its periods are counted in whole 30-day steps from anchor_at.
--
-- Who sees what: everyone signed in reads plans, token types and allowances (they are the price
-- list); a subject's subscription is read by that user or the org's members; platform admins edit
-- plans through the functions below; nobody writes these tables directly.

-- ===================================================================== TABLES
create table public.plans (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{1,31}$'),
  name text not null check (char_length(btrim(name)) between 1 and 60),
  description text not null default '' check (char_length(description) <= 500),
  -- Orders plans: a higher tier is an upgrade (at once), a lower one a downgrade (at period end).
  tier smallint not null unique check (tier between 0 and 1000),
  monthly_credit_grant bigint not null default 0
    check (monthly_credit_grant between 0 and 1000000000000000),
  -- null means unlimited.
  monthly_llm_token_limit bigint check (monthly_llm_token_limit between 0 and 1000000000000000),
  requests_per_hour integer not null check (requests_per_hour between 1 and 100000000),
  byok_counts_toward_limits boolean not null default true,
  overage_policy text not null default 'block' check (overage_policy in ('block', 'credits')),
  -- Micro-credits charged per allowance token once an allowance is spent (policy 'credits').
  overage_credits_per_token bigint not null default 0
    check (overage_credits_per_token between 0 and 1000000000000),
  is_default boolean not null default false,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Pay-as-you-go: how far below zero a subscriber's wallet may spend (micro-credits), billed
  -- through Stripe's meter. Null: no credit line. A platform admin's per-wallet limit wins.
  postpaid_credit_limit bigint check (postpaid_credit_limit between 0 and 1000000000000000),
  constraint plans_overage_priced check (overage_policy = 'block' or overage_credits_per_token > 0),
  constraint plans_default_active check (not is_default or is_active)
);
comment on table public.plans is
  'Subscription plans. Money in micro-credits; monthly_llm_token_limit null = unlimited. Edited via plan_upsert.';

create table public.token_types (
  name text primary key check (name ~ '^[a-z][a-z0-9_]{1,47}$'),
  label text not null check (char_length(btrim(label)) between 1 and 60),
  description text not null default '' check (char_length(description) <= 500),
  -- Allowance tokens one action of this feature costs.
  cost_per_action integer not null check (cost_per_action between 1 and 1000000),
  sort_order smallint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.token_types is
  'AI features metered by allowance tokens, with the cost of one action. Edited via token_type_upsert.';

create table public.plan_token_allowances (
  plan_id text not null references public.plans (id) on delete cascade,
  token_type text not null references public.token_types (name) on delete cascade,
  monthly_allowance bigint not null check (monthly_allowance between 0 and 1000000000000),
  primary key (plan_id, token_type)
);
comment on table public.plan_token_allowances is
  'Allowance tokens per plan, feature and period. A missing row or 0 means the plan lacks the feature.';

create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  plan_id text not null references public.plans (id),
  -- Periods are [anchor + n·30 days, anchor + (n+1)·30 days).
  anchor_at timestamptz not null,
  -- A downgrade waits here until pending_at (the end of the period it was chosen in).
  pending_plan_id text references public.plans (id),
  pending_at timestamptz,
  -- The period the last sync settled (credit grant issued, due downgrade applied). Once
  -- current_period_end has passed, the next operation on the subject syncs it again; a new row
  -- records the period before its first, so the first operation settles the real one.
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  period_credits_granted bigint not null default 0 check (period_credits_granted >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subscriptions_subject unique (subject_kind, subject_id),
  constraint subscriptions_pending check ((pending_plan_id is null) = (pending_at is null)),
  constraint subscriptions_period check (current_period_end > current_period_start)
);
comment on table public.subscriptions is
  'One plan per user and per org, in 30-day periods from anchor_at. Written only by the plan functions.';

-- ===================================================================== INDEXES
create index subscriptions_sync_due_idx on public.subscriptions (current_period_end);
create index subscriptions_plan_idx on public.subscriptions (plan_id);
create index subscriptions_pending_plan_idx on public.subscriptions (pending_plan_id)
  where pending_plan_id is not null;
create index plan_token_allowances_type_idx on public.plan_token_allowances (token_type);
create unique index plans_one_default_idx on public.plans (is_default) where is_default;

-- ===================================================================== HELPERS
/* The org ids the caller belongs to; evaluated once per statement by the policies below. */
create function private.my_org_ids() returns uuid[]
language sql stable security definer set search_path = ''
as $$
  select coalesce(array_agg(m.org_id), '{}')
  from public.organization_members m where m.user_id = (select auth.uid())
$$;
comment on function private.my_org_ids() is 'Org ids the caller is a member of (for RLS policies).';

/*
 * Checks a subject reference and that the caller may act for it (use its allowances): the user
 * themself, any member of the org, or a trusted session. Strangers get the same 404 as a missing
 * subject, so they learn nothing. Platform admins may also read (read_only).
 */
create function private.assert_subject(kind text, subject uuid, read_only boolean default false)
returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if kind is null or kind not in ('user', 'org') then
    perform private.fail('TG422', 'The subject must be a user or an org.', jsonb_build_object('field', 'subject_kind'));
  end if;
  if subject is null then
    perform private.fail('TG422', 'A subject id is required.', jsonb_build_object('field', 'subject_id'));
  end if;
  -- Membership inline (not private.is_org_member): a PL/pgSQL query keeps its plan cached.
  if (kind = 'user' and subject = (select auth.uid()))
     or (kind = 'org' and exists (select 1 from public.organization_members m
                                  where m.org_id = subject and m.user_id = (select auth.uid()))) then
    return;
  end if;
  if (private.is_trusted() or (read_only and private.is_platform_admin()))
     and ((kind = 'user' and exists (select 1 from public.profiles p where p.id = subject))
       or (kind = 'org' and exists (select 1 from public.organizations o where o.id = subject))) then
    return;
  end if;
  perform private.fail('TG404', case kind when 'org' then 'Organization not found.' else 'User not found.' end,
    jsonb_build_object('subjectKind', kind, 'subjectId', subject));
end
$$;
comment on function private.assert_subject(text, uuid, boolean) is
  'Fails TG422 for a malformed subject and TG404 when it is missing or the caller may not act for it.';

/* The 30-day period of an anchor that contains `at`. PL/pgSQL: its plan is cached per session. */
create function private.period_bounds(
  anchor timestamptz, at timestamptz, out period_start timestamptz, out period_end timestamptz
)
language plpgsql immutable parallel safe set search_path = ''
as $$
declare
  steps bigint := floor(extract(epoch from (at - anchor)) / 2592000);
begin
  period_start := anchor + make_interval(secs => steps * 2592000);
  period_end := anchor + make_interval(secs => (steps + 1) * 2592000);
end
$$;
comment on function private.period_bounds(timestamptz, timestamptz) is
  'Start and end of the 30-day period (counted from anchor) that contains at.';

/*
 * The calendar month (UTC, counted from anchor, as Stripe counts billing months: Jan 31 → Feb 28
 * → Mar 31) of a paid term that contains at, cut at the term's end. A yearly plan's year is
 * twelve of them, each with its own plan credits and allowances.
 */
create function private.month_bounds(
  anchor timestamptz, at timestamptz, term_end timestamptz, out period_start timestamptz,
  out period_end timestamptz
)
language plpgsql immutable parallel safe set search_path = ''
as $$
declare
  origin timestamp := anchor at time zone 'UTC';
  span interval := age(at at time zone 'UTC', origin);
  months integer := greatest(0, (extract(year from span) * 12 + extract(month from span))::integer);
begin
  -- age() borrows at month ends; step to the month that really holds at.
  while months > 0 and (origin + make_interval(months => months)) at time zone 'UTC' > at loop
    months := months - 1;
  end loop;
  while (origin + make_interval(months => months + 1)) at time zone 'UTC' <= at loop
    months := months + 1;
  end loop;
  period_start := (origin + make_interval(months => months)) at time zone 'UTC';
  period_end := least((origin + make_interval(months => months + 1)) at time zone 'UTC', term_end);
end
$$;
comment on function private.month_bounds(timestamptz, timestamptz, timestamptz) is
  'The calendar month (UTC, from anchor) of a paid term that contains at, ending no later than the term.';

-- ===================================================================== RLS
alter table public.plans enable row level security;
alter table public.token_types enable row level security;
alter table public.plan_token_allowances enable row level security;
alter table public.subscriptions enable row level security;

revoke all on public.plans, public.token_types, public.plan_token_allowances, public.subscriptions
  from public, anon, authenticated, service_role;
grant select on public.plans, public.token_types, public.plan_token_allowances, public.subscriptions
  to authenticated, service_role;

create policy plans_select on public.plans for select to authenticated using (true);
create policy token_types_select on public.token_types for select to authenticated using (true);
create policy plan_token_allowances_select on public.plan_token_allowances for select to authenticated
  using (true);
create policy subscriptions_select on public.subscriptions for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));

-- ===================================================================== REFERENCE DATA
insert into public.plans (id, name, description, tier, monthly_credit_grant, monthly_llm_token_limit,
                          requests_per_hour, byok_counts_toward_limits, overage_policy,
                          overage_credits_per_token, is_default)
values
  ('free', 'Free', 'Try the product. No AI features.', 0, 0, 20000, 10, true, 'block', 0, true),
  ('starter', 'Starter', 'Credits for pay-as-you-go usage. No AI features.', 10, 10000000, 200000, 100,
   true, 'block', 0, false),
  ('pro', 'Pro', 'AI features with monthly allowances.', 20, 100000000, 2000000, 1000, false, 'block', 0, false),
  ('enterprise', 'Enterprise', 'High allowances; past them, features spend credits.', 30, 500000000,
   50000000, 10000, false, 'credits', 20000, false);

insert into public.token_types (name, label, description, cost_per_action, sort_order)
values
  ('lead_generation', 'Lead generation', 'Find and qualify leads.', 5, 1),
  ('goal_generation', 'Goal generation', 'Draft goals and key results.', 3, 2),
  ('strategy_analysis', 'Strategy analysis', 'Analyse a strategy or plan.', 2, 3),
  ('forecast', 'Forecast', 'Project metrics forward.', 4, 4),
  ('general', 'General', 'Everything else the assistant does.', 1, 5);

-- Pro: 100 actions of each feature a period (1,000 general); Enterprise: 20 times that.
insert into public.plan_token_allowances (plan_id, token_type, monthly_allowance)
select p.plan_id, t.name, t.cost_per_action * case t.name when 'general' then 1000 else 100 end * p.factor
from public.token_types t
cross join (values ('pro', 1), ('enterprise', 20)) as p(plan_id, factor);

-- ===================================================================== TRIGGERS
/*
 * Every user and org starts on the default plan, anchored at its creation. The recorded period is
 * the one before the first, so the first operation on the subject settles (grants) the real one.
 */
create function private.create_default_subscription() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  kind text := case tg_table_name when 'organizations' then 'org' else 'user' end;
  plan text := (select p.id from public.plans p where p.is_default);
begin
  if plan is not null then
    insert into public.subscriptions (subject_kind, subject_id, plan_id, anchor_at, current_period_start,
                                      current_period_end)
    values (kind, new.id, plan, new.created_at, new.created_at - interval '30 days', new.created_at)
    on conflict on constraint subscriptions_subject do nothing;
  end if;
  return new;
end
$$;
comment on function private.create_default_subscription() is
  'Trigger: subscribes a new profile or organization to the default plan.';

create trigger profiles_create_subscription after insert on public.profiles
  for each row execute function private.create_default_subscription();
create trigger organizations_create_subscription after insert on public.organizations
  for each row execute function private.create_default_subscription();
create trigger plans_touch before update on public.plans
  for each row execute function private.touch_updated_at();
create trigger token_types_touch before update on public.token_types
  for each row execute function private.touch_updated_at();
create trigger subscriptions_touch before update on public.subscriptions
  for each row execute function private.touch_updated_at();

-- ===================================================================== PRIVILEGES
revoke all on function private.my_org_ids(),
  private.assert_subject(text, uuid, boolean), private.period_bounds(timestamptz, timestamptz),
  private.month_bounds(timestamptz, timestamptz, timestamptz), private.create_default_subscription()
from public, anon, authenticated, service_role;
-- The policies above evaluate my_org_ids as the caller.
grant execute on function private.my_org_ids() to authenticated, service_role;

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
  subscription_id := sub.id;
  anchor_at := sub.anchor_at;
  -- As sync_subscription would settle it: a paid term's month, its grace, or the 30-day clock.
  if sub.billed_until > at and sub.current_period_end > at then
    period_start := sub.current_period_start;
    period_end := sub.current_period_end;
  elsif sub.billed_until > at and at < sub.paid_through then
    bounds := private.month_bounds(sub.anchor_at, at, sub.paid_through);
    period_start := bounds.period_start;
    period_end := bounds.period_end;
  elsif sub.billed_until > at then
    period_start := sub.current_period_start;
    period_end := sub.billed_until;
  elsif sub.billed_until is not null then
    plan_id := (select p.id from public.plans p where p.is_default);
    anchor_at := at;
    period_start := at;
    period_end := at + interval '30 days';
    return;
  else
    bounds := private.period_bounds(sub.anchor_at, at);
    period_start := bounds.period_start;
    period_end := bounds.period_end;
  end if;
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
  'The effective plan and period of a subject at a moment, as the next sync would settle it (read-only).';

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
  if sub.billed_until > at then
    -- A paid subscription's terms come from its paid invoices (billing.sql).
    if sub.current_period_end > at then
      return sub; -- settled meanwhile by a concurrent caller
    elsif at < sub.paid_through then
      -- Inside a paid term longer than a month (a yearly plan): its next month opens with the
      -- month's plan credits (keyed by period, so once) and a rollover from the month that ended.
      bounds := private.month_bounds(sub.anchor_at, at, sub.paid_through);
      select * into plan from public.plans p where p.id = sub.plan_id;
      if bounds.period_start = sub.current_period_end then
        perform private.roll_over_plan_credits(sub, private.subject_wallet(kind, subject),
          format('%s:%s', sub.id, extract(epoch from bounds.period_start)::bigint),
          bounds.period_start, bounds.period_end);
      end if;
      perform private.grant_plan_credits(sub, plan.monthly_credit_grant, plan.monthly_credit_grant,
                                         bounds.period_start, bounds.period_end, plan.name);
      update public.subscriptions s
      set current_period_start = bounds.period_start, current_period_end = bounds.period_end,
          period_credits_granted = plan.monthly_credit_grant
      where s.id = sub.id
      returning * into sub;
    else
      -- The paid term is over and its renewal not yet paid: until it is, or the grace days run
      -- out, the current period and its allowances stay open.
      update public.token_balances b set refresh_at = sub.billed_until
      where b.subject_kind = kind and b.subject_id = subject and b.refresh_at = sub.current_period_end;
      update public.subscriptions s set current_period_end = sub.billed_until where s.id = sub.id
      returning * into sub;
    end if;
    return sub;
  elsif sub.billed_until is not null then
    -- Unpaid past the grace days: the default plan, on the 30-day clock from now.
    sub.plan_id := (select p.id from public.plans p where p.is_default);
    sub.pending_plan_id := null;
    sub.pending_at := null;
    sub.anchor_at := at;
    sub.billed_until := null;
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
      anchor_at = sub.anchor_at, billed_until = sub.billed_until,
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

-- Plans, part 3: the functions platform admins edit the price list with — plans, their per-feature
-- allowances and the token types' cost per action. Each checks its caller inside; the check
-- constraints of the tables guard the values.

-- ===================================================================== FUNCTIONS
create function private.assert_plan_admin() returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins edit plans.', '{}'::jsonb);
  end if;
end
$$;
comment on function private.assert_plan_admin() is 'Fails TG403 unless the caller is a platform admin or trusted.';

/* Creates or replaces a plan (every term at once; the check constraints guard the values). */
create function public.plan_upsert(
  p_id text, p_name text, p_description text, p_tier smallint, p_monthly_credit_grant bigint,
  p_monthly_llm_token_limit bigint, p_requests_per_hour integer, p_byok_counts_toward_limits boolean,
  p_overage_policy text, p_overage_credits_per_token bigint, p_is_active boolean default true
) returns public.plans
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.plans;
begin
  perform private.assert_plan_admin();
  if p_id is null or p_id !~ '^[a-z][a-z0-9_]{1,31}$' then
    perform private.fail('TG422', 'A plan id is 2 to 32 lowercase letters, digits or underscores.',
      jsonb_build_object('field', 'id'));
  end if;
  if p_overage_policy = 'credits' and coalesce(p_overage_credits_per_token, 0) <= 0 then
    perform private.fail('TG422', 'Spending credits past the allowance needs a price per token.',
      jsonb_build_object('field', 'overage_credits_per_token'));
  end if;
  if not coalesce(p_is_active, true) and exists (select 1 from public.plans p where p.id = p_id and p.is_default) then
    perform private.fail('TG422', 'The default plan cannot be retired.', jsonb_build_object('field', 'is_active'));
  end if;
  insert into public.plans as p (id, name, description, tier, monthly_credit_grant, monthly_llm_token_limit,
                                 requests_per_hour, byok_counts_toward_limits, overage_policy,
                                 overage_credits_per_token, is_active)
  values (p_id, btrim(p_name), coalesce(p_description, ''), p_tier, p_monthly_credit_grant,
          p_monthly_llm_token_limit, p_requests_per_hour, p_byok_counts_toward_limits, p_overage_policy,
          coalesce(p_overage_credits_per_token, 0), coalesce(p_is_active, true))
  on conflict (id) do update
  set name = excluded.name, description = excluded.description, tier = excluded.tier,
      monthly_credit_grant = excluded.monthly_credit_grant,
      monthly_llm_token_limit = excluded.monthly_llm_token_limit,
      requests_per_hour = excluded.requests_per_hour,
      byok_counts_toward_limits = excluded.byok_counts_toward_limits,
      overage_policy = excluded.overage_policy, overage_credits_per_token = excluded.overage_credits_per_token,
      is_active = excluded.is_active
  returning * into saved;
  return saved;
end
$$;
comment on function public.plan_upsert(text, text, text, smallint, bigint, bigint, integer, boolean, text, bigint, boolean) is
  'Platform admin: creates or replaces a plan. Limits apply at once; allowances from the next period.';

/* Sets a plan's allowance for one feature; balances pick it up at their next refresh. */
create function public.plan_set_allowance(p_plan_id text, p_token_type text, p_monthly_allowance bigint)
returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_plan_admin();
  if p_monthly_allowance is null or p_monthly_allowance not between 0 and 1000000000000 then
    perform private.fail('TG422', 'An allowance is a whole number of tokens from 0 to 10^12.',
      jsonb_build_object('field', 'monthly_allowance'));
  end if;
  if not exists (select 1 from public.plans p where p.id = p_plan_id)
     or not exists (select 1 from public.token_types t where t.name = p_token_type) then
    perform private.fail('TG404', 'Plan or token type not found.',
      jsonb_build_object('planId', p_plan_id, 'tokenType', p_token_type));
  end if;
  insert into public.plan_token_allowances (plan_id, token_type, monthly_allowance)
  values (p_plan_id, p_token_type, p_monthly_allowance)
  on conflict (plan_id, token_type) do update set monthly_allowance = excluded.monthly_allowance;
end
$$;
comment on function public.plan_set_allowance(text, text, bigint) is
  'Platform admin: a plan''s monthly allowance for one token type (0 removes the feature).';

/* Creates a token type or changes its label and cost per action. */
create function public.token_type_upsert(
  p_name text, p_label text, p_cost_per_action integer, p_description text default '', p_sort_order smallint default 0
) returns public.token_types
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.token_types;
begin
  perform private.assert_plan_admin();
  if p_cost_per_action is null or p_cost_per_action not between 1 and 1000000 then
    perform private.fail('TG422', 'A cost per action is a whole number from 1 to 1,000,000.',
      jsonb_build_object('field', 'cost_per_action'));
  end if;
  insert into public.token_types as t (name, label, description, cost_per_action, sort_order)
  values (p_name, btrim(p_label), coalesce(p_description, ''), p_cost_per_action, coalesce(p_sort_order, 0))
  on conflict (name) do update
  set label = excluded.label, description = excluded.description,
      cost_per_action = excluded.cost_per_action, sort_order = excluded.sort_order
  returning * into saved;
  return saved;
end
$$;
comment on function public.token_type_upsert(text, text, integer, text, smallint) is
  'Platform admin: creates or edits a token type and its cost per action.';

-- ===================================================================== PRIVILEGES
revoke all on function private.assert_plan_admin() from public, anon, authenticated, service_role;
revoke all on function
  public.plan_upsert(text, text, text, smallint, bigint, bigint, integer, boolean, text, bigint, boolean),
  public.plan_set_allowance(text, text, bigint),
  public.token_type_upsert(text, text, integer, text, smallint)
from public, anon;
grant execute on function
  public.plan_upsert(text, text, text, smallint, bigint, bigint, integer, boolean, text, bigint, boolean),
  public.plan_set_allowance(text, text, bigint),
  public.token_type_upsert(text, text, integer, text, smallint)
to authenticated, service_role;

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
-- plans through the functions of the next migration; nobody writes these tables directly.

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

-- Subscriptions for subjects that existed before this migration.
insert into public.subscriptions (subject_kind, subject_id, plan_id, anchor_at, current_period_start, current_period_end)
select 'user', p.id, 'free', p.created_at, p.created_at - interval '30 days', p.created_at from public.profiles p
union all
select 'org', o.id, 'free', o.created_at, o.created_at - interval '30 days', o.created_at from public.organizations o;

-- ===================================================================== PRIVILEGES
revoke all on function private.my_org_ids(),
  private.assert_subject(text, uuid, boolean), private.period_bounds(timestamptz, timestamptz),
  private.create_default_subscription()
from public, anon, authenticated, service_role;
-- The policies above evaluate my_org_ids as the caller.
grant execute on function private.my_org_ids() to authenticated, service_role;

-- Feature token allowances, part 1: balances, the append-only usage log and reservations.
--
-- Each subject (user or org) holds one balance per token type, kept in a few lanes (rows) so
-- that concurrent deductions on one busy org lock different rows instead of queueing on one.
-- Every amount is the sum over the lanes: balance is what can be spent now; reserved is held by
-- pending reservations (an AI feature that is still running). Within a period, balance +
-- reserved + period_used = period_allowance (less after a mid-period downgrade of an allowance,
-- never more). Once refresh_at has passed, the next operation resets the lanes to the plan's
-- allowance — lazily, so no sweep is needed for correctness.
--
-- Who sees what: the user their own rows, org members their org's rows, platform admins all;
-- only the SECURITY DEFINER functions below (and in the domains that build on it) write.

-- ===================================================================== TABLES
create table public.token_balances (
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  token_type text not null references public.token_types (name) on delete cascade,
  -- One of private.lane_count() rows of the same balance; only sums over lanes mean anything.
  lane smallint not null check (lane between 0 and 63),
  balance bigint not null default 0 check (balance >= 0),
  reserved bigint not null default 0 check (reserved >= 0),
  period_allowance bigint not null default 0 check (period_allowance >= 0),
  period_used bigint not null default 0 check (period_used >= 0),
  total_allocated bigint not null default 0 check (total_allocated >= 0),
  total_used bigint not null default 0 check (total_used >= 0),
  period_start timestamptz not null,
  refresh_at timestamptz not null,
  last_used_at timestamptz,
  -- No pending reservation lapses before this (it may be earlier than needed, never later):
  -- until then a deduction may skip looking for lapsed reservations.
  next_lapse_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (subject_kind, subject_id, token_type, lane),
  constraint token_balances_period check (refresh_at > period_start)
);
comment on table public.token_balances is
  'Allowance tokens per subject and feature for the current period, in lanes (sum them); refreshed lazily at refresh_at.';

create table public.token_usage_log (
  id bigint generated always as identity primary key,
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  -- Who did it: the signed-in user, or null for trusted server work.
  actor_id uuid,
  token_type text not null,
  -- deduct: paid from the allowance; overage: paid with credits; refresh / upgrade: allowance added.
  kind text not null check (kind in ('deduct', 'overage', 'refresh', 'upgrade')),
  feature text check (feature is null or char_length(feature) between 1 and 100),
  amount bigint not null check (amount >= 0),
  -- The balance right after this entry.
  remaining bigint not null check (remaining >= 0),
  credits_charged bigint not null default 0 check (credits_charged >= 0),
  credit_transfer_id bigint,
  reservation_id bigint,
  idempotency_key text check (idempotency_key is null or char_length(idempotency_key) between 1 and 255),
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 8192),
  created_at timestamptz not null default now(),
  constraint token_usage_log_idempotency unique (subject_kind, subject_id, idempotency_key)
);
comment on table public.token_usage_log is
  'Append-only log of every allowance deduction, credit-paid overage, refresh and upgrade.';

create table public.token_reservations (
  id bigint generated always as identity primary key,
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  token_type text not null,
  actor_id uuid,
  feature text check (feature is null or char_length(feature) between 1 and 100),
  amount bigint not null check (amount > 0),
  -- allowance: held on token_balances.reserved; credits: held by a credit hold in the ledger.
  source text not null check (source in ('allowance', 'credits')),
  -- The balance lane that holds an allowance reservation.
  lane smallint not null default 0,
  credit_hold_id bigint,
  credits bigint not null default 0 check (credits >= 0),
  idempotency_key text not null check (char_length(idempotency_key) between 1 and 255),
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 8192),
  status text not null default 'pending' check (status in ('pending', 'committed', 'released', 'expired')),
  expires_at timestamptz not null,
  log_id bigint references public.token_usage_log (id),
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  constraint token_reservations_idempotency unique (subject_kind, subject_id, idempotency_key),
  constraint token_reservations_credits check ((source = 'credits') = (credit_hold_id is not null))
);
comment on table public.token_reservations is
  'Two-phase use of a feature: tokens (or credits) held while it runs, then committed or released.';

-- ===================================================================== INDEXES
create index token_balances_refresh_idx on public.token_balances (refresh_at) where lane = 0;
create index token_usage_log_subject_idx on public.token_usage_log (subject_kind, subject_id, created_at desc);
create index token_reservations_pending_idx on public.token_reservations (subject_kind, subject_id, token_type, expires_at)
  where status = 'pending';
create index token_reservations_expiry_idx on public.token_reservations (expires_at) where status = 'pending';

-- ===================================================================== RLS
alter table public.token_balances enable row level security;
alter table public.token_usage_log enable row level security;
alter table public.token_reservations enable row level security;

revoke all on public.token_balances, public.token_usage_log, public.token_reservations
  from public, anon, authenticated, service_role;
grant select on public.token_balances, public.token_usage_log, public.token_reservations
  to authenticated, service_role;

create policy token_balances_select on public.token_balances for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));
create policy token_usage_log_select on public.token_usage_log for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));
create policy token_reservations_select on public.token_reservations for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and subject_id = any ((select private.my_org_ids())::uuid[]))
      or (select private.is_platform_admin()));

-- ===================================================================== TRIGGERS
-- The log is append-only for every role, superusers included.
create trigger token_usage_log_immutable before update or delete on public.token_usage_log
  for each row execute function private.refuse_change();
create trigger token_usage_log_no_truncate before truncate on public.token_usage_log
  for each statement execute function private.refuse_change();
create trigger token_balances_touch before update on public.token_balances
  for each row execute function private.touch_updated_at();

-- Feature token allowances, part 2: the helpers every token operation shares — validating a
-- request, the clear refusals, and finding a deduction already made under a key.
--
-- Errors: TG413 (403) the plan lacks the feature — upgrade; TG412 (402) the allowance is spent;
-- TG402 (402) credits are short when the plan pays overage with credits; TG409 key reused;
-- TG422 bad input; TG404 unknown or foreign subject.

-- ===================================================================== FUNCTIONS: HELPERS
create function private.plan_allowance(plan text, token_type text) returns bigint
language plpgsql stable security definer set search_path = ''
as $$
begin
  return coalesce((select a.monthly_allowance from public.plan_token_allowances a
                   where a.plan_id = plan and a.token_type = plan_allowance.token_type), 0);
end
$$;
comment on function private.plan_allowance(text, text) is 'A plan''s allowance for a token type; 0 when it lacks the feature.';

create function private.subject_wallet(kind text, subject uuid) returns uuid
language sql stable security definer set search_path = ''
as $$
  -- Qualified: accounts has a column named kind too, which would win in a SQL function.
  select a.id from public.accounts a
  where (subject_wallet.kind = 'user' and a.user_id = subject_wallet.subject)
     or (subject_wallet.kind = 'org' and a.org_id = subject_wallet.subject)
$$;
comment on function private.subject_wallet(text, uuid) is 'The credit wallet of a user or org.';

/* Validates a token request and returns its size in allowance tokens (cost × actions). */
create function private.token_amount(
  token_type text, actions integer, feature text, idempotency_key text, metadata jsonb
) returns bigint
language plpgsql stable security definer set search_path = ''
as $$
declare
  cost integer := (select t.cost_per_action from public.token_types t where t.name = token_type);
begin
  if cost is null then
    perform private.fail('TG422', format('Unknown token type %L. Use one of: %s.', token_type,
      (select string_agg(t.name, ', ' order by t.sort_order) from public.token_types t)),
      jsonb_build_object('field', 'token_type'));
  end if;
  if actions is null or actions not between 1 and 10000 then
    perform private.fail('TG422', 'Actions must be a whole number from 1 to 10,000.', jsonb_build_object('field', 'actions'));
  end if;
  if feature is not null and char_length(feature) not between 1 and 100 then
    perform private.fail('TG422', 'A feature name has 1 to 100 characters.', jsonb_build_object('field', 'feature'));
  end if;
  -- 200, not 255: a credit overage reuses the key with a prefix in the ledger.
  if idempotency_key is null or char_length(idempotency_key) not between 1 and 200 then
    perform private.fail('TG422', 'An idempotency key of 1 to 200 characters is required.',
      jsonb_build_object('field', 'idempotency_key'));
  end if;
  if metadata is null or jsonb_typeof(metadata) <> 'object' or pg_column_size(metadata) > 8192 then
    perform private.fail('TG422', 'Metadata must be a JSON object of at most 8 KB.', jsonb_build_object('field', 'metadata'));
  end if;
  return cost::bigint * actions;
end
$$;
comment on function private.token_amount(text, integer, text, text, jsonb) is
  'Checks a token request (type, actions, feature, key, metadata); returns cost × actions.';

/* Refuses a feature the plan does not include, naming the cheapest plan that does. */
create function private.fail_upgrade_required(plan text, token_type text) returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  current_name text := (select p.name from public.plans p where p.id = plan);
  label text := (select t.label from public.token_types t where t.name = token_type);
  better record;
begin
  select p.id, p.name into better from public.plans p
  join public.plan_token_allowances a on a.plan_id = p.id and a.token_type = fail_upgrade_required.token_type
  where p.is_active and a.monthly_allowance > 0
  order by p.tier limit 1;
  perform private.fail('TG413',
    format('Your %s plan does not include %s. Upgrade to %s to use this.', current_name, label,
           coalesce(better.name, 'a higher plan')),
    jsonb_build_object('tokenType', token_type, 'planId', plan, 'upgradeTo', better.id));
end
$$;
comment on function private.fail_upgrade_required(text, text) is 'Raises TG413 with the plan to upgrade to.';

/*
 * The one paywall: refuses a call for a plan feature (a token type) that the plan does not include.
 * Every metered call passes here (ai_call_context: chat, feature actions, batches, the REST API),
 * and the allowance reserve and deduct decide by the same plan_allowance; a call for something
 * that is no plan feature (the assistant's chat, say) passes.
 */
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

/* Refuses a use the allowance cannot cover this period (the plan does not pay overage). */
create function private.fail_insufficient_allowance(
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
comment on function private.fail_insufficient_allowance(text, bigint, bigint, timestamptz) is
  'Raises TG412 with what was needed, what is left and when it refreshes.';

/*
 * The deduction already recorded under a key, or null. The same key for another token type or
 * amount is a conflict (TG409): a key names one deduction.
 */
create function private.replayed_deduction(
  kind text, subject uuid, key text, type_name text, amount bigint
) returns public.token_usage_log
language plpgsql stable security definer set search_path = ''
as $$
declare
  first public.token_usage_log;
begin
  select * into first from public.token_usage_log l
  where l.subject_kind = replayed_deduction.kind and l.subject_id = subject and l.idempotency_key = key;
  if found and (first.token_type <> type_name or first.amount <> replayed_deduction.amount) then
    perform private.fail('TG409', 'This idempotency key was already used for a different deduction.',
      jsonb_build_object('idempotencyKey', key, 'tokenType', first.token_type, 'amount', first.amount::text));
  end if;
  return first;
end
$$;
comment on function private.replayed_deduction(text, uuid, text, text, bigint) is
  'The first deduction under an idempotency key (null when none); TG409 when it differs.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.plan_allowance(text, text),
  private.subject_wallet(text, uuid),
  private.token_amount(text, integer, text, text, jsonb),
  private.fail_upgrade_required(text, text),
  private.require_plan_feature(text, text),
  private.fail_insufficient_allowance(text, bigint, bigint, timestamptz),
  private.replayed_deduction(text, uuid, text, text, bigint)
from public, anon, authenticated, service_role;

-- Feature token allowances, part 3: lanes. A balance is kept in private.lane_count() rows, so
-- concurrent deductions on one busy org lock different rows instead of queueing on one (a single
-- row serialises every commit). Only the sum over the lanes means anything:
--
--   take_from_a_lane   the fast path: one guarded UPDATE on one lane that can pay alone;
--   lock_balance       the full lock, in lane order: creates the lanes on first use, returns
--                      lapsed reservations, refreshes a passed period;
--   take_from_lanes    under the full lock: takes from the sum and spreads the rest evenly again.

-- ===================================================================== FUNCTIONS
/* How many lanes (rows) a balance is kept in: enough that a busy org's callers rarely meet. */
create function private.lane_count() returns integer
language sql immutable parallel safe set search_path = ''
as $$ select 16 $$;
comment on function private.lane_count() is 'Rows per allowance balance; deductions spread over them.';

/* Lane `lane`'s share when `total` is spread over `lanes` lanes (the first lanes get the remainder). */
create function private.lane_share(total bigint, lanes integer, lane integer) returns bigint
language sql immutable parallel safe set search_path = ''
as $$ select total / lanes + case when lane < total % lanes then 1 else 0 end $$;
comment on function private.lane_share(bigint, integer, integer) is 'An even split of total over lanes.';

/* The sum over a balance's lanes, shaped as one row (lane -1). */
create function private.balance_total(kind text, subject uuid, type_name text) returns public.token_balances
language plpgsql stable security definer set search_path = ''
as $$
declare
  total public.token_balances;
begin
  select kind, subject, type_name, -1, sum(b.balance), sum(b.reserved), sum(b.period_allowance), sum(b.period_used),
         sum(b.total_allocated), sum(b.total_used), min(b.period_start), min(b.refresh_at), max(b.last_used_at),
         min(b.next_lapse_at), min(b.created_at), max(b.updated_at)
  into total
  from public.token_balances b
  where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name;
  return total;
end
$$;
comment on function private.balance_total(text, uuid, text) is 'A balance summed over its lanes (null fields when it has none).';

/*
 * Locks every lane of a balance (caller synced the subscription): creates them on first use,
 * returns allowance reservations that lapsed, and refreshes them once the period has passed —
 * so balances are right without any sweep having run. Every allocation is logged. Returns the
 * sum over the lanes.
 */
create function private.lock_balance(kind text, subject uuid, type_name text, sub public.subscriptions)
returns public.token_balances
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  lanes integer := private.lane_count();
  total public.token_balances;
  allowance bigint;
  created integer;
begin
  perform 1 from public.token_balances b
  where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name
  order by b.lane for no key update;
  if not found then
    allowance := private.plan_allowance(sub.plan_id, type_name);
    insert into public.token_balances (subject_kind, subject_id, token_type, lane, balance, period_allowance,
                                       total_allocated, period_start, refresh_at)
    select kind, subject, type_name, l, private.lane_share(allowance, lanes, l),
           private.lane_share(allowance, lanes, l), private.lane_share(allowance, lanes, l),
           sub.current_period_start, sub.current_period_end
    from generate_series(0, lanes - 1) l
    on conflict (subject_kind, subject_id, token_type, lane) do nothing;
    get diagnostics created = row_count;
    if created > 0 and allowance > 0 then
      insert into public.token_usage_log (subject_kind, subject_id, actor_id, token_type, kind, amount, remaining, created_at)
      values (kind, subject, auth.uid(), type_name, 'refresh', allowance, allowance, at);
    end if;
    perform 1 from public.token_balances b
    where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name
    order by b.lane for no key update;
  end if;
  total := private.balance_total(kind, subject, type_name);

  if total.reserved > 0 then
    with expired as (
      update public.token_reservations r set status = 'expired', resolved_at = at
      where r.subject_kind = kind and r.subject_id = subject and r.token_type = type_name
        and r.status = 'pending' and r.source = 'allowance' and r.expires_at <= at
      returning r.lane, r.amount
    ), per_lane as (
      select l as lane, coalesce((select sum(e.amount) from expired e where e.lane = l), 0)::bigint as amount
      from generate_series(0, lanes - 1) l
    )
    -- The statement sees reservations as they were: the lapsed ones are left out by expiry.
    update public.token_balances b
    set balance = b.balance + p.amount, reserved = b.reserved - p.amount,
        next_lapse_at = (select min(r.expires_at) from public.token_reservations r
                         where r.subject_kind = kind and r.subject_id = subject and r.token_type = type_name
                           and r.lane = b.lane and r.status = 'pending' and r.source = 'allowance'
                           and r.expires_at > at)
    from per_lane p
    where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name and b.lane = p.lane;
    total := private.balance_total(kind, subject, type_name);
  end if;

  if total.refresh_at <= at then
    allowance := private.plan_allowance(sub.plan_id, type_name);
    -- Reservations still running carry into the new period as if made in it.
    update public.token_balances b
    set balance = private.lane_share(greatest(allowance - total.reserved, 0), lanes, b.lane),
        period_allowance = private.lane_share(allowance, lanes, b.lane), period_used = 0,
        total_allocated = b.total_allocated + private.lane_share(allowance, lanes, b.lane),
        period_start = sub.current_period_start, refresh_at = sub.current_period_end
    where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name;
    total := private.balance_total(kind, subject, type_name);
    if allowance > 0 then
      insert into public.token_usage_log (subject_kind, subject_id, actor_id, token_type, kind, amount, remaining, created_at)
      values (kind, subject, auth.uid(), type_name, 'refresh', allowance, total.balance, at);
    end if;
  end if;
  return total;
end
$$;
comment on function private.lock_balance(text, uuid, text, public.subscriptions) is
  'Locks all lanes of a balance (creating, un-reserving lapsed holds, refreshing as due); returns their sum.';

/*
 * With every lane locked and their sum able to pay: respreads the balance less `amount` evenly
 * and books the use (or the reservation) on lane 0, so later callers again find every lane
 * funded. Returns the balance left.
 */
create function private.take_from_lanes(
  kind text, subject uuid, type_name text, amount bigint, reserve boolean, lapse_at timestamptz, at timestamptz
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  lanes integer := private.lane_count();
  left_over bigint := (private.balance_total(kind, subject, type_name)).balance - amount;
begin
  update public.token_balances b
  set balance = private.lane_share(left_over, lanes, b.lane),
      period_used = b.period_used + case when b.lane = 0 and not reserve then amount else 0 end,
      total_used = b.total_used + case when b.lane = 0 and not reserve then amount else 0 end,
      reserved = b.reserved + case when b.lane = 0 and reserve then amount else 0 end,
      next_lapse_at = case when b.lane = 0 and reserve then least(b.next_lapse_at, lapse_at) else b.next_lapse_at end,
      last_used_at = case when b.lane = 0 and not reserve then at else b.last_used_at end
  where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name;
  return left_over;
end
$$;
comment on function private.take_from_lanes(text, uuid, text, bigint, boolean, timestamptz, timestamptz) is
  'Under the full lock: spends (or reserves) amount on lane 0 and spreads the rest over all lanes.';

/*
 * One guarded UPDATE on a lane that can pay: first any lane no one else holds (each connection
 * starts at its own lane), else waiting for one that could pay. Returns the lane, or null when no
 * lane alone can pay without settling first (first use, a due refresh, a lapsed reservation, or
 * too little left in any one lane).
 *
 * Row locks taken while re-checking a lane that a concurrent call changed are kept to commit even
 * when the lane is then not used. Each attempt therefore runs in a block that is rolled back when
 * it fails, releasing them: a call never waits, or goes on to lock every lane, while holding a
 * lane out of order.
 */
create function private.take_from_a_lane(
  kind text, subject uuid, type_name text, amount bigint, reserve boolean, lapse_at timestamptz, at timestamptz
) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  lanes integer := private.lane_count();
  start integer := pg_backend_pid() % private.lane_count();
  chosen integer;
begin
  begin
    update public.token_balances b
    set balance = b.balance - amount,
        period_used = b.period_used + case when reserve then 0 else amount end,
        total_used = b.total_used + case when reserve then 0 else amount end,
        reserved = b.reserved + case when reserve then amount else 0 end,
        next_lapse_at = case when reserve then least(b.next_lapse_at, lapse_at) else b.next_lapse_at end,
        last_used_at = case when reserve then b.last_used_at else at end
    where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name
      and b.balance >= amount and b.refresh_at > at and (b.reserved = 0 or b.next_lapse_at > at)
      and b.lane = (
        select c.lane from public.token_balances c
        where c.subject_kind = kind and c.subject_id = subject and c.token_type = type_name
          and c.balance >= amount and c.refresh_at > at and (c.reserved = 0 or c.next_lapse_at > at)
        order by (c.lane - start + lanes) % lanes
        limit 1
        for no key update skip locked)
    returning b.lane into chosen;
    if chosen is null then
      raise exception using errcode = 'TGL00';
    end if;
    return chosen;
  exception when sqlstate 'TGL00' then
    null;
  end;
  begin
    -- Every lane that could pay is busy: wait for one, then re-check it (the guard re-runs).
    update public.token_balances b
    set balance = b.balance - amount,
        period_used = b.period_used + case when reserve then 0 else amount end,
        total_used = b.total_used + case when reserve then 0 else amount end,
        reserved = b.reserved + case when reserve then amount else 0 end,
        next_lapse_at = case when reserve then least(b.next_lapse_at, lapse_at) else b.next_lapse_at end,
        last_used_at = case when reserve then b.last_used_at else at end
    where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name
      and b.balance >= amount and b.refresh_at > at and (b.reserved = 0 or b.next_lapse_at > at)
      and b.lane = (
        select c.lane from public.token_balances c
        where c.subject_kind = kind and c.subject_id = subject and c.token_type = type_name
          and c.balance >= amount and c.refresh_at > at and (c.reserved = 0 or c.next_lapse_at > at)
        order by (c.lane - start + lanes) % lanes
        limit 1)
    returning b.lane into chosen;
    if chosen is null then
      raise exception using errcode = 'TGL00';
    end if;
    return chosen;
  exception when sqlstate 'TGL00' then
    null;
  end;
  return null;
end
$$;
comment on function private.take_from_a_lane(text, uuid, text, bigint, boolean, timestamptz, timestamptz) is
  'Spends (or reserves) amount from one lane with a guarded UPDATE; null when the full-lock path is needed.';

-- ===================================================================== FUNCTIONS: INITIALIZE
/* Creates (or refreshes, when due) every allowance balance of a subject for its current plan. */
create function public.token_init(p_subject_kind text, p_subject_id uuid)
returns table (token_type text, balance bigint, refresh_at timestamptz)
language plpgsql security definer set search_path = ''
as $$
declare
  sub public.subscriptions;
  kind_name text;
  bal public.token_balances;
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  sub := private.sync_subscription(p_subject_kind, p_subject_id);
  for kind_name in select t.name from public.token_types t order by t.sort_order, t.name loop
    bal := private.lock_balance(p_subject_kind, p_subject_id, kind_name, sub);
    return query select kind_name, bal.balance, bal.refresh_at;
  end loop;
end
$$;
comment on function public.token_init(text, uuid) is
  'Creates a subject''s allowance balances for its plan (idempotent; refreshes any that are due).';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.lane_count(),
  private.lane_share(bigint, integer, integer),
  private.balance_total(text, uuid, text),
  private.lock_balance(text, uuid, text, public.subscriptions),
  private.take_from_lanes(text, uuid, text, bigint, boolean, timestamptz, timestamptz),
  private.take_from_a_lane(text, uuid, text, bigint, boolean, timestamptz, timestamptz)
from public, anon, authenticated, service_role;
revoke all on function public.token_init(text, uuid) from public, anon;
grant execute on function public.token_init(text, uuid) to authenticated, service_role;

-- Feature token allowances, part 4: reading balances, the pre-flight check and the atomic
-- deduction.
--
-- Errors: TG413 (403) the plan lacks the feature — upgrade; TG412 (402) the allowance is spent;
-- TG402 (402) credits are short when the plan pays overage with credits; TG409 key reused;
-- TG422 bad input; TG404 unknown or foreign subject.

-- ===================================================================== FUNCTIONS: READ
/*
 * What each balance is at a moment, without writing: rows past their refresh date read as
 * refreshed, lapsed reservations as returned, and token types never used as freshly allocated.
 */
create function private.effective_balances(kind text, subject uuid, at timestamptz)
returns table (token_type text, label text, cost_per_action integer, plan_id text, period_allowance bigint,
               balance bigint, reserved bigint, period_used bigint, total_allocated bigint, total_used bigint,
               period_start timestamptz, refresh_at timestamptz, last_used_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
declare
  plan record := private.subject_plan(kind, subject, at);
begin
  return query
  with lanes as (
    select b.token_type as name, sum(b.balance)::bigint as balance, sum(b.reserved)::bigint as reserved,
           sum(b.period_allowance)::bigint as period_allowance, sum(b.period_used)::bigint as period_used,
           sum(b.total_allocated)::bigint as total_allocated, sum(b.total_used)::bigint as total_used,
           min(b.period_start) as period_start, min(b.refresh_at) as refresh_at, max(b.last_used_at) as last_used_at
    from public.token_balances b
    where b.subject_kind = kind and b.subject_id = subject
    group by b.token_type
  ), state as (
    select t.name, t.label as type_label, t.cost_per_action as cost, t.sort_order,
           coalesce(a.monthly_allowance, 0) as allowance, l as row,
           (l.name is null or l.refresh_at <= at) as fresh,
           case when l.reserved > 0 then (
             select coalesce(sum(r.amount), 0)::bigint from public.token_reservations r
             where r.subject_kind = kind and r.subject_id = subject and r.token_type = t.name
               and r.status = 'pending' and r.source = 'allowance' and r.expires_at <= at)
           else 0::bigint end as lapsed
    from public.token_types t
    left join public.plan_token_allowances a on a.plan_id = plan.plan_id and a.token_type = t.name
    left join lanes l on l.name = t.name
  )
  select x.name, x.type_label, x.cost, plan.plan_id::text,
         case when x.fresh then x.allowance else (x.row).period_allowance end,
         case when x.fresh then greatest(x.allowance - coalesce((x.row).reserved - x.lapsed, 0), 0)
              else (x.row).balance + x.lapsed end,
         coalesce((x.row).reserved - x.lapsed, 0)::bigint,
         case when x.fresh then 0::bigint else (x.row).period_used end,
         coalesce((x.row).total_allocated, 0) + case when x.fresh then x.allowance else 0 end,
         coalesce((x.row).total_used, 0)::bigint,
         case when x.fresh then plan.period_start else (x.row).period_start end,
         case when x.fresh then plan.period_end else (x.row).refresh_at end,
         (x.row).last_used_at
  from state x
  order by x.sort_order, x.name;
end
$$;
comment on function private.effective_balances(text, uuid, timestamptz) is
  'Every token type''s balance for a subject as the next operation would see it (read-only).';

create function public.token_balances_of(p_subject_kind text, p_subject_id uuid)
returns table (token_type text, label text, cost_per_action integer, plan_id text, period_allowance bigint,
               balance bigint, reserved bigint, period_used bigint, total_allocated bigint, total_used bigint,
               period_start timestamptz, refresh_at timestamptz, last_used_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  return query select * from private.effective_balances(p_subject_kind, p_subject_id, private.clock());
end
$$;
comment on function public.token_balances_of(text, uuid) is
  'All allowance balances of a user or org (self, org members, platform admins).';

/*
 * Pre-flight: could the subject use `actions` of a feature now? reason is ok (allowance),
 * credits (allowance short, the plan spends credits and the wallet can pay), insufficient, or
 * upgrade_required. Read-only and cheap: a handful of index lookups on cached plans.
 */
create function public.token_check(p_subject_kind text, p_subject_id uuid, p_token_type text, p_actions integer default 1)
returns table (allowed boolean, reason text, token_type text, needed bigint, balance bigint,
               credits_needed bigint, credits_available bigint, plan_id text, refresh_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  want bigint;
  sub record;
  bal public.token_balances;
  allowance bigint;
  lapsed bigint := 0;
  spendable bigint;
  refresh timestamptz;
  plan public.plans;
  credits bigint;
  wallet_available bigint;
begin
  want := private.token_amount(p_token_type, p_actions, null, 'check', '{}'::jsonb);
  perform private.assert_subject(p_subject_kind, p_subject_id);
  sub := private.subject_plan(p_subject_kind, p_subject_id, at);
  allowance := private.plan_allowance(sub.plan_id, p_token_type);
  bal := private.balance_total(p_subject_kind, p_subject_id, p_token_type);
  if bal.reserved > 0 then
    select coalesce(sum(r.amount), 0) into lapsed from public.token_reservations r
    where r.subject_kind = p_subject_kind and r.subject_id = p_subject_id and r.token_type = p_token_type
      and r.status = 'pending' and r.source = 'allowance' and r.expires_at <= at;
  end if;
  -- The same arithmetic as private.effective_balances, for one token type.
  if bal.refresh_at is null or bal.refresh_at <= at then
    spendable := greatest(allowance - coalesce(bal.reserved - lapsed, 0), 0);
    refresh := sub.period_end;
  else
    spendable := bal.balance + lapsed;
    refresh := bal.refresh_at;
  end if;

  if spendable >= want then
    return query select true, 'ok', p_token_type, want, spendable, 0::bigint, null::bigint, sub.plan_id::text, refresh;
  elsif allowance = 0 then
    return query select false, 'upgrade_required', p_token_type, want, spendable, 0::bigint, null::bigint,
                        sub.plan_id::text, refresh;
  else
    select * into plan from public.plans p where p.id = sub.plan_id;
    if plan.overage_policy <> 'credits' then
      return query select false, 'insufficient', p_token_type, want, spendable, 0::bigint, null::bigint, plan.id, refresh;
      return;
    end if;
    credits := want * plan.overage_credits_per_token;
    select s.available into wallet_available
    from public.credit_summary(private.subject_wallet(p_subject_kind, p_subject_id)) s;
    return query select wallet_available >= credits,
                        case when wallet_available >= credits then 'credits' else 'insufficient' end,
                        p_token_type, want, spendable, credits, wallet_available, plan.id, refresh;
  end if;
end
$$;
comment on function public.token_check(text, uuid, text, integer) is
  'Read-only pre-flight for a feature: allowed, and why (ok, credits, insufficient, upgrade_required).';

-- ===================================================================== FUNCTIONS: DEDUCT
/*
 * Records a deduction that lane `lane` already paid for (lane null: the full-lock path, which
 * booked it on lane 0). A concurrent call with the same key may have committed first: then ours
 * is undone (same transaction, lane still locked) and theirs replayed, so a key never deducts twice.
 */
create function private.log_deduction(
  kind text, subject uuid, type_name text, lane integer, feature text, amount bigint, remaining bigint, key text,
  metadata jsonb, at timestamptz, out entry public.token_usage_log, out replayed boolean
)
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.token_usage_log as l (subject_kind, subject_id, actor_id, token_type, kind, feature, amount,
                                           remaining, idempotency_key, metadata, created_at)
  values (kind, subject, auth.uid(), type_name, 'deduct', feature, amount, remaining, key, metadata, at)
  on conflict on constraint token_usage_log_idempotency do nothing
  returning * into entry;
  replayed := entry.id is null;
  if replayed then
    update public.token_balances b
    set balance = b.balance + log_deduction.amount, period_used = b.period_used - log_deduction.amount,
        total_used = b.total_used - log_deduction.amount
    where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name
      and b.lane = coalesce(log_deduction.lane, 0);
    entry := private.replayed_deduction(kind, subject, key, type_name, amount);
  end if;
end
$$;
comment on function private.log_deduction(text, uuid, text, integer, text, bigint, bigint, text, jsonb, timestamptz) is
  'Logs a paid deduction, or undoes it and returns the first one when its key was used meanwhile.';

/*
 * Uses `actions` of a feature in one atomic step; a retry with the same key returns the first
 * result (another type or amount under that key is TG409). The common case is one guarded UPDATE
 * on one lane of the balance, so concurrent callers never overdraw and rarely wait for each
 * other. Otherwise (first use, a period to refresh, lapsed reservations, too little in any one
 * lane) every lane is locked and settled first; when the allowance is short and the plan pays
 * overage with credits, the credits are spent instead (same key, in the ledger). remaining is the
 * allowance left as this deduction saw it.
 */
create function public.token_consume(
  p_subject_kind text,
  p_subject_id uuid,
  p_token_type text,
  p_actions integer,
  p_feature text,
  p_idempotency_key text,
  p_metadata jsonb default '{}'::jsonb
) returns table (log_id bigint, token_type text, amount bigint, source text, credits_charged bigint,
                 remaining bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  needed bigint;
  sub public.subscriptions;
  bal public.token_balances;
  lane integer;
  done public.token_usage_log;
  logged record;
  paid boolean := false;
  replay boolean;
  plan public.plans;
  spent record;
begin
  needed := private.token_amount(p_token_type, p_actions, p_feature, p_idempotency_key, p_metadata);
  perform private.assert_subject(p_subject_kind, p_subject_id);
  sub := private.sync_subscription(p_subject_kind, p_subject_id);
  done := private.replayed_deduction(p_subject_kind, p_subject_id, p_idempotency_key, p_token_type, needed);
  replay := done.id is not null;

  if not replay then
    lane := private.take_from_a_lane(p_subject_kind, p_subject_id, p_token_type, needed, false, null, at);
    if lane is not null then
      logged := private.log_deduction(p_subject_kind, p_subject_id, p_token_type, lane, p_feature, needed,
        (private.balance_total(p_subject_kind, p_subject_id, p_token_type)).balance, p_idempotency_key, p_metadata, at);
      paid := true;
    else
      bal := private.lock_balance(p_subject_kind, p_subject_id, p_token_type, sub);
      done := private.replayed_deduction(p_subject_kind, p_subject_id, p_idempotency_key, p_token_type, needed);
      replay := done.id is not null;
      if not replay and bal.balance >= needed then
        logged := private.log_deduction(p_subject_kind, p_subject_id, p_token_type, null, p_feature, needed,
          private.take_from_lanes(p_subject_kind, p_subject_id, p_token_type, needed, false, null, at),
          p_idempotency_key, p_metadata, at);
        paid := true;
      end if;
    end if;
    if paid then
      done := logged.entry;
      replay := logged.replayed;
    end if;
  end if;
  if done.id is not null then
    return query select done.id, done.token_type, done.amount,
      case done.kind when 'overage' then 'credits' else 'allowance' end, done.credits_charged, done.remaining, replay;
    return;
  end if;

  if private.plan_allowance(sub.plan_id, p_token_type) = 0 then
    perform private.fail_upgrade_required(sub.plan_id, p_token_type);
  end if;
  select * into plan from public.plans p where p.id = sub.plan_id;
  if plan.overage_policy <> 'credits' then
    perform private.fail_insufficient_allowance(p_token_type, needed, bal.balance, bal.refresh_at);
  end if;

  select * into spent from public.credit_spend(private.subject_wallet(p_subject_kind, p_subject_id),
    needed * plan.overage_credits_per_token, 'premium_feature', 'tokens:' || p_idempotency_key,
    (select t.label from public.token_types t where t.name = p_token_type) || ' (past the plan allowance)',
    p_metadata || jsonb_build_object('tokenType', p_token_type, 'tokens', needed));
  update public.token_balances b set last_used_at = at
  where b.subject_kind = p_subject_kind and b.subject_id = p_subject_id and b.token_type = p_token_type and b.lane = 0;
  insert into public.token_usage_log (subject_kind, subject_id, actor_id, token_type, kind, feature, amount,
                                      remaining, credits_charged, credit_transfer_id, idempotency_key, metadata,
                                      created_at)
  values (p_subject_kind, p_subject_id, auth.uid(), p_token_type, 'overage', p_feature, needed, bal.balance,
          spent.amount, spent.transfer_id, p_idempotency_key, p_metadata, at)
  returning * into done;
  return query select done.id, p_token_type, needed, 'credits'::text, spent.amount, bal.balance, false;
end
$$;
comment on function public.token_consume(text, uuid, text, integer, text, text, jsonb) is
  'Atomically deducts cost × actions from an allowance (or spends credits when the plan allows); idempotent.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.effective_balances(text, uuid, timestamptz),
  private.log_deduction(text, uuid, text, integer, text, bigint, bigint, text, jsonb, timestamptz)
from public, anon, authenticated, service_role;
revoke all on function
  public.token_balances_of(text, uuid),
  public.token_check(text, uuid, text, integer),
  public.token_consume(text, uuid, text, integer, text, text, jsonb)
from public, anon;
-- Each checks inside that the caller is the user, a member of the org, or trusted.
grant execute on function
  public.token_balances_of(text, uuid),
  public.token_check(text, uuid, text, integer),
  public.token_consume(text, uuid, text, integer, text, text, jsonb)
to authenticated, service_role;

-- Feature token allowances, part 5: two-phase use, reserving (commit and release follow).
--
-- A feature gate reserves before the feature runs and commits only when it succeeded, so a
-- failed run costs nothing and concurrent runs can never overdraw. Past the allowance, on a plan
-- that pays overage with credits, the reservation is a credit hold in the ledger instead.

-- ===================================================================== FUNCTIONS: RESERVE
/* The reservation already made under a key, or null; TG409 when it was for something else. */
create function private.replayed_reservation(kind text, subject uuid, key text, type_name text, amount bigint)
returns public.token_reservations
language plpgsql stable security definer set search_path = ''
as $$
declare
  first public.token_reservations;
begin
  select * into first from public.token_reservations r
  where r.subject_kind = kind and r.subject_id = subject and r.idempotency_key = key;
  if found and (first.token_type <> type_name or first.amount <> replayed_reservation.amount) then
    perform private.fail('TG409', 'This idempotency key was already used for a different reservation.',
      jsonb_build_object('idempotencyKey', key, 'reservationId', first.id));
  end if;
  return first;
end
$$;
comment on function private.replayed_reservation(text, uuid, text, text, bigint) is
  'The first reservation under an idempotency key (null when none); TG409 when it differs.';

/*
 * Records an allowance hold that lane `lane` already took. When a concurrent call with the same
 * key committed first, ours is undone (same transaction, lane still locked) and theirs returned.
 */
create function private.record_hold(
  kind text, subject uuid, type_name text, lane integer, feature text, amount bigint, key text, metadata jsonb,
  expires timestamptz, at timestamptz, out made public.token_reservations, out replayed boolean
)
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.token_reservations as r (subject_kind, subject_id, token_type, actor_id, feature, amount,
                                              source, lane, idempotency_key, metadata, expires_at, created_at)
  values (kind, subject, type_name, auth.uid(), feature, amount, 'allowance', record_hold.lane, key, metadata,
          expires, at)
  on conflict on constraint token_reservations_idempotency do nothing
  returning * into made;
  replayed := made.id is null;
  if replayed then
    update public.token_balances b
    set balance = b.balance + record_hold.amount, reserved = b.reserved - record_hold.amount
    where b.subject_kind = kind and b.subject_id = subject and b.token_type = type_name and b.lane = record_hold.lane;
    made := private.replayed_reservation(kind, subject, key, type_name, amount);
  end if;
end
$$;
comment on function private.record_hold(text, uuid, text, integer, text, bigint, text, jsonb, timestamptz, timestamptz) is
  'Inserts an allowance reservation, or undoes the hold and returns the first one under its key.';

/*
 * Holds cost × actions of an allowance while a feature runs (or, past the allowance on a plan
 * that pays overage with credits, a credit hold). Like token_consume, the common case is one
 * guarded UPDATE; first use, a due refresh or possibly lapsed reservations take the locked path.
 */
create function public.token_reserve(
  p_subject_kind text,
  p_subject_id uuid,
  p_token_type text,
  p_actions integer,
  p_feature text,
  p_idempotency_key text,
  p_ttl_seconds integer default 600,
  p_metadata jsonb default '{}'::jsonb
) returns table (reservation_id bigint, token_type text, amount bigint, source text, credits bigint,
                 remaining bigint, expires_at timestamptz, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  expiry timestamptz;
  needed bigint;
  sub public.subscriptions;
  bal public.token_balances;
  made public.token_reservations;
  recorded record;
  replay boolean;
  lane integer;
  plan public.plans;
  hold record;
begin
  needed := private.token_amount(p_token_type, p_actions, p_feature, p_idempotency_key, p_metadata);
  if p_ttl_seconds is null or p_ttl_seconds not between 1 and 3600 then
    perform private.fail('TG422', 'A reservation lives between 1 second and 1 hour.', jsonb_build_object('field', 'ttl_seconds'));
  end if;
  perform private.assert_subject(p_subject_kind, p_subject_id);
  sub := private.sync_subscription(p_subject_kind, p_subject_id);
  expiry := at + make_interval(secs => p_ttl_seconds);
  made := private.replayed_reservation(p_subject_kind, p_subject_id, p_idempotency_key, p_token_type, needed);
  replay := made.id is not null;

  if not replay then
    lane := private.take_from_a_lane(p_subject_kind, p_subject_id, p_token_type, needed, true, expiry, at);
    if lane is null then
      bal := private.lock_balance(p_subject_kind, p_subject_id, p_token_type, sub);
      made := private.replayed_reservation(p_subject_kind, p_subject_id, p_idempotency_key, p_token_type, needed);
      replay := made.id is not null;
      if not replay and bal.balance >= needed then
        perform private.take_from_lanes(p_subject_kind, p_subject_id, p_token_type, needed, true, expiry, at);
        lane := 0;
      end if;
    end if;
    if lane is not null then
      recorded := private.record_hold(p_subject_kind, p_subject_id, p_token_type, lane, p_feature, needed,
                                      p_idempotency_key, p_metadata, expiry, at);
      made := recorded.made;
      replay := recorded.replayed;
    end if;
  end if;
  if made.id is not null then
    return query select made.id, made.token_type, made.amount, made.source, made.credits,
      (private.balance_total(p_subject_kind, p_subject_id, p_token_type)).balance, made.expires_at, replay;
    return;
  end if;

  if private.plan_allowance(sub.plan_id, p_token_type) = 0 then
    perform private.fail_upgrade_required(sub.plan_id, p_token_type);
  end if;
  select * into plan from public.plans p where p.id = sub.plan_id;
  if plan.overage_policy <> 'credits' then
    perform private.fail_insufficient_allowance(p_token_type, needed, bal.balance, bal.refresh_at);
  end if;
  select * into hold from public.credit_reserve(private.subject_wallet(p_subject_kind, p_subject_id),
    needed * plan.overage_credits_per_token, 'premium_feature', 'tokens:' || p_idempotency_key, p_ttl_seconds,
    (select t.label from public.token_types t where t.name = p_token_type) || ' (past the plan allowance)',
    p_metadata || jsonb_build_object('tokenType', p_token_type, 'tokens', needed));
  insert into public.token_reservations (subject_kind, subject_id, token_type, actor_id, feature, amount, source,
                                         credit_hold_id, credits, idempotency_key, metadata, expires_at, created_at)
  values (p_subject_kind, p_subject_id, p_token_type, auth.uid(), p_feature, needed, 'credits', hold.hold_id,
          hold.amount, p_idempotency_key, p_metadata, hold.expires_at, at)
  returning * into made;
  return query select made.id, p_token_type, needed, 'credits'::text, hold.amount, bal.balance, hold.expires_at, false;
end
$$;
comment on function public.token_reserve(text, uuid, text, integer, text, text, integer, jsonb) is
  'Holds cost × actions of an allowance (or credits past it) while a feature runs; idempotent.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.replayed_reservation(text, uuid, text, text, bigint),
  private.record_hold(text, uuid, text, integer, text, bigint, text, jsonb, timestamptz, timestamptz)
from public, anon, authenticated, service_role;
revoke all on function public.token_reserve(text, uuid, text, integer, text, text, integer, jsonb)
from public, anon;
-- Checks inside that the caller is the user, a member of the org, or trusted.
grant execute on function public.token_reserve(text, uuid, text, integer, text, text, integer, jsonb)
to authenticated, service_role;

-- Feature token allowances, part 6: ending a reservation — commit when the feature ran (the held
-- tokens count as used, or the credit hold is settled) or release when it failed (all returned).
-- Both replay on retry, conflict with each other, and belong to the reservation's actor.

-- ===================================================================== FUNCTIONS
/*
 * Finds a reservation the caller made (or any, when trusted) and locks the lane that holds it,
 * then the reservation itself — the order every path uses. A reservation that already lapsed
 * gets every lane locked instead (all_lanes), so a late commit can charge the whole balance.
 * TG404 for strangers.
 */
create function private.lock_reservation(
  reservation bigint, out res public.token_reservations, out all_lanes boolean
)
language plpgsql security definer set search_path = ''
as $$
begin
  select * into res from public.token_reservations r where r.id = reservation;
  if res.id is null or (not private.is_trusted() and res.actor_id is distinct from (select auth.uid())) then
    perform private.fail('TG404', 'Reservation not found.', jsonb_build_object('reservationId', reservation));
  end if;
  all_lanes := res.source = 'allowance' and res.status = 'expired';
  if all_lanes then
    perform private.lock_balance(res.subject_kind, res.subject_id, res.token_type,
                                 private.sync_subscription(res.subject_kind, res.subject_id));
  elsif res.source = 'allowance' then
    perform 1 from public.token_balances b
    where b.subject_kind = res.subject_kind and b.subject_id = res.subject_id and b.token_type = res.token_type
      and b.lane = res.lane
    for no key update;
  end if;
  select * into res from public.token_reservations r where r.id = reservation for update;
end
$$;
comment on function private.lock_reservation(bigint) is
  'Locks a reservation (its lane first, or every lane once it lapsed); TG404 for strangers.';

create function private.current_balance(res public.token_reservations) returns bigint
language sql stable security definer set search_path = ''
as $$ select (private.balance_total(res.subject_kind, res.subject_id, res.token_type)).balance $$;
comment on function private.current_balance(public.token_reservations) is
  'The spendable balance (all lanes) of the allowance a reservation belongs to.';

/*
 * Commits a reservation: the feature ran, so the held tokens count as used (or the credit hold is
 * settled). A reservation that lapsed before its commit charges what the allowance still has.
 */
create function public.token_commit(p_reservation_id bigint)
returns table (log_id bigint, token_type text, amount bigint, source text, credits_charged bigint,
               remaining bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  locked record;
  res public.token_reservations;
  done public.token_usage_log;
  charged bigint;
  left_over bigint;
  settled record;
  posted bigint := 0;
  entry bigint;
begin
  locked := private.lock_reservation(p_reservation_id);
  res := locked.res;
  if res.status = 'committed' then
    select * into done from public.token_usage_log l where l.id = res.log_id;
    return query select done.id, done.token_type, done.amount, res.source, done.credits_charged, done.remaining, true;
    return;
  elsif res.status = 'released' then
    perform private.fail('TG409', 'This reservation was released and can no longer be committed.',
      jsonb_build_object('reservationId', res.id));
  end if;

  if res.source = 'allowance' and res.status = 'pending' then
    charged := res.amount;
    update public.token_balances b
    set reserved = b.reserved - charged, period_used = b.period_used + charged,
        total_used = b.total_used + charged, last_used_at = at
    where b.subject_kind = res.subject_kind and b.subject_id = res.subject_id and b.token_type = res.token_type
      and b.lane = res.lane;
  elsif res.source = 'allowance' and locked.all_lanes then
    -- It lapsed and its tokens went back: charge what the allowance still has.
    charged := least(res.amount, private.current_balance(res));
    perform private.take_from_lanes(res.subject_kind, res.subject_id, res.token_type, charged, false, null, at);
  elsif res.source = 'allowance' then
    -- It lapsed while this call waited for its lane: charge what that lane still has.
    charged := least(res.amount, (select b.balance from public.token_balances b
      where b.subject_kind = res.subject_kind and b.subject_id = res.subject_id and b.token_type = res.token_type
        and b.lane = res.lane));
    update public.token_balances b
    set balance = b.balance - charged, period_used = b.period_used + charged, total_used = b.total_used + charged,
        last_used_at = at
    where b.subject_kind = res.subject_kind and b.subject_id = res.subject_id and b.token_type = res.token_type
      and b.lane = res.lane;
  end if;
  if res.source = 'allowance' then
    left_over := private.current_balance(res);
    insert into public.token_usage_log (subject_kind, subject_id, actor_id, token_type, kind, feature, amount, remaining,
                                        reservation_id, idempotency_key, metadata, created_at)
    values (res.subject_kind, res.subject_id, res.actor_id, res.token_type, 'deduct', res.feature, charged, left_over,
            res.id, 'reservation:' || res.id,
            res.metadata || case when charged < res.amount
                                 then jsonb_build_object('shortfall', res.amount - charged) else '{}'::jsonb end, at)
    returning id into entry;
  else
    select * into settled from public.credit_settle(res.credit_hold_id, res.credits);
    posted := settled.posted;
    charged := res.amount;
    left_over := private.current_balance(res);
    insert into public.token_usage_log (subject_kind, subject_id, actor_id, token_type, kind, feature, amount, remaining,
                                        credits_charged, credit_transfer_id, reservation_id, idempotency_key, metadata,
                                        created_at)
    values (res.subject_kind, res.subject_id, res.actor_id, res.token_type, 'overage', res.feature, res.amount, left_over,
            settled.posted, settled.transfer_id, res.id, 'reservation:' || res.id, res.metadata, at)
    returning id into entry;
  end if;
  update public.token_reservations r set status = 'committed', log_id = entry, resolved_at = at where r.id = res.id;
  return query select entry, res.token_type, charged, res.source, posted, left_over, false;
end
$$;
comment on function public.token_commit(bigint) is 'Counts a reservation as used (settles its credit hold); retries replay.';

create function public.token_release(p_reservation_id bigint)
returns table (reservation_id bigint, released bigint, remaining bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  res public.token_reservations;
begin
  res := (private.lock_reservation(p_reservation_id)).res;
  if res.status = 'committed' then
    perform private.fail('TG409', 'This reservation was committed and can no longer be released.',
      jsonb_build_object('reservationId', res.id));
  elsif res.status <> 'pending' then
    return query select res.id, 0::bigint, private.current_balance(res), true;
    return;
  end if;
  if res.source = 'allowance' then
    update public.token_balances b set balance = b.balance + res.amount, reserved = b.reserved - res.amount
    where b.subject_kind = res.subject_kind and b.subject_id = res.subject_id and b.token_type = res.token_type
      and b.lane = res.lane;
  else
    perform public.credit_void(res.credit_hold_id);
  end if;
  update public.token_reservations r set status = 'released', resolved_at = private.clock() where r.id = res.id;
  return query select res.id, res.amount, private.current_balance(res), false;
end
$$;
comment on function public.token_release(bigint) is 'Returns a reservation in full (the feature failed); retries replay.';

-- ===================================================================== PRIVILEGES
revoke all on function private.lock_reservation(bigint), private.current_balance(public.token_reservations)
from public, anon, authenticated, service_role;
revoke all on function public.token_commit(bigint), public.token_release(bigint) from public, anon;
-- Each checks inside that the caller made the reservation (or is trusted).
grant execute on function public.token_commit(bigint), public.token_release(bigint) to authenticated, service_role;

-- Feature token allowances, part 7: usage stats from the log, and the maintenance pass that
-- settles subscriptions, refreshes balances and expires reservations ahead of time.

-- ===================================================================== FUNCTIONS: STATS
/*
 * Feature usage in [from, to) from the log: by token type, feature, UTC day and source
 * (allowance or credits), plus a total row. Allocations (refresh, upgrade) are not usage.
 */
create function public.token_usage_stats(p_subject_kind text, p_subject_id uuid, p_from timestamptz, p_to timestamptz)
returns table (dimension text, key text, events bigint, tokens bigint, credits bigint)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  if p_from is null or p_to is null or p_to <= p_from or p_to - p_from > interval '400 days' then
    perform private.fail('TG422', 'Choose a period of at most 400 days that ends after it starts.',
      jsonb_build_object('field', 'period'));
  end if;
  return query
  select case when grouping(u.token_type) = 0 then 'token_type' when grouping(u.feature) = 0 then 'feature'
              when grouping(u.day) = 0 then 'day' when grouping(u.source) = 0 then 'source' else 'total' end,
         coalesce(u.token_type, u.feature, to_char(u.day, 'YYYY-MM-DD'), u.source, 'total'),
         count(*), coalesce(sum(u.amount), 0)::bigint, coalesce(sum(u.credits_charged), 0)::bigint
  from (
    select l.token_type, coalesce(l.feature, l.token_type) as feature,
           (l.created_at at time zone 'UTC')::date as day,
           case l.kind when 'overage' then 'credits' else 'allowance' end as source, l.amount, l.credits_charged
    from public.token_usage_log l
    where l.subject_kind = p_subject_kind and l.subject_id = p_subject_id and l.kind in ('deduct', 'overage')
      and l.created_at >= p_from and l.created_at < p_to
  ) u
  group by grouping sets ((u.token_type), (u.feature), (u.day), (u.source), ());
end
$$;
comment on function public.token_usage_stats(text, uuid, timestamptz, timestamptz) is
  'Feature usage of a subject in a period, grouped by token type, feature, day and source, with a total.';

-- ===================================================================== FUNCTIONS: MAINTENANCE
/*
 * Settles subscriptions whose period ended, refreshes due balances and returns lapsed
 * reservations — tidiness only, since every operation does the same lazily first.
 */
create function public.allowance_maintenance(p_limit integer default 1000)
returns table (subscriptions_settled integer, balances_refreshed integer, reservations_expired integer)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  due record;
  settled integer := 0;
  refreshed integer := 0;
  lapsed integer := 0;
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Maintenance runs as the service.', '{}'::jsonb);
  end if;
  for due in
    select s.subject_kind, s.subject_id from public.subscriptions s where s.current_period_end <= at
    order by s.current_period_end limit greatest(p_limit, 1) for no key update skip locked
  loop
    perform private.sync_subscription(due.subject_kind, due.subject_id);
    settled := settled + 1;
  end loop;
  for due in
    -- No row lock here: lock_balance takes it after the subscription, in the order every path uses.
    select b.subject_kind, b.subject_id, b.token_type from public.token_balances b where b.lane = 0 and b.refresh_at <= at
    order by b.refresh_at limit greatest(p_limit, 1)
  loop
    perform private.lock_balance(due.subject_kind, due.subject_id, due.token_type,
                                 private.sync_subscription(due.subject_kind, due.subject_id));
    refreshed := refreshed + 1;
  end loop;
  for due in
    select r.id, r.subject_kind, r.subject_id, r.token_type, r.source from public.token_reservations r
    where r.status = 'pending' and r.expires_at <= at
    order by r.expires_at limit greatest(p_limit, 1)
  loop
    if due.source = 'allowance' then
      perform private.lock_balance(due.subject_kind, due.subject_id, due.token_type,
                                   private.sync_subscription(due.subject_kind, due.subject_id));
    else
      -- The ledger expires the credit hold itself; only the reservation's status is tidied here.
      update public.token_reservations r set status = 'expired', resolved_at = at
      where r.id = due.id and r.status = 'pending';
    end if;
    lapsed := lapsed + 1;
  end loop;
  return query select settled, refreshed, lapsed;
end
$$;
comment on function public.allowance_maintenance(integer) is
  'Service: settles due subscriptions, refreshes due balances, expires lapsed reservations. Safe to run concurrently.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.token_usage_stats(text, uuid, timestamptz, timestamptz),
  public.allowance_maintenance(integer)
from public, anon, authenticated;
grant execute on function public.token_usage_stats(text, uuid, timestamptz, timestamptz) to authenticated, service_role;
grant execute on function public.allowance_maintenance(integer) to service_role;

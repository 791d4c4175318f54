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

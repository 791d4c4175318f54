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

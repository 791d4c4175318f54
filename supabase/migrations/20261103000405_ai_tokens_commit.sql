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

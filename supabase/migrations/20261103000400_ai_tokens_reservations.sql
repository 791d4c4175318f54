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

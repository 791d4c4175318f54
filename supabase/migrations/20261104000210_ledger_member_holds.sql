-- Ledger, part 4: holds count toward member limits at reserve time and are corrected to the
-- actual usage when they settle or are voided. Same signatures, behaviour and grants as before.

-- ===================================================================== HOLDS
create or replace function public.credit_reserve(
  p_account uuid,
  p_amount bigint,
  p_category text,
  p_idempotency_key text,
  p_ttl_seconds integer default 300,
  p_description text default null,
  p_metadata jsonb default '{}'::jsonb
) returns table (hold_id bigint, amount bigint, expires_at timestamptz, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  hold bigint;
  expiry timestamptz;
  first public.holds;
  left_over bigint;
  at timestamptz := private.clock();
  caller uuid := auth.uid();
begin
  perform private.check_input(p_amount, p_idempotency_key, p_metadata, p_description);
  perform private.check_category(p_category);
  if p_ttl_seconds is null or p_ttl_seconds not between 1 and 86400 then
    perform private.fail('TG422', 'A hold lives between 1 second and 24 hours.', jsonb_build_object('field', 'ttl_seconds'));
  end if;
  perform private.assert_can_spend(p_account);
  expiry := at + make_interval(secs => p_ttl_seconds);

  insert into public.holds (account_id, amount, reserved, category, description, metadata, actor_id,
                            idempotency_key, expires_at)
  values (p_account, p_amount, p_amount, p_category, p_description, p_metadata, caller,
          p_idempotency_key, expiry)
  on conflict on constraint holds_idempotency do nothing
  returning id into hold;

  if hold is null then
    select * into first from public.holds h where h.account_id = p_account and h.idempotency_key = p_idempotency_key;
    if first.amount <> p_amount then
      perform private.fail('TG409', 'This idempotency key was already used for a different hold on this wallet.',
        jsonb_build_object('idempotencyKey', p_idempotency_key, 'holdId', first.id, 'amount', first.amount::text));
    end if;
    return query select first.id, first.amount, first.expires_at, private.available(p_account), true;
    return;
  end if;
  left_over := private.take_credits(p_account, p_amount, true, expiry);
  -- A hold counts toward a member limit now; settle or void corrects it to the actual usage.
  if caller is not null and exists (select 1 from public.accounts a where a.id = p_account and a.kind = 'org_wallet')
     and private.charge_member_limit(p_account, caller, p_amount, at) then
    insert into public.org_member_holds (hold_id, account_id, user_id, month, amount)
    values (hold, p_account, caller, private.usage_month(at), p_amount);
  end if;
  return query select hold, p_amount, expiry, left_over, false;
end
$$;

/* Corrects a member's usage once a counted hold is settled (by what it posted) or voided. */
create function private.release_member_hold(hold bigint, posted bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  counted public.org_member_holds;
begin
  delete from public.org_member_holds h where h.hold_id = hold returning * into counted;
  if not found then
    return;
  end if;
  update public.org_member_usage u set used = greatest(u.used + posted - counted.amount, 0)
  where u.account_id = counted.account_id and u.user_id = counted.user_id and u.month = counted.month;
end
$$;
comment on function private.release_member_hold(bigint, bigint) is
  'Replaces a counted hold''s amount in its member''s usage by what was actually posted.';

create or replace function public.credit_settle(p_hold_id bigint, p_actual bigint)
returns table (hold_id bigint, transfer_id bigint, posted bigint, released bigint, shortfall bigint,
               available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  hold public.holds;
  charge bigint;
  transfer bigint;
  freed bigint := 0;
begin
  if p_actual is null or p_actual < 0 or p_actual > 1000000000000000 then
    perform private.fail('TG422', 'The actual amount must be a whole number of micro-credits from 0 to 10^15.',
      jsonb_build_object('field', 'actual'));
  end if;
  hold := private.lock_hold(p_hold_id);

  if hold.status = 'posted' then
    if hold.requested_amount <> p_actual then
      perform private.fail('TG409', 'This hold was already settled with a different amount.',
        jsonb_build_object('holdId', hold.id, 'actual', hold.requested_amount::text));
    end if;
    return query select hold.id, hold.transfer_id, hold.posted_amount,
      greatest(hold.amount - hold.posted_amount, 0), hold.shortfall, private.available(hold.account_id), true;
    return;
  elsif hold.status = 'voided' then
    perform private.fail('TG409', 'This hold was voided and can no longer be settled.', jsonb_build_object('holdId', hold.id));
  end if;

  -- End the reservation (unless expiry already did), expire what is due, then charge the
  -- actual amount: at most the hold plus whatever else the wallet has.
  if hold.status = 'pending' then
    freed := private.release_hold(hold, 'posted');
  end if;
  perform private.sweep_if_due(hold.account_id);
  charge := least(p_actual, private.available(hold.account_id));
  if charge > 0 then
    insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                  metadata, actor_id, key_account_id, idempotency_key, hold_id)
    values (hold.account_id, private.system_account('revenue:' || hold.category), charge, 'hold_post',
            hold.category, hold.description,
            hold.metadata || jsonb_build_object('held', hold.amount::text, 'actual', p_actual::text),
            hold.actor_id, hold.account_id, 'hold:' || hold.id, hold.id)
    returning id into transfer;
    update public.accounts a
    set debits_posted = a.debits_posted + charge, debits_unallocated = a.debits_unallocated + charge
    where a.id = hold.account_id;
  end if;
  perform private.release_member_hold(hold.id, charge);

  update public.holds h
  set status = 'posted', requested_amount = p_actual, posted_amount = charge,
      shortfall = p_actual - charge, transfer_id = transfer, resolved_at = private.clock()
  where h.id = hold.id;
  return query select hold.id, transfer, charge, greatest(freed - charge, 0), p_actual - charge,
    private.available(hold.account_id), false;
end
$$;

create or replace function public.credit_void(p_hold_id bigint)
returns table (hold_id bigint, released bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  hold public.holds;
  freed bigint;
begin
  hold := private.lock_hold(p_hold_id);
  if hold.status = 'posted' then
    perform private.fail('TG409', 'This hold was already settled and can no longer be voided.', jsonb_build_object('holdId', hold.id));
  elsif hold.status in ('voided', 'expired') then
    -- An expired hold that is voided was not used either: its member usage is released.
    perform private.release_member_hold(hold.id, 0);
    return query select hold.id, 0::bigint, private.available(hold.account_id), true;
    return;
  end if;
  freed := private.release_hold(hold, 'voided');
  perform private.release_member_hold(hold.id, 0);
  return query select hold.id, freed, private.available(hold.account_id), false;
end
$$;

-- ===================================================================== PRIVILEGES
-- The replaced public functions keep their grants; the new private helpers run only inside them.
revoke all on function
  private.usage_month(timestamptz),
  private.charge_member_limit(uuid, uuid, bigint, timestamptz),
  private.request_auto_recharge(uuid),
  private.release_member_hold(bigint, bigint)
from public, anon, authenticated, service_role;

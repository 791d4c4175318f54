-- The ledger calls named hooks instead of naming what other domains attach: private.after_debit
-- (auto-recharge, alerts, member limits), private.after_credit (alerts) and
-- private.after_hold_end (member limits), defined with their handlers in supabase/schemas/hooks.sql.
-- Behaviour is unchanged. This migration restates the functions involved; the schema files hold
-- their one live definition.

drop function private.take_credits(uuid, bigint, boolean, timestamptz);
drop function private.note_wallet_credit(uuid, bigint);

create function private.take_credits(
  account uuid, amount bigint, hold bigint default null, hold_expires_at timestamptz default null
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  pending boolean := hold is not null;
  wallet public.accounts;
  left_over bigint;
begin
  update public.accounts a
  set debits_posted = a.debits_posted + case when pending then 0 else amount end,
      debits_unallocated = a.debits_unallocated + case when pending then 0 else amount end,
      debits_pending = a.debits_pending + case when pending then amount else 0 end,
      next_expiry_at = case when pending then least(a.next_expiry_at, hold_expires_at) else a.next_expiry_at end
  where a.id = account
    and a.kind <> 'system'
    and a.frozen_at is null
    and (a.next_expiry_at is null or a.next_expiry_at > at)
    and a.credits_posted - a.debits_posted - a.debits_pending >= amount
  returning a.* into wallet;
  if found then
    perform private.after_debit(wallet, amount, hold);
    return wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
  end if;

  select * into wallet
  from public.accounts a where a.id = account and a.kind <> 'system' for no key update;
  if not found then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
  end if;
  if wallet.frozen_at is not null then
    perform private.fail('TG403', 'Spending from this wallet is frozen while a payment dispute is open.',
      jsonb_build_object('wallet', account, 'reason', 'frozen'));
  end if;
  if wallet.next_expiry_at <= at then
    perform private.sweep_account(account, at);
  end if;
  update public.accounts a
  set debits_posted = a.debits_posted + case when pending then 0 else amount end,
      debits_unallocated = a.debits_unallocated + case when pending then 0 else amount end,
      debits_pending = a.debits_pending + case when pending then amount else 0 end,
      next_expiry_at = case when pending then least(a.next_expiry_at, hold_expires_at) else a.next_expiry_at end
  where a.id = account and a.credits_posted - a.debits_posted - a.debits_pending >= amount
  returning a.* into wallet;
  if not found then
    select a.credits_posted - a.debits_posted - a.debits_pending into left_over
    from public.accounts a where a.id = account;
    perform private.fail('TG402',
      format('Insufficient credits: %s micro-credits needed, %s available.', amount, left_over),
      jsonb_build_object('needed', amount::text, 'available', left_over::text, 'wallet', account));
  end if;
  perform private.after_debit(wallet, amount, hold);
  return wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
end
$$;

create or replace function private.add_lot(
  account uuid, amount bigint, source text, priority smallint, expires_at timestamptz, transfer bigint
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  lot bigint;
  wallet public.accounts;
begin
  insert into public.lots (account_id, source, amount, remaining, priority, expires_at, origin_transfer_id)
  values (account, source, amount, amount, priority, expires_at, transfer)
  returning id into lot;
  update public.accounts a
  set credits_posted = a.credits_posted + amount,
      next_expiry_at = least(a.next_expiry_at, expires_at)
  where a.id = account
  returning a.* into wallet;
  perform private.after_credit(wallet, amount);
  return lot;
end
$$;

create or replace function public.credit_spend(
  p_account uuid,
  p_amount bigint,
  p_category text,
  p_idempotency_key text,
  p_description text default null,
  p_metadata jsonb default '{}'::jsonb
) returns table (transfer_id bigint, amount bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  caller uuid := auth.uid();
  transfer bigint;
  first public.transfers;
  wallet public.accounts;
  left_over bigint;
begin
  if p_amount is null or p_amount <= 0 or p_amount > 1000000000000000
     or p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 255
     or p_metadata is null or jsonb_typeof(p_metadata) <> 'object' or pg_column_size(p_metadata) > 8192
     or char_length(p_description) > 500 then
    perform private.check_input(p_amount, p_idempotency_key, p_metadata, p_description);
  end if;
  if p_category is null or p_category not in
     ('ai_usage', 'marketplace', 'premium_feature', 'subscription', 'transfer', 'other') then
    perform private.check_category(p_category);
  end if;
  -- Before the key is looked at, so nobody learns about another wallet's requests.
  perform private.assert_can_spend(p_account);

  -- The transfer goes in first: a concurrent retry with the same key waits on the unique index
  -- and then replays, and no wallet lock is held while inserting.
  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category,
                                description, metadata, actor_id, key_account_id, idempotency_key, created_at)
  values (p_account, private.system_account('revenue:' || p_category), p_amount, 'spend', p_category,
          p_description, p_metadata, caller, p_account, p_idempotency_key, at)
  on conflict on constraint transfers_idempotency do nothing
  returning id into transfer;

  if transfer is null then
    first := private.replayed_transfer(p_account, p_idempotency_key, 'spend', p_amount, null);
    return query select first.id, first.amount, private.available(p_account), true;
    return;
  end if;

  update public.accounts a
  set debits_posted = a.debits_posted + p_amount,
      debits_unallocated = a.debits_unallocated + p_amount
  where a.id = p_account
    and a.kind <> 'system'
    and a.frozen_at is null
    and (a.next_expiry_at is null or a.next_expiry_at > at)
    and a.credits_posted - a.debits_posted - a.debits_pending >= p_amount
  returning a.* into wallet;
  if found then
    perform private.after_debit(wallet, p_amount, null);
    left_over := wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
  else
    left_over := private.take_credits(p_account, p_amount);
  end if;
  return query select transfer, p_amount, left_over, false;
end
$$;
comment on function public.credit_spend(uuid, bigint, text, text, text, jsonb) is
  'Debits a wallet the caller may spend (lots burn in order); TG402 with needed/available when short.';

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
  left_over := private.take_credits(p_account, p_amount, hold, expiry);
  return query select hold, p_amount, expiry, left_over, false;
end
$$;
comment on function public.credit_reserve(uuid, bigint, text, text, integer, text, jsonb) is
  'Places a hold (pending debit) with a time to live; expired holds stop counting at once.';

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
  perform private.after_hold_end(hold.id, charge);

  update public.holds h
  set status = 'posted', requested_amount = p_actual, posted_amount = charge,
      shortfall = p_actual - charge, transfer_id = transfer, resolved_at = private.clock()
  where h.id = hold.id;
  return query select hold.id, transfer, charge, greatest(freed - charge, 0), p_actual - charge,
    private.available(hold.account_id), false;
end
$$;
comment on function public.credit_settle(bigint, bigint) is
  'Service only: posts a hold by the actual amount (the rest returns at once); retries replay.';

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
    -- An expired hold that is voided was not used either: what counted it lets go.
    perform private.after_hold_end(hold.id, 0);
    return query select hold.id, 0::bigint, private.available(hold.account_id), true;
    return;
  end if;
  freed := private.release_hold(hold, 'voided');
  perform private.after_hold_end(hold.id, 0);
  return query select hold.id, freed, private.available(hold.account_id), false;
end
$$;
comment on function public.credit_void(bigint) is 'Service only: releases a pending hold in full.';

create function private.note_wallet_credit(account uuid, amount bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  period public.wallet_alert_periods;
begin
  insert into public.wallet_alert_periods as p (account_id, period_start, period_grant)
  values (account, private.alert_month(at), greatest(private.available(account), 0))
  on conflict (account_id) do update
    set period_grant = case when p.period_start < excluded.period_start then excluded.period_grant
                            else p.period_grant + amount end,
        period_start = greatest(p.period_start, excluded.period_start)
  returning * into period;
  perform private.arm_wallet_alerts(account, period);
end
$$;

create function private.count_member_debit(account uuid, amount bigint, hold bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  member uuid := auth.uid();
  at timestamptz := private.clock();
begin
  if member is null or not private.charge_member_limit(account, member, amount, at) or hold is null then
    return;
  end if;
  -- A hold counts now; settle or void corrects it to the actual usage (release_member_hold).
  insert into public.org_member_holds (hold_id, account_id, user_id, month, amount)
  values (hold, account, member, private.usage_month(at), amount);
end
$$;
comment on function private.count_member_debit(uuid, bigint, bigint) is
  'Counts a member''s spend or hold on an org wallet against their monthly limit; TG402 past it.';

-- ===================================================================== HOOKS
/*
 * After credits left a wallet's available balance through private.take_credits or the spend
 * fast path: a posted debit (`hold` null) or hold `hold`'s reservation, `amount` micro-credits.
 */
create function private.after_debit(wallet public.accounts, amount bigint, hold bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  left_over bigint := wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
begin
  -- billing: auto-recharge below the armed threshold (single flight).
  if left_over < wallet.auto_recharge_below then
    perform private.request_auto_recharge(wallet.id);
  end if;
  -- alerts: thresholds and low balance, once per period.
  if left_over < wallet.alert_below then
    perform private.raise_wallet_alerts(wallet.id, amount);
  end if;
  -- orgs: a member's monthly limit on an org wallet.
  if wallet.kind = 'org_wallet' then
    perform private.count_member_debit(wallet.id, amount, hold);
  end if;
end
$$;
comment on function private.after_debit(public.accounts, bigint, bigint) is
  'Ledger hook: runs after a debit or reservation, under the wallet lock; handlers may refuse it.';

/* After `amount` credits arrived in a wallet as a new lot (private.add_lot). */
create function private.after_credit(wallet public.accounts, amount bigint) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  -- alerts: the period's grant grows; arm the next alert.
  perform private.note_wallet_credit(wallet.id, amount);
end
$$;
comment on function private.after_credit(public.accounts, bigint) is
  'Ledger hook: runs after credits arrive in a wallet, under the wallet lock.';

/* After a hold ended: settled with `posted` micro-credits, or voided (posted 0). */
create function private.after_hold_end(hold bigint, posted bigint) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  -- orgs: a member's counted hold becomes what was really posted.
  perform private.release_member_hold(hold, posted);
end
$$;
comment on function private.after_hold_end(bigint, bigint) is
  'Ledger hook: runs after a hold is settled or voided, under the wallet lock.';

-- ===================================================================== PRIVILEGES
-- Hooks run only inside the ledger's functions (as their owner).
revoke all on function
  private.after_debit(public.accounts, bigint, bigint),
  private.after_credit(public.accounts, bigint),
  private.after_hold_end(bigint, bigint)
from public, anon, authenticated, service_role;

revoke all on function
  private.take_credits(uuid, bigint, bigint, timestamptz),
  private.note_wallet_credit(uuid, bigint),
  private.count_member_debit(uuid, bigint, bigint)
from public, anon, authenticated, service_role;

-- Ledger, part 3: per-member monthly limits on org wallets and the auto-recharge trigger, woven
-- into the spend and reserve paths.
--
-- The functions below replace their earlier versions with the same signatures, behaviour and
-- grants (CREATE OR REPLACE keeps the grants). The spend hot path stays one insert and one
-- guarded update: the update now also returns the wallet's kind and its armed auto-recharge
-- threshold, so a personal wallet pays nothing extra. Only when the wallet is an org wallet is
-- the member's limit looked up (one primary-key probe), and only when that member has a limit is
-- a counter row upserted, guarded, after the wallet row is locked (lock order: wallet, counter).

-- ===================================================================== HELPERS
/* The first day (UTC) of the month a moment falls in: the key of a member's usage counter. */
create function private.usage_month(at timestamptz) returns date
language sql immutable parallel safe set search_path = ''
as $$ select date_trunc('month', at at time zone 'UTC')::date $$;
comment on function private.usage_month(timestamptz) is 'The UTC month (its first day) a member''s usage is counted in.';

/*
 * Counts `amount` against the member's monthly limit on an org wallet, or does nothing when the
 * member has no limit. Refuses with TG402 (limit, used, needed) and writes nothing when the
 * counter would pass the limit. The caller holds the wallet lock. Returns whether a limit applied.
 */
create function private.charge_member_limit(account uuid, member uuid, amount bigint, at timestamptz)
returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  cap bigint;
  usage_key date := private.usage_month(at);
  counted bigint;
begin
  select l.monthly_limit into cap from public.org_member_limits l
  where l.account_id = account and l.user_id = member;
  if not found then
    return false;
  end if;
  if amount <= cap then
    insert into public.org_member_usage as u (account_id, user_id, month, used)
    values (account, member, usage_key, amount)
    on conflict (account_id, user_id, month) do update set used = u.used + excluded.used
      where u.used + excluded.used <= cap
    returning u.used into counted;
  end if;
  if counted is null then
    select coalesce(max(u.used), 0) into counted from public.org_member_usage u
    where u.account_id = account and u.user_id = member and u.month = usage_key;
    perform private.fail('TG402',
      format('Member monthly limit reached: %s micro-credits needed, %s of %s used this month.',
             amount, counted, cap),
      jsonb_build_object('reason', 'member_limit', 'limit', cap::text, 'used', counted::text,
                         'needed', amount::text, 'available', greatest(cap - counted, 0)::text,
                         'wallet', account));
  end if;
  return true;
end
$$;
comment on function private.charge_member_limit(uuid, uuid, bigint, timestamptz) is
  'Counts a spend or hold against the member''s monthly limit on an org wallet; TG402 past the limit.';

/*
 * A spend left the wallet below its armed auto-recharge threshold: disarm it (single flight: the
 * wallet row is already locked by the spend) and queue one recharge payment for the dispatcher.
 */
create function private.request_auto_recharge(account uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  setting record;
  payment uuid;
begin
  update public.accounts a set auto_recharge_below = null
  where a.id = account and a.auto_recharge_below is not null;
  if not found then
    return;
  end if;
  select s.package_id, s.updated_by, p.name, p.price_amount, p.currency, p.credits, p.bonus_credits,
         p.bonus_expires_days, c.provider
  into setting
  from public.auto_recharge_settings s
  join public.credit_packages p on p.id = s.package_id
  join public.billing_customers c on c.account_id = s.account_id
  where s.account_id = account and s.enabled and c.payment_method_id is not null;
  if not found then
    return;
  end if;
  insert into public.payments (account_id, package_id, buyer_id, kind, provider, attempt_key, package_name,
                               amount, currency, credits, bonus_credits, bonus_expires_days)
  values (account, setting.package_id, setting.updated_by, 'auto_recharge', setting.provider,
          'auto-recharge:' || gen_random_uuid(), setting.name, setting.price_amount, setting.currency,
          setting.credits, setting.bonus_credits, setting.bonus_expires_days)
  returning id into payment;
  perform pg_notify('tollgate_auto_recharge', payment::text);
end
$$;
comment on function private.request_auto_recharge(uuid) is
  'Disarms the wallet''s auto-recharge and queues exactly one recharge payment (single flight).';

-- ===================================================================== TAKE CREDITS
create or replace function private.take_credits(
  account uuid, amount bigint, pending boolean, hold_expires_at timestamptz default null
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  wallet record;
  left_over bigint;
  recharge_below bigint;
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
  returning a.credits_posted - a.debits_posted - a.debits_pending, a.auto_recharge_below
  into left_over, recharge_below;
  if found then
    if left_over < recharge_below then
      perform private.request_auto_recharge(account);
    end if;
    return left_over;
  end if;

  select a.next_expiry_at, a.frozen_at into wallet
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
  returning a.credits_posted - a.debits_posted - a.debits_pending, a.auto_recharge_below
  into left_over, recharge_below;
  if not found then
    select a.credits_posted - a.debits_posted - a.debits_pending into left_over
    from public.accounts a where a.id = account;
    perform private.fail('TG402',
      format('Insufficient credits: %s micro-credits needed, %s available.', amount, left_over),
      jsonb_build_object('needed', amount::text, 'available', left_over::text, 'wallet', account));
  end if;
  if left_over < recharge_below then
    perform private.request_auto_recharge(account);
  end if;
  return left_over;
end
$$;

-- ===================================================================== SPEND
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
  left_over bigint;
  wallet_kind text;
  recharge_below bigint;
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
  returning a.credits_posted - a.debits_posted - a.debits_pending, a.kind, a.auto_recharge_below
  into left_over, wallet_kind, recharge_below;
  if not found then
    left_over := private.take_credits(p_account, p_amount, false);
    select a.kind into wallet_kind from public.accounts a where a.id = p_account;
  elsif left_over < recharge_below then
    perform private.request_auto_recharge(p_account);
  end if;
  -- Members with a limit: counted under the wallet lock, refused (all rolled back) past it.
  if wallet_kind = 'org_wallet' and caller is not null then
    perform private.charge_member_limit(p_account, caller, p_amount, at);
  end if;
  return query select transfer, p_amount, left_over, false;
end
$$;


-- Credit ledger, part 2: the functions through which all value moves.
--
-- Each public function is one call, atomic, SECURITY DEFINER with an empty search_path, checks
-- its caller inside, and is idempotent: a key is unique per wallet, a retry returns the first
-- result, and the same key with a different amount or wallet is a conflict (TG409).
--
-- Errors use SQLSTATE class TG (mapped to HTTP by lib/api): TG402 insufficient credits,
-- TG403 forbidden, TG404 not found, TG409 idempotency conflict, TG422 invalid input. The HINT
-- carries a JSON object with details (for example needed and available).

-- ===================================================================== HELPERS
create function private.fail(code text, message text, details jsonb default '{}'::jsonb) returns void
language plpgsql set search_path = ''
as $$
begin
  raise exception using errcode = code, message = message, hint = details::text;
end
$$;
comment on function private.fail(text, text, jsonb) is 'Raises a TG-class error with JSON details in HINT.';

-- Trusted callers: the service role, or a direct superuser session (migrations, seed, scripts).
create function private.is_trusted() returns boolean
language sql stable set search_path = ''
as $$ select current_setting('role') in ('service_role', 'none') $$;
comment on function private.is_trusted() is 'True for service_role and direct (non-API) sessions.';

create function private.check_input(
  amount bigint, idempotency_key text, metadata jsonb default '{}'::jsonb, description text default null
) returns void
language plpgsql immutable set search_path = ''
as $$
begin
  if amount is null or amount <= 0 or amount > 1000000000000000 then
    perform private.fail('TG422', 'Amount must be a whole number of micro-credits between 1 and 10^15.',
      jsonb_build_object('field', 'amount'));
  end if;
  if idempotency_key is null or char_length(idempotency_key) not between 1 and 255 then
    perform private.fail('TG422', 'An idempotency key of 1 to 255 characters is required.',
      jsonb_build_object('field', 'idempotency_key'));
  end if;
  if metadata is null or jsonb_typeof(metadata) <> 'object' or pg_column_size(metadata) > 8192 then
    perform private.fail('TG422', 'Metadata must be a JSON object of at most 8 KB.',
      jsonb_build_object('field', 'metadata'));
  end if;
  if description is not null and char_length(description) > 500 then
    perform private.fail('TG422', 'Description must be at most 500 characters.',
      jsonb_build_object('field', 'description'));
  end if;
end
$$;

create function private.check_category(category text) returns void
language plpgsql immutable set search_path = ''
as $$
begin
  if category is null or category not in
     ('ai_usage', 'marketplace', 'premium_feature', 'subscription', 'transfer', 'other') then
    perform private.fail('TG422',
      'Category must be one of ai_usage, marketplace, premium_feature, subscription, transfer, other.',
      jsonb_build_object('field', 'category'));
  end if;
end
$$;

/*
 * May the caller spend from this wallet? Their own personal wallet, or an org wallet of an org
 * they belong to; trusted callers may spend any wallet. Returns nothing; fails TG404/TG403.
 */
create function private.assert_can_spend(account uuid) returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  target record;
begin
  select a.kind, a.user_id, a.org_id into target from public.accounts a where a.id = account;
  if not found or target.kind = 'system' then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
  end if;
  if private.is_trusted() then
    return;
  end if;
  if target.user_id is distinct from (select auth.uid())
     and not (target.org_id is not null and private.is_org_member(target.org_id)) then
    -- Indistinguishable from a missing wallet: strangers learn nothing.
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
  end if;
end
$$;

/*
 * Expires what is due in one wallet (caller holds its lock): pending holds past their expiry
 * are released, and lots past their expiry move their remainder to the `expired` account.
 */
create function private.sweep_account(account uuid, at timestamptz) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  hold record;
  lot record;
  expired_total bigint := 0;
  transfer bigint;
begin
  for hold in
    select h.id, h.amount from public.holds h
    where h.account_id = account and h.status = 'pending' and h.expires_at <= at
    for no key update
  loop
    perform private.release_hold(hold.id);
    update public.holds set status = 'expired', resolved_at = at where id = hold.id;
  end loop;

  for lot in
    select l.id, l.remaining, l.source from public.lots l
    where l.account_id = account and l.remaining > 0 and l.expires_at <= at
    for no key update
  loop
    insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category,
                                  description, key_account_id, idempotency_key, created_at)
    values (account, private.system_account('expired'), lot.remaining, 'expire', 'other',
            'Expired ' || lot.source || ' credits', account, 'expire:lot:' || lot.id, at)
    returning id into transfer;
    insert into public.lot_movements (transfer_id, lot_id, amount) values (transfer, lot.id, lot.remaining);
    update public.lots set remaining = 0, expired_at = at where id = lot.id;
    expired_total := expired_total + lot.remaining;
  end loop;

  update public.accounts a
  set debits_posted = a.debits_posted + expired_total,
      next_expiry_at = (
        select min(e) from (
          select min(h.expires_at) as e from public.holds h
          where h.account_id = account and h.status = 'pending'
          union all
          select min(l.expires_at) from public.lots l
          where l.account_id = account and l.expires_at is not null
            and (l.remaining > 0 or exists (select 1 from public.hold_lots hl where hl.lot_id = l.id))
        ) due)
  where a.id = account;
end
$$;

/*
 * Returns a pending hold's reserved lot amounts to their lots and lowers debits_pending by what
 * was returned, so releasing twice changes nothing the second time.
 */
create function private.release_hold(hold bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  released bigint;
  earliest timestamptz;
begin
  with returned as (
    delete from public.hold_lots hl where hl.hold_id = hold returning hl.lot_id, hl.amount
  ), restored as (
    update public.lots l set remaining = l.remaining + r.amount
    from returned r where l.id = r.lot_id
    returning r.amount, l.expires_at
  )
  select coalesce(sum(amount), 0), min(expires_at) into released, earliest from restored;

  if released > 0 then
    update public.accounts a
    set debits_pending = a.debits_pending - released,
        next_expiry_at = least(a.next_expiry_at, earliest)
    where a.id = (select h.account_id from public.holds h where h.id = hold);
  end if;
end
$$;

/* Sweeps a wallet (caller holds its lock) when something in it is due. */
create function private.sweep_if_due(account uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
begin
  if (select a.next_expiry_at from public.accounts a where a.id = account) <= at then
    perform private.sweep_account(account, at);
  end if;
end
$$;

/*
 * The one place that takes credits out of a wallet. Locks the wallet, sweeps it first when
 * something in it has expired, refuses (TG402, writing nothing) when short, then burns lots by
 * priority, soonest expiry, oldest. Returns the lots burned and how much of each; the caller
 * records them against its transfer or hold and has already been charged on the wallet row.
 */
create function private.take_credits(
  account uuid, amount bigint, pending boolean, hold_expires_at timestamptz default null,
  out lot_ids bigint[], out amounts bigint[], out available bigint
)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  wallet record;
  lot record;
  left_to_take bigint := amount;
  take bigint;
begin
  -- Fast path: one guarded update when nothing has expired and the wallet can pay.
  update public.accounts a
  set debits_posted = a.debits_posted + case when pending then 0 else amount end,
      debits_pending = a.debits_pending + case when pending then amount else 0 end,
      next_expiry_at = case when pending then least(a.next_expiry_at, hold_expires_at) else a.next_expiry_at end
  where a.id = account
    and a.frozen_at is null
    and (a.next_expiry_at is null or a.next_expiry_at > at)
    and a.credits_posted - a.debits_posted - a.debits_pending >= amount
  returning a.credits_posted - a.debits_posted - a.debits_pending into available;

  if not found then
    -- Slow path: lock, expire what is due, then decide with exact numbers.
    select a.credits_posted, a.debits_posted, a.debits_pending, a.next_expiry_at, a.frozen_at
    into wallet from public.accounts a where a.id = account for no key update;
    if wallet.frozen_at is not null then
      perform private.fail('TG403', 'Spending from this wallet is frozen while a payment dispute is open.',
        jsonb_build_object('wallet', account, 'reason', 'frozen'));
    end if;
    if wallet.next_expiry_at is not null and wallet.next_expiry_at <= at then
      perform private.sweep_account(account, at);
    end if;
    update public.accounts a
    set debits_posted = a.debits_posted + case when pending then 0 else amount end,
        debits_pending = a.debits_pending + case when pending then amount else 0 end,
        next_expiry_at = case when pending then least(a.next_expiry_at, hold_expires_at) else a.next_expiry_at end
    where a.id = account and a.credits_posted - a.debits_posted - a.debits_pending >= amount
    returning a.credits_posted - a.debits_posted - a.debits_pending into available;
    if not found then
      select a.credits_posted - a.debits_posted - a.debits_pending into available
      from public.accounts a where a.id = account;
      perform private.fail('TG402',
        format('Insufficient credits: %s micro-credits needed, %s available.', amount, available),
        jsonb_build_object('needed', amount::text, 'available', available::text, 'wallet', account));
    end if;
  end if;

  lot_ids := '{}';
  amounts := '{}';
  for lot in
    select l.id, l.remaining from public.lots l
    where l.account_id = account and l.remaining > 0 and (l.expires_at is null or l.expires_at > at)
    order by l.priority desc, l.expires_at asc nulls last, l.id
    for no key update
  loop
    take := least(lot.remaining, left_to_take);
    update public.lots set remaining = remaining - take where id = lot.id;
    lot_ids := lot_ids || lot.id;
    amounts := amounts || take;
    left_to_take := left_to_take - take;
    exit when left_to_take = 0;
  end loop;
  if left_to_take <> 0 then
    raise exception 'ledger inconsistency: wallet % lots do not cover its balance', account
      using errcode = 'XX000';
  end if;
end
$$;

/* Adds a lot to a wallet (caller holds the wallet lock or is inserting the first credit). */
create function private.add_lot(
  account uuid, amount bigint, source text, priority smallint, expires_at timestamptz, transfer bigint
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  lot bigint;
begin
  insert into public.lots (account_id, source, amount, remaining, priority, expires_at, origin_transfer_id)
  values (account, source, amount, amount, priority, expires_at, transfer)
  returning id into lot;
  update public.accounts a
  set credits_posted = a.credits_posted + amount,
      next_expiry_at = least(a.next_expiry_at, expires_at)
  where a.id = account;
  return lot;
end
$$;

/* The first transfer recorded under (wallet, key); conflict when it is not the same request. */
create function private.replayed_transfer(
  account uuid, key text, expected_kind text, expected_amount bigint, expected_other uuid
) returns public.transfers
language plpgsql stable security definer set search_path = ''
as $$
declare
  first public.transfers;
begin
  select * into first from public.transfers t
  where t.key_account_id = account and t.idempotency_key = key;
  if first.kind is distinct from expected_kind or first.amount is distinct from expected_amount
     or (expected_other is not null
         and expected_other not in (first.debit_account_id, first.credit_account_id)) then
    perform private.fail('TG409',
      'This idempotency key was already used for a different request on this wallet.',
      jsonb_build_object('idempotencyKey', key, 'transferId', first.id, 'amount', first.amount::text,
                         'kind', first.kind));
  end if;
  return first;
end
$$;

create function private.available(account uuid) returns bigint
language sql stable security definer set search_path = ''
as $$ select a.credits_posted - a.debits_posted - a.debits_pending from public.accounts a where a.id = account $$;

create function private.default_priority(source text) returns smallint
language sql immutable set search_path = ''
as $$
  select case source when 'plan' then 30 when 'promo' then 20 when 'admin' then 10 else 0 end::smallint
$$;

-- ===================================================================== GRANT
create function public.credit_grant(
  p_account uuid,
  p_amount bigint,
  p_source text,
  p_idempotency_key text,
  p_expires_at timestamptz default null,
  p_priority smallint default null,
  p_description text default null,
  p_metadata jsonb default '{}'::jsonb,
  p_category text default 'other'
) returns table (transfer_id bigint, lot_id bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  wallet_kind text;
  transfer bigint;
  lot bigint;
  first public.transfers;
begin
  perform private.check_input(p_amount, p_idempotency_key, p_metadata, p_description);
  perform private.check_category(p_category);
  if p_source is null or p_source not in ('purchase', 'plan', 'promo', 'admin', 'refund') then
    perform private.fail('TG422', 'Source must be one of purchase, plan, promo, admin, refund.',
      jsonb_build_object('field', 'source'));
  end if;
  if p_expires_at is not null and p_expires_at <= private.clock() then
    perform private.fail('TG422', 'An expiry must be in the future.', jsonb_build_object('field', 'expires_at'));
  end if;
  select a.kind into wallet_kind from public.accounts a where a.id = p_account;
  if wallet_kind is null or wallet_kind = 'system' then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', p_account));
  end if;

  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category,
                                description, metadata, actor_id, key_account_id, idempotency_key)
  values (private.system_account('issuance:' || case when p_source = 'refund' then 'admin' else p_source end),
          p_account, p_amount, 'grant', p_category, p_description, p_metadata, auth.uid(),
          p_account, p_idempotency_key)
  on conflict on constraint transfers_idempotency do nothing
  returning id into transfer;

  if transfer is null then
    first := private.replayed_transfer(p_account, p_idempotency_key, 'grant', p_amount, null);
    return query select first.id, (select l.id from public.lots l where l.origin_transfer_id = first.id),
                        private.available(p_account), true;
    return;
  end if;

  perform 1 from public.accounts a where a.id = p_account for no key update;
  lot := private.add_lot(p_account, p_amount, p_source,
                         coalesce(p_priority, private.default_priority(p_source)), p_expires_at, transfer);
  return query select transfer, lot, private.available(p_account), false;
end
$$;
comment on function public.credit_grant(uuid, bigint, text, text, timestamptz, smallint, text, jsonb, text) is
  'Service only. Issues credits into a wallet as a new lot (source, optional expiry and priority).';

-- ===================================================================== SPEND
create function public.credit_spend(
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
  transfer bigint;
  first public.transfers;
  taken record;
begin
  perform private.check_input(p_amount, p_idempotency_key, p_metadata, p_description);
  perform private.check_category(p_category);
  perform private.assert_can_spend(p_account);

  -- The transfer goes in first: a concurrent retry with the same key waits on the unique index
  -- and then replays, and no wallet lock is held while inserting.
  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category,
                                description, metadata, actor_id, key_account_id, idempotency_key)
  values (p_account, private.system_account('revenue:' || p_category), p_amount, 'spend', p_category,
          p_description, p_metadata, auth.uid(), p_account, p_idempotency_key)
  on conflict on constraint transfers_idempotency do nothing
  returning id into transfer;

  if transfer is null then
    first := private.replayed_transfer(p_account, p_idempotency_key, 'spend', p_amount, null);
    return query select first.id, first.amount, private.available(p_account), true;
    return;
  end if;

  taken := private.take_credits(p_account, p_amount, false);
  insert into public.lot_movements (transfer_id, lot_id, amount)
  select transfer, unnest(taken.lot_ids), unnest(taken.amounts);
  return query select transfer, p_amount, taken.available, false;
end
$$;
comment on function public.credit_spend(uuid, bigint, text, text, text, jsonb) is
  'Debits a wallet the caller may spend, burning lots in order; TG402 with needed/available when short.';

-- ===================================================================== HOLDS
create function public.credit_reserve(
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
  taken record;
begin
  perform private.check_input(p_amount, p_idempotency_key, p_metadata, p_description);
  perform private.check_category(p_category);
  if p_ttl_seconds is null or p_ttl_seconds not between 1 and 86400 then
    perform private.fail('TG422', 'A hold lives between 1 second and 24 hours.', jsonb_build_object('field', 'ttl_seconds'));
  end if;
  perform private.assert_can_spend(p_account);
  expiry := private.clock() + make_interval(secs => p_ttl_seconds);

  insert into public.holds (account_id, amount, category, description, metadata, actor_id,
                            idempotency_key, expires_at)
  values (p_account, p_amount, p_category, p_description, p_metadata, auth.uid(), p_idempotency_key, expiry)
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

  taken := private.take_credits(p_account, p_amount, true, expiry);
  insert into public.hold_lots (hold_id, lot_id, amount)
  select hold, unnest(taken.lot_ids), unnest(taken.amounts);
  return query select hold, p_amount, expiry, taken.available, false;
end
$$;
comment on function public.credit_reserve(uuid, bigint, text, text, integer, text, jsonb) is
  'Places a hold (pending debit) with a time to live; expired holds stop counting at once.';

/* Locks a hold the caller may settle or void: its wallet first, as everywhere, then the hold. */
create function private.lock_hold(hold bigint) returns public.holds
language plpgsql security definer set search_path = ''
as $$
declare
  found_hold public.holds;
begin
  perform 1 from public.accounts a
  where a.id = (select h.account_id from public.holds h where h.id = hold)
  for no key update;
  select * into found_hold from public.holds h where h.id = hold for no key update;
  if not found then
    perform private.fail('TG404', 'Hold not found.', jsonb_build_object('hold', hold));
  end if;
  if not private.is_trusted() and found_hold.actor_id is distinct from (select auth.uid()) then
    perform private.assert_can_spend(found_hold.account_id);
  end if;
  return found_hold;
end
$$;

create function public.credit_settle(p_hold_id bigint, p_actual bigint)
returns table (hold_id bigint, transfer_id bigint, posted bigint, released bigint, shortfall bigint,
               available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  hold public.holds;
  charge bigint;
  transfer bigint;
  taken record;
  reserved bigint;
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

  -- Return the reservation to its lots (unless expiry already did), expire what is due, then
  -- charge the actual amount: at most the hold plus whatever else is available.
  reserved := case when hold.status = 'pending' then hold.amount else 0 end;
  perform private.release_hold(hold.id);
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
    taken := private.take_credits(hold.account_id, charge, false);
    insert into public.lot_movements (transfer_id, lot_id, amount)
    select transfer, unnest(taken.lot_ids), unnest(taken.amounts);
  end if;

  update public.holds h
  set status = 'posted', requested_amount = p_actual, posted_amount = charge,
      shortfall = p_actual - charge, transfer_id = transfer, resolved_at = private.clock()
  where h.id = hold.id;
  return query select hold.id, transfer, charge, greatest(reserved - charge, 0), p_actual - charge,
    private.available(hold.account_id), false;
end
$$;
comment on function public.credit_settle(bigint, bigint) is
  'Posts a hold by the actual amount: under the hold releases the rest; over it charges what is available and records the shortfall.';

create function public.credit_void(p_hold_id bigint)
returns table (hold_id bigint, released bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  hold public.holds;
begin
  hold := private.lock_hold(p_hold_id);
  if hold.status = 'posted' then
    perform private.fail('TG409', 'This hold was already settled and can no longer be voided.', jsonb_build_object('holdId', hold.id));
  elsif hold.status in ('voided', 'expired') then
    return query select hold.id, 0::bigint, private.available(hold.account_id), true;
    return;
  end if;
  perform private.release_hold(hold.id);
  update public.holds h set status = 'voided', resolved_at = private.clock() where h.id = hold.id;
  return query select hold.id, hold.amount, private.available(hold.account_id), false;
end
$$;
comment on function public.credit_void(bigint) is 'Releases a pending hold in full.';

-- ===================================================================== TRANSFER
/*
 * Moves credits between wallets: a member from their personal wallet into an org wallet of
 * theirs; an org owner/admin from the org wallet to a member's personal wallet; trusted callers
 * between any wallets. The credits keep their lots' expiry and priority on arrival.
 */
create function public.credit_transfer(
  p_from uuid,
  p_to uuid,
  p_amount bigint,
  p_idempotency_key text,
  p_description text default null
) returns table (transfer_id bigint, amount bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  source record;
  target record;
  caller uuid := (select auth.uid());
  transfer bigint;
  first public.transfers;
  taken record;
  i integer;
  lot record;
begin
  perform private.check_input(p_amount, p_idempotency_key, '{}'::jsonb, p_description);
  select a.kind, a.user_id, a.org_id into source from public.accounts a where a.id = p_from;
  select a.kind, a.user_id, a.org_id into target from public.accounts a where a.id = p_to;
  if source.kind is null or source.kind = 'system' or target.kind is null or target.kind = 'system' then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('from', p_from, 'to', p_to));
  end if;
  if p_from = p_to then
    perform private.fail('TG422', 'Choose two different wallets.', jsonb_build_object('field', 'to'));
  end if;
  if not private.is_trusted() then
    if source.kind = 'user_wallet' and source.user_id = caller then
      if target.kind <> 'org_wallet' or not private.is_org_member(target.org_id) then
        perform private.fail('TG403', 'Personal credits can only move into an organization you belong to.',
          jsonb_build_object('to', p_to));
      end if;
    elsif source.kind = 'org_wallet' and private.org_role(source.org_id) in ('owner', 'admin') then
      if target.kind <> 'user_wallet' or not exists (
        select 1 from public.organization_members m where m.org_id = source.org_id and m.user_id = target.user_id
      ) then
        perform private.fail('TG403', 'Org credits can only move to a member of the organization.',
          jsonb_build_object('to', p_to));
      end if;
    elsif source.kind = 'org_wallet' and private.is_org_member(source.org_id) then
      perform private.fail('TG403', 'Only owners and admins move credits out of the org wallet.',
        jsonb_build_object('from', p_from));
    else
      perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('from', p_from));
    end if;
  end if;

  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category,
                                description, actor_id, key_account_id, idempotency_key)
  values (p_from, p_to, p_amount, 'transfer', 'transfer', p_description, caller, p_from, p_idempotency_key)
  on conflict on constraint transfers_idempotency do nothing
  returning id into transfer;
  if transfer is null then
    first := private.replayed_transfer(p_from, p_idempotency_key, 'transfer', p_amount, p_to);
    return query select first.id, first.amount, private.available(p_from), true;
    return;
  end if;

  -- Both wallets locked in one order, so opposite transfers cannot deadlock.
  perform 1 from public.accounts a where a.id in (p_from, p_to) order by a.id for no key update;
  taken := private.take_credits(p_from, p_amount, false);
  insert into public.lot_movements (transfer_id, lot_id, amount)
  select transfer, unnest(taken.lot_ids), unnest(taken.amounts);
  for i in 1 .. coalesce(array_length(taken.lot_ids, 1), 0) loop
    select l.priority, l.expires_at into lot from public.lots l where l.id = taken.lot_ids[i];
    perform private.add_lot(p_to, taken.amounts[i], 'transfer', lot.priority, lot.expires_at, transfer);
  end loop;
  return query select transfer, p_amount, taken.available, false;
end
$$;
comment on function public.credit_transfer(uuid, uuid, bigint, text, text) is
  'Personal → own org wallet, or org wallet → a member (owners/admins). Lots keep expiry and priority.';

-- ===================================================================== REFUND
create function public.credit_refund(
  p_transfer_id bigint,
  p_amount bigint,
  p_idempotency_key text,
  p_reason text default null
) returns table (transfer_id bigint, amount bigint, refunded_total bigint, available bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  original public.transfers;
  transfer bigint;
  first public.transfers;
  already bigint;
begin
  perform private.check_input(p_amount, p_idempotency_key, '{}'::jsonb, p_reason);
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins refund transactions.', '{}'::jsonb);
  end if;
  select * into original from public.transfers t where t.id = p_transfer_id;
  if not found or original.kind not in ('spend', 'hold_post') then
    perform private.fail('TG404', 'No spend with that id.', jsonb_build_object('transfer', p_transfer_id));
  end if;

  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                metadata, actor_id, key_account_id, idempotency_key, refund_of)
  values (original.credit_account_id, original.debit_account_id, p_amount, 'refund', original.category,
          coalesce(p_reason, 'Refund'), jsonb_build_object('refundOf', original.id::text), auth.uid(),
          original.debit_account_id, p_idempotency_key, original.id)
  on conflict on constraint transfers_idempotency do nothing
  returning id into transfer;
  if transfer is null then
    first := private.replayed_transfer(original.debit_account_id, p_idempotency_key, 'refund', p_amount, null);
    if first.refund_of is distinct from original.id then
      perform private.fail('TG409', 'This idempotency key was already used for a different refund.',
        jsonb_build_object('idempotencyKey', p_idempotency_key));
    end if;
    return query select first.id, first.amount,
      (select sum(t.amount) from public.transfers t where t.refund_of = original.id)::bigint,
      private.available(original.debit_account_id), true;
    return;
  end if;

  -- Serialise refunds of one spend on its wallet, then check the running total.
  perform 1 from public.accounts a where a.id = original.debit_account_id for no key update;
  select coalesce(sum(t.amount), 0) into already from public.transfers t where t.refund_of = original.id;
  if already > original.amount then
    perform private.fail('TG422',
      format('Refunds would exceed the original %s micro-credits (%s already refunded).', original.amount, already - p_amount),
      jsonb_build_object('original', original.amount::text, 'refunded', (already - p_amount)::text));
  end if;
  perform private.add_lot(original.debit_account_id, p_amount, 'refund', 0::smallint, null, transfer);
  return query select transfer, p_amount, already, private.available(original.debit_account_id), false;
end
$$;
comment on function public.credit_refund(bigint, bigint, text, text) is
  'Service or platform admin: returns part or all of a spend to its wallet as a new non-expiring lot.';

-- ===================================================================== MAINTENANCE
create function public.credit_maintenance(p_limit integer default 1000)
returns table (accounts_swept integer, holds_expired integer, lots_expired integer)
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  account uuid;
  swept integer := 0;
  holds_before integer;
  lots_before integer;
begin
  select count(*) into holds_before from public.holds h where h.status = 'expired';
  select count(*) into lots_before from public.lots l where l.expired_at is not null;
  for account in
    select a.id from public.accounts a
    where a.next_expiry_at <= at
    order by a.next_expiry_at
    limit greatest(p_limit, 1)
    for no key update skip locked
  loop
    perform private.sweep_account(account, at);
    swept := swept + 1;
  end loop;
  return query select swept,
    (select count(*)::integer from public.holds h where h.status = 'expired') - holds_before,
    (select count(*)::integer from public.lots l where l.expired_at is not null) - lots_before;
end
$$;
comment on function public.credit_maintenance(integer) is
  'Expires due holds and lots (remainders move to the expired account). Safe to run concurrently; correctness never waits for it.';

-- ===================================================================== READS
create function public.credit_summary(p_account uuid)
returns table (
  account_id uuid, available bigint, balance bigint, pending bigint, expiring_soon bigint,
  next_expiry_at timestamptz, frozen boolean
)
language plpgsql stable security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
begin
  if not private.is_trusted() and not (p_account = any (private.readable_accounts())) then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', p_account));
  end if;
  -- Exactly what a sweep would leave, without writing: expired lots and holds do not count.
  return query
  with live_lots as (
    select l.id, l.remaining, l.expires_at from public.lots l
    where l.account_id = p_account and (l.expires_at is null or l.expires_at > at)
  ), live_holds as (
    select h.id, h.amount from public.holds h
    where h.account_id = p_account and h.status = 'pending' and h.expires_at > at
  ), returning_from_expired as (
    select coalesce(sum(hl.amount), 0) as amount
    from public.holds h join public.hold_lots hl on hl.hold_id = h.id
    join live_lots l on l.id = hl.lot_id
    where h.account_id = p_account and h.status = 'pending' and h.expires_at <= at
  )
  select a.id,
    ((select coalesce(sum(remaining), 0) from live_lots) + (select amount from returning_from_expired))::bigint,
    ((select coalesce(sum(remaining), 0) from live_lots) + (select amount from returning_from_expired)
      + (select coalesce(sum(amount), 0) from live_holds))::bigint,
    (select coalesce(sum(amount), 0) from live_holds)::bigint,
    (select coalesce(sum(remaining), 0) from live_lots where expires_at <= at + interval '30 days')::bigint,
    (select min(expires_at) from live_lots where remaining > 0),
    a.frozen_at is not null
  from public.accounts a where a.id = p_account and a.kind <> 'system';
end
$$;
comment on function public.credit_summary(uuid) is
  'Available, balance (available + pending), pending holds, credits expiring within 30 days, next expiry, frozen.';

create function public.ledger_check()
returns table (invariant text, account_id uuid, expected numeric, actual numeric)
language sql stable security definer set search_path = ''
as $$
  -- 1. Double entry: every transfer debits and credits the same amount, so all balances sum to 0.
  select 'sum of balances is zero', null::uuid, 0::numeric,
         (select coalesce(sum(b), 0) from (
            select sum(t.amount) as b from public.transfers t
            union all select -sum(t.amount) from public.transfers t) s)
  where (select coalesce(sum(t.amount), 0) from public.transfers t)
     <> (select coalesce(sum(t.amount), 0) from public.transfers t)
  union all
  -- 2. Both accounts of every transfer exist.
  select 'transfer accounts exist', t.debit_account_id, 1, 0
  from public.transfers t
  where not exists (select 1 from public.accounts a where a.id = t.debit_account_id)
     or not exists (select 1 from public.accounts a where a.id = t.credit_account_id)
  union all
  -- 3. Each wallet's cached totals equal the sums of its transfers and pending holds.
  select 'wallet credits_posted = sum of credits', a.id,
         (select coalesce(sum(t.amount), 0) from public.transfers t where t.credit_account_id = a.id), a.credits_posted
  from public.accounts a where a.kind <> 'system'
    and a.credits_posted <> (select coalesce(sum(t.amount), 0) from public.transfers t where t.credit_account_id = a.id)
  union all
  select 'wallet debits_posted = sum of debits', a.id,
         (select coalesce(sum(t.amount), 0) from public.transfers t where t.debit_account_id = a.id), a.debits_posted
  from public.accounts a where a.kind <> 'system'
    and a.debits_posted <> (select coalesce(sum(t.amount), 0) from public.transfers t where t.debit_account_id = a.id)
  union all
  select 'wallet debits_pending = sum of pending holds', a.id,
         (select coalesce(sum(h.amount), 0) from public.holds h where h.account_id = a.id and h.status = 'pending'
            and exists (select 1 from public.hold_lots hl where hl.hold_id = h.id)), a.debits_pending
  from public.accounts a where a.kind <> 'system'
    and a.debits_pending <> (select coalesce(sum(hl.amount), 0) from public.hold_lots hl
                             join public.holds h on h.id = hl.hold_id where h.account_id = a.id)
  union all
  -- 4. No wallet below zero.
  select 'wallet not negative', a.id, 0, a.credits_posted - a.debits_posted - a.debits_pending
  from public.accounts a where a.kind <> 'system' and a.credits_posted - a.debits_posted - a.debits_pending < 0
  union all
  -- 5. A wallet's posted balance is exactly what its lots still hold plus what holds reserve.
  select 'wallet balance = lots remaining + reserved', a.id,
         a.credits_posted - a.debits_posted,
         (select coalesce(sum(l.remaining), 0) from public.lots l where l.account_id = a.id)
         + (select coalesce(sum(hl.amount), 0) from public.hold_lots hl join public.lots l on l.id = hl.lot_id
            where l.account_id = a.id)
  from public.accounts a where a.kind <> 'system'
    and a.credits_posted - a.debits_posted <>
        (select coalesce(sum(l.remaining), 0) from public.lots l where l.account_id = a.id)
        + (select coalesce(sum(hl.amount), 0) from public.hold_lots hl join public.lots l on l.id = hl.lot_id
           where l.account_id = a.id)
  union all
  -- 6. Each lot: amount = remaining + reserved + burned (by its movements).
  select 'lot amount = remaining + reserved + burned', l.account_id, l.amount,
         l.remaining + coalesce((select sum(hl.amount) from public.hold_lots hl where hl.lot_id = l.id), 0)
                     + coalesce((select sum(m.amount) from public.lot_movements m where m.lot_id = l.id), 0)
  from public.lots l
  where l.amount <> l.remaining + coalesce((select sum(hl.amount) from public.hold_lots hl where hl.lot_id = l.id), 0)
                                + coalesce((select sum(m.amount) from public.lot_movements m where m.lot_id = l.id), 0)
  union all
  -- 7. Every debit from a wallet burned exactly its amount of lots; every credit created its lots.
  select 'wallet debit burned its amount of lots', t.debit_account_id, t.amount,
         (select coalesce(sum(m.amount), 0) from public.lot_movements m where m.transfer_id = t.id)
  from public.transfers t join public.accounts a on a.id = t.debit_account_id and a.kind <> 'system'
  where t.amount <> (select coalesce(sum(m.amount), 0) from public.lot_movements m where m.transfer_id = t.id)
  union all
  select 'wallet credit created its amount of lots', t.credit_account_id, t.amount,
         (select coalesce(sum(l.amount), 0) from public.lots l where l.origin_transfer_id = t.id)
  from public.transfers t join public.accounts a on a.id = t.credit_account_id and a.kind <> 'system'
  where t.amount <> (select coalesce(sum(l.amount), 0) from public.lots l where l.origin_transfer_id = t.id)
  union all
  -- 8. No pending hold reserves more or less than its amount.
  select 'pending hold reserves its amount', h.account_id, h.amount,
         (select coalesce(sum(hl.amount), 0) from public.hold_lots hl where hl.hold_id = h.id)
  from public.holds h
  where h.status = 'pending'
    and h.amount <> (select coalesce(sum(hl.amount), 0) from public.hold_lots hl where hl.hold_id = h.id)
$$;
comment on function public.ledger_check() is
  'Every broken ledger invariant, one row each; an empty result means the books balance.';

-- ===================================================================== PRIVILEGES
-- Private helpers run only inside the public functions (as their owner). Callers get nothing
-- here except the read helpers that RLS policies evaluate as the caller.
revoke all on all functions in schema private from public, anon, authenticated, service_role;
grant execute on function private.org_role(uuid), private.is_org_member(uuid),
  private.shares_org_with(uuid), private.is_platform_admin(), private.readable_accounts()
to authenticated, service_role;

revoke all on function
  public.credit_grant(uuid, bigint, text, text, timestamptz, smallint, text, jsonb, text),
  public.credit_spend(uuid, bigint, text, text, text, jsonb),
  public.credit_reserve(uuid, bigint, text, text, integer, text, jsonb),
  public.credit_settle(bigint, bigint),
  public.credit_void(bigint),
  public.credit_transfer(uuid, uuid, bigint, text, text),
  public.credit_refund(bigint, bigint, text, text),
  public.credit_maintenance(integer),
  public.credit_summary(uuid),
  public.ledger_check()
from public, anon, authenticated;

grant execute on function
  public.credit_spend(uuid, bigint, text, text, text, jsonb),
  public.credit_reserve(uuid, bigint, text, text, integer, text, jsonb),
  public.credit_settle(bigint, bigint),
  public.credit_void(bigint),
  public.credit_transfer(uuid, uuid, bigint, text, text),
  public.credit_refund(bigint, bigint, text, text),
  public.credit_summary(uuid)
to authenticated;

grant execute on function
  public.credit_grant(uuid, bigint, text, text, timestamptz, smallint, text, jsonb, text),
  public.credit_spend(uuid, bigint, text, text, text, jsonb),
  public.credit_reserve(uuid, bigint, text, text, integer, text, jsonb),
  public.credit_settle(bigint, bigint),
  public.credit_void(bigint),
  public.credit_transfer(uuid, uuid, bigint, text, text),
  public.credit_refund(bigint, bigint, text, text),
  public.credit_maintenance(integer),
  public.credit_summary(uuid),
  public.ledger_check()
to service_role;

-- Pay-as-you-go: a postpaid credit line on the ledger (credit_limit on the wallet row, read by
-- the spend's guard), postpaid usage rows (the receivable) metered to Stripe and settled by paid
-- invoices, plan and per-wallet credit limits, and the admin audit log (admin set-plan).

-- ===================================================================== LEDGER: COLUMNS
alter table public.accounts
  add column credit_limit bigint not null default 0 check (credit_limit between 0 and 1000000000000000),
  add column credit_limit_override bigint check (credit_limit_override between 0 and 1000000000000000),
  add column postpaid_frozen_at timestamptz;
alter table public.accounts drop constraint accounts_wallet_not_negative;
alter table public.accounts add constraint accounts_wallet_not_negative check (
    kind = 'system' or credits_posted - debits_posted - debits_pending + credit_limit >= 0
    or postpaid_frozen_at is not null
  );
comment on column public.accounts.credit_limit is
  'Postpaid credit line in force: available may go down to minus this. 0 without a line or while frozen.';

alter table public.lots drop constraint lots_source_check;
alter table public.lots add constraint lots_source_check
  check (source in ('purchase', 'plan', 'promo', 'admin', 'refund', 'transfer', 'settlement'));
alter table public.transfers drop constraint transfers_kind_check;
alter table public.transfers add constraint transfers_kind_check check (kind in
    ('grant', 'spend', 'hold_post', 'transfer', 'refund', 'expire', 'clawback', 'adjustment', 'settlement'));

alter table public.plans
  add column postpaid_credit_limit bigint check (postpaid_credit_limit between 0 and 1000000000000000);

insert into public.accounts (id, kind, system_code)
values (private.system_account('receivable:postpaid'), 'system', 'receivable:postpaid')
on conflict do nothing;

-- ===================================================================== LEDGER: POSTPAID USAGE
create table public.postpaid_usage (
  transfer_id bigint primary key references public.transfers (id),
  account_id uuid not null references public.accounts (id) on delete restrict,
  amount bigint not null check (amount > 0),
  created_at timestamptz not null default private.clock(),
  -- Stripe meter event: queued → sent (its identifier makes a resend a no-op at Stripe).
  meter_status text not null default 'queued' check (meter_status in ('queued', 'sent')),
  meter_attempts integer not null default 0 check (meter_attempts >= 0),
  meter_next_attempt_at timestamptz not null default now(),
  meter_claimed_at timestamptz,
  meter_sent_at timestamptz,
  meter_error text check (char_length(meter_error) <= 500),
  -- The settlement transfer (and its invoice) that paid this usage back.
  settled_by bigint references public.transfers (id),
  settled_invoice_id text check (char_length(settled_invoice_id) <= 255)
);
comment on table public.postpaid_usage is
  'Postpaid usage: the part of each debit past zero on a credit line, metered to Stripe and settled by a paid invoice.';

create index postpaid_usage_account_idx on public.postpaid_usage (account_id, created_at)
  where settled_by is null;
create index postpaid_usage_meter_due_idx on public.postpaid_usage (meter_next_attempt_at)
  where meter_status = 'queued';
create index postpaid_usage_settled_by_idx on public.postpaid_usage (settled_by) where settled_by is not null;
alter table public.postpaid_usage enable row level security;
revoke all on public.postpaid_usage from public, anon, authenticated, service_role;
grant select on public.postpaid_usage to authenticated, service_role;
create policy postpaid_usage_select on public.postpaid_usage for select to authenticated
  using (account_id = any ((select private.readable_accounts())::uuid[]));

-- ===================================================================== LEDGER AND ALERTS: FUNCTIONS
create or replace function private.allocate(account uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  pending_debits bigint;
  burned bigint;
begin
  select a.debits_unallocated into pending_debits from public.accounts a where a.id = account;
  if pending_debits = 0 then
    return;
  end if;
  with ordered as (
    select l.id, l.remaining,
           (sum(l.remaining) over (order by l.priority desc, l.expires_at asc nulls last, l.id)
             - l.remaining)::bigint as before
    from public.lots l
    where l.account_id = account and l.remaining > 0
  ), portions as (
    select o.id, least(o.remaining, pending_debits - o.before) as amount
    from ordered o where o.before < pending_debits
  ), updated as (
    update public.lots l set remaining = l.remaining - p.amount
    from portions p where l.id = p.id
    returning l.id, p.amount
  ), recorded as (
    insert into public.lot_burns (account_id, lot_id, amount)
    select account, u.id, u.amount from updated u
    returning amount
  )
  select coalesce(sum(amount), 0) into burned from recorded;
  -- A wallet spending on its credit line (posted balance below zero) keeps exactly the part its
  -- lots cannot cover unallocated: the next credits to arrive burn for it first.
  if burned <> pending_debits and pending_debits - burned <> (
    select greatest(a.debits_posted - a.credits_posted, 0) from public.accounts a where a.id = account
  ) then
    raise exception 'ledger inconsistency: wallet % lots hold % of % unallocated debits', account, burned, pending_debits
      using errcode = 'XX000';
  end if;
  update public.accounts a set debits_unallocated = pending_debits - burned where a.id = account;
end
$$;

create or replace function private.sweep_account(account uuid, at timestamptz) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  lot record;
  transfer bigint;
  expired_total bigint := 0;
  released bigint;
  deficit bigint;
  hold record;
begin
  perform private.allocate(account);

  with expired as (
    update public.holds h set status = 'expired', resolved_at = at
    where h.account_id = account and h.status = 'pending' and h.expires_at <= at
    returning h.reserved
  )
  select coalesce(sum(reserved), 0) into released from expired;

  for lot in
    select l.id, l.remaining, l.source from public.lots l
    where l.account_id = account and l.remaining > 0 and l.expires_at <= at
    order by l.id
  loop
    insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category,
                                  description, key_account_id, idempotency_key, created_at)
    values (account, private.system_account('expired'), lot.remaining, 'expire', 'other',
            'Expired ' || lot.source || ' credits', account, 'expire:lot:' || lot.id, at)
    returning id into transfer;
    insert into public.lot_burns (account_id, lot_id, amount, transfer_id, created_at)
    values (account, lot.id, lot.remaining, transfer, at);
    update public.lots set remaining = 0, expired_at = at where id = lot.id;
    expired_total := expired_total + lot.remaining;
  end loop;

  -- Reservations the remaining credits cannot back any more shrink, newest hold first.
  select greatest(a.debits_pending - released - (a.credits_posted - a.debits_posted - expired_total + a.credit_limit), 0)
  into deficit from public.accounts a where a.id = account;
  if deficit > 0 then
    for hold in
      select h.id, h.reserved from public.holds h
      where h.account_id = account and h.status = 'pending' and h.reserved > 0
      order by h.id desc
    loop
      exit when deficit = 0;
      update public.holds set reserved = reserved - least(hold.reserved, deficit) where id = hold.id;
      released := released + least(hold.reserved, deficit);
      deficit := deficit - least(hold.reserved, deficit);
    end loop;
  end if;

  update public.accounts a
  set debits_posted = a.debits_posted + expired_total,
      debits_pending = a.debits_pending - released,
      next_expiry_at = (
        select min(e) from (
          select min(h.expires_at) as e from public.holds h
          where h.account_id = account and h.status = 'pending'
          union all
          select min(l.expires_at) from public.lots l
          where l.account_id = account and l.remaining > 0 and l.expires_at is not null
        ) due)
  where a.id = account;
end
$$;

create or replace function private.take_credits(
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
    and a.credits_posted - a.debits_posted - a.debits_pending + a.credit_limit >= amount
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
  where a.id = account and a.credits_posted - a.debits_posted - a.debits_pending + a.credit_limit >= amount
  returning a.* into wallet;
  if not found then
    -- What the wallet could spend: its credits plus what is left of its credit line.
    select a.credits_posted - a.debits_posted - a.debits_pending + a.credit_limit into left_over
    from public.accounts a where a.id = account;
    perform private.fail('TG402',
      format('Insufficient credits: %s micro-credits needed, %s available.', amount, left_over),
      jsonb_build_object('needed', amount::text, 'available', left_over::text, 'wallet', account));
  end if;
  perform private.after_debit(wallet, amount, hold);
  return wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
end
$$;

create or replace function private.record_postpaid_usage(account uuid, amount bigint, transfer bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  past_zero bigint;
begin
  select least(amount, greatest(a.debits_posted - a.credits_posted, 0)) into past_zero
  from public.accounts a where a.id = account;
  if past_zero > 0 then
    insert into public.postpaid_usage (transfer_id, account_id, amount) values (transfer, account, past_zero);
  end if;
end
$$;
comment on function private.record_postpaid_usage(uuid, bigint, bigint) is
  'Records the part of a debit past zero (posted balance) as postpaid usage, one row per transfer.';

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
    and a.credits_posted - a.debits_posted - a.debits_pending + a.credit_limit >= p_amount
  returning a.* into wallet;
  if found then
    perform private.after_debit(wallet, p_amount, null);
    left_over := wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
  else
    left_over := private.take_credits(p_account, p_amount);
  end if;
  -- Below zero only on a credit line: the part past zero is postpaid usage.
  if left_over < 0 then
    perform private.record_postpaid_usage(p_account, p_amount, transfer);
  end if;
  return query select transfer, p_amount, left_over, false;
end
$$;
comment on function public.credit_spend(uuid, bigint, text, text, text, jsonb) is
  'Debits a wallet the caller may spend (lots burn in order); TG402 with needed/available when short.';

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
  charge := least(p_actual, greatest(private.available(hold.account_id)
    + (select a.credit_limit from public.accounts a where a.id = hold.account_id), 0));
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
    if private.available(hold.account_id) < 0 then
      perform private.record_postpaid_usage(hold.account_id, charge, transfer);
    end if;
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

create or replace function public.credit_summary(p_account uuid)
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
  -- Exactly what a sweep would leave: expired lots and holds no longer count.
  return query
  with lots as (
    select * from private.effective_lots(p_account, at) e where e.live and e.remaining > 0
  ), totals as (
    select coalesce(sum(l.remaining), 0)::bigint as live_balance,
           coalesce(sum(l.remaining) filter (where l.expires_at <= at + interval '30 days'), 0)::bigint as soon,
           min(l.expires_at) as next_expiry
    from lots l
  ), held as (
    select coalesce(sum(h.reserved), 0)::bigint as reserved from public.holds h
    where h.account_id = p_account and h.status = 'pending' and h.expires_at > at
  )
  -- On a credit line the posted balance may be below zero (carried: debits no lot covers), and
  -- holds may reserve from the line: available goes down to minus the line, never further.
  select a.id,
         greatest(t.live_balance - c.carried - h.reserved, -greatest(a.credit_limit, c.carried)),
         t.live_balance - c.carried,
         case when a.credit_limit > 0 then h.reserved else least(h.reserved, t.live_balance) end,
         t.soon,
         t.next_expiry,
         a.frozen_at is not null
  from public.accounts a, totals t, held h,
       lateral (select greatest(a.debits_posted - a.credits_posted, 0) as carried) c
  where a.id = p_account and a.kind <> 'system';
end
$$;
comment on function public.credit_summary(uuid) is
  'Available, balance (available + pending), pending holds, credits expiring within 30 days, next expiry, frozen.';

create or replace function public.ledger_check()
returns table (invariant text, account_id uuid, expected numeric, actual numeric)
language sql stable security definer set search_path = ''
as $$
  with wallets as (
    select a.* from public.accounts a where a.kind <> 'system'
  ), credited as (
    select t.credit_account_id as id, sum(t.amount) as amount from public.transfers t group by 1
  ), debited as (
    select t.debit_account_id as id, sum(t.amount) as amount,
           sum(t.amount) filter (where t.kind in ('spend', 'hold_post')) as batched
    from public.transfers t group by 1
  ), held as (
    select h.account_id as id, sum(h.reserved) as amount from public.holds h where h.status = 'pending' group by 1
  ), lot_totals as (
    select l.account_id as id, sum(l.remaining) as remaining from public.lots l group by 1
  ), burned as (
    select b.account_id as id, sum(b.amount) filter (where b.transfer_id is null) as batched
    from public.lot_burns b group by 1
  )
  -- 1. Double entry: all balances sum to zero (each transfer's debit equals its credit).
  select 'sum of all balances is zero', null::uuid, 0::numeric,
         coalesce((select sum(c.amount) from credited c), 0) - coalesce((select sum(d.amount) from debited d), 0)
  where coalesce((select sum(c.amount) from credited c), 0) <> coalesce((select sum(d.amount) from debited d), 0)
  union all
  -- 2. Both accounts of every transfer exist.
  select 'transfer accounts exist', t.debit_account_id, 1, 0 from public.transfers t
  where not exists (select 1 from public.accounts a where a.id = t.debit_account_id)
     or not exists (select 1 from public.accounts a where a.id = t.credit_account_id)
  union all
  -- 3. Each wallet's cached totals equal the sums of its transfers and pending holds.
  select 'wallet credits_posted = sum of credits', w.id, coalesce(c.amount, 0), w.credits_posted
  from wallets w left join credited c on c.id = w.id where w.credits_posted <> coalesce(c.amount, 0)
  union all
  select 'wallet debits_posted = sum of debits', w.id, coalesce(d.amount, 0), w.debits_posted
  from wallets w left join debited d on d.id = w.id where w.debits_posted <> coalesce(d.amount, 0)
  union all
  select 'wallet debits_pending = sum of pending reservations', w.id, coalesce(h.amount, 0), w.debits_pending
  from wallets w left join held h on h.id = w.id where w.debits_pending <> coalesce(h.amount, 0)
  union all
  -- 4. No wallet below zero, or below minus its credit line (a frozen line stops where it was).
  select 'wallet not negative', w.id, -w.credit_limit, w.credits_posted - w.debits_posted - w.debits_pending
  from wallets w
  where w.credits_posted - w.debits_posted - w.debits_pending + w.credit_limit < 0 and w.postpaid_frozen_at is null
  union all
  -- 4b. Whatever a wallet's posted balance is below zero is unsettled postpaid usage (the
  -- receivable), and receivable:postpaid has paid out exactly the settled usage.
  select 'negative balance is unsettled postpaid usage', w.id, coalesce(u.unsettled, 0),
         w.debits_posted - w.credits_posted
  from wallets w left join (
    select p.account_id, sum(p.amount) as unsettled from public.postpaid_usage p
    where p.settled_by is null group by 1
  ) u on u.account_id = w.id
  where w.debits_posted - w.credits_posted > coalesce(u.unsettled, 0)
  union all
  select 'receivable:postpaid paid out the settled usage', private.system_account('receivable:postpaid'),
         coalesce((select sum(p.amount) from public.postpaid_usage p where p.settled_by is not null), 0),
         coalesce((select sum(t.amount) from public.transfers t
                   where t.debit_account_id = private.system_account('receivable:postpaid')), 0)
         - coalesce((select sum(t.amount) from public.transfers t
                     where t.credit_account_id = private.system_account('receivable:postpaid')), 0)
  where coalesce((select sum(p.amount) from public.postpaid_usage p where p.settled_by is not null), 0)
     <> coalesce((select sum(t.amount) from public.transfers t
                  where t.debit_account_id = private.system_account('receivable:postpaid')), 0)
        - coalesce((select sum(t.amount) from public.transfers t
                    where t.credit_account_id = private.system_account('receivable:postpaid')), 0)
  union all
  -- 5. A wallet's posted balance is what its lots still hold, less debits not yet burned.
  select 'wallet balance = lots remaining - unburned debits', w.id, w.credits_posted - w.debits_posted,
         coalesce(l.remaining, 0) - w.debits_unallocated
  from wallets w left join lot_totals l on l.id = w.id
  where w.credits_posted - w.debits_posted <> coalesce(l.remaining, 0) - w.debits_unallocated
  union all
  -- 6. Spends and posted holds are burned from lots exactly once (now, or pending in unallocated).
  select 'batched debits = batched burns + unallocated', w.id, coalesce(d.batched, 0),
         coalesce(b.batched, 0) + w.debits_unallocated
  from wallets w left join debited d on d.id = w.id left join burned b on b.id = w.id
  where coalesce(d.batched, 0) <> coalesce(b.batched, 0) + w.debits_unallocated
  union all
  -- 7. Every other debit from a wallet burned exactly its amount of lots.
  select 'transfer burned its amount of lots', t.debit_account_id, t.amount,
         (select coalesce(sum(b.amount), 0) from public.lot_burns b where b.transfer_id = t.id)
  from public.transfers t join wallets w on w.id = t.debit_account_id
  where t.kind not in ('spend', 'hold_post')
    and t.amount <> (select coalesce(sum(b.amount), 0) from public.lot_burns b where b.transfer_id = t.id)
  union all
  -- 8. Every credit to a wallet created its amount of lots.
  select 'credit created its amount of lots', t.credit_account_id, t.amount,
         (select coalesce(sum(l.amount), 0) from public.lots l where l.origin_transfer_id = t.id)
  from public.transfers t join wallets w on w.id = t.credit_account_id
  where t.amount <> (select coalesce(sum(l.amount), 0) from public.lots l where l.origin_transfer_id = t.id)
  union all
  -- 9. Each lot: amount = remaining + burned.
  select 'lot amount = remaining + burned', l.account_id, l.amount,
         l.remaining + coalesce((select sum(b.amount) from public.lot_burns b where b.lot_id = l.id), 0)
  from public.lots l
  where l.amount <> l.remaining + coalesce((select sum(b.amount) from public.lot_burns b where b.lot_id = l.id), 0)
$$;
comment on function public.ledger_check() is
  'Every broken ledger invariant, one row each; an empty result means the books balance.';

create or replace function private.wallet_alert_levels(account uuid, period_grant bigint)
returns table (kind text, threshold bigint, level bigint)
language sql stable security definer set search_path = ''
as $$
  with settings as (
    select coalesce(s.enabled, true) as enabled,
           coalesce(s.thresholds, '{80,95,100}'::smallint[]) as thresholds,
           coalesce(s.low_balance, 5000000) as low_balance
    from (select 1) one left join public.alert_settings s on s.account_id = account
  ), line as (
    select coalesce((select a.credit_limit from public.accounts a where a.id = account), 0) as credit_limit
  )
  select case when p = 100 then 'usage.limit_reached' else 'balance.threshold' end, p::bigint,
         case when line.credit_limit > 0 then (1 - div(line.credit_limit::numeric * p, 100))::bigint
              else (div(period_grant::numeric * (100 - p), 100) + 1)::bigint end
  from settings, line, unnest(settings.thresholds) as t(p)
  where settings.enabled and (period_grant > 0 or line.credit_limit > 0)
  union all
  select 'balance.low', settings.low_balance, settings.low_balance
  from settings, line
  where settings.enabled and settings.low_balance > 0 and line.credit_limit = 0
$$;

create or replace function private.raise_wallet_alerts(account uuid, spent bigint default 0) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  period public.wallet_alert_periods := private.wallet_alert_period(account, at, spent);
  left_over bigint := private.available(account);
  line bigint := (select a.credit_limit from public.accounts a where a.id = account);
  party record;
  level record;
  title text;
  body text;
begin
  select * into party from private.wallet_party(account);
  for level in
    select * from private.wallet_alert_levels(account, period.period_grant) l
    where left_over < l.level
    order by l.level desc, l.kind
  loop
    if level.kind = 'balance.low' then
      title := case when party.org_id is null then 'Your credit balance is low'
                    else party.org_name || '''s credit balance is low' end;
      body := format('%s credits left, below your alert at %s credits.',
                     private.format_credits(left_over), private.format_credits(level.threshold));
    elsif line > 0 then
      title := case when party.org_id is null then format('You have used %s%% of your credit line', level.threshold)
                    else format('%s has used %s%% of its credit line', party.org_name, level.threshold) end;
      body := format('%s credits owed of a %s credit line.',
                     private.format_credits(-left_over), private.format_credits(line));
    elsif level.kind = 'usage.limit_reached' then
      title := case when party.org_id is null then 'You have used all your credits'
                    else party.org_name || ' has used all its credits' end;
      body := format('All %s credits of this month are used. Buy a package to keep using paid features.',
                     private.format_credits(period.period_grant));
    else
      title := case when party.org_id is null then format('You have used %s%% of your credits', level.threshold)
                    else format('%s has used %s%% of its credits', party.org_name, level.threshold) end;
      body := format('%s of %s credits left this month.',
                     private.format_credits(left_over), private.format_credits(period.period_grant));
    end if;
    perform private.raise_alert(party.user_id, party.org_id, account, null, 'wallet:' || account, level.kind,
      level.threshold, period.period_start,
      jsonb_build_object('walletId', account, 'available', left_over::text,
                         'periodGrant', period.period_grant::text, 'scope', 'wallet'),
      title, body, party.link);
  end loop;
  perform private.arm_wallet_alerts(account, period);
end
$$;
comment on function private.raise_wallet_alerts(uuid, bigint) is
  'Under the wallet lock: raises this period''s crossed threshold and low-balance alerts once, arms the next.';


revoke all on function private.record_postpaid_usage(uuid, bigint, bigint)
  from public, anon, authenticated, service_role;

-- ===================================================================== POSTPAID
-- ===================================================================== TABLES
create table public.postpaid_invoices (
  invoice_id text primary key check (invoice_id ~ '^in_[A-Za-z0-9_]+$'),
  account_id uuid not null references public.accounts (id) on delete restrict,
  status text not null check (status in ('paid', 'failed')),
  settled bigint not null default 0 check (settled >= 0),
  transfer_id bigint references public.transfers (id),
  updated_at timestamptz not null default now()
);
comment on table public.postpaid_invoices is
  'Invoices that billed postpaid usage: paid (settled once, by transfer_id) or failed (the line is frozen).';

create table public.admin_audit_log (
  id bigint generated always as identity primary key,
  actor_id uuid references public.profiles (id) on delete set null,
  action text not null check (action in ('plan.set', 'credit_limit.set', 'plan.credit_limit.set')),
  subject_kind text not null check (subject_kind in ('user', 'org', 'plan')),
  subject_id text not null check (char_length(subject_id) between 1 and 100),
  subject_label text check (char_length(subject_label) <= 254),
  reason text not null check (char_length(btrim(reason)) between 3 and 500),
  detail jsonb not null default '{}'::jsonb check (jsonb_typeof(detail) = 'object'),
  created_at timestamptz not null default now()
);
comment on table public.admin_audit_log is
  'What platform admins changed by hand (plans, credit limits), who did it and why. Append-only.';

-- ===================================================================== INDEXES
create index postpaid_invoices_failed_idx on public.postpaid_invoices (account_id) where status = 'failed';
create index postpaid_invoices_transfer_idx on public.postpaid_invoices (transfer_id) where transfer_id is not null;
create index admin_audit_log_created_idx on public.admin_audit_log (created_at desc, id desc);
create index admin_audit_log_actor_idx on public.admin_audit_log (actor_id);

create trigger admin_audit_log_immutable before update or delete on public.admin_audit_log
  for each row execute function private.refuse_change();

-- ===================================================================== RLS
alter table public.postpaid_invoices enable row level security;
alter table public.admin_audit_log enable row level security;
revoke all on public.postpaid_invoices, public.admin_audit_log from public, anon, authenticated, service_role;
grant select on public.postpaid_invoices, public.admin_audit_log to authenticated, service_role;
create policy postpaid_invoices_select on public.postpaid_invoices for select to authenticated
  using (account_id = any ((select private.readable_accounts())::uuid[]));
create policy admin_audit_log_select on public.admin_audit_log for select to authenticated
  using ((select private.is_platform_admin()));

-- ===================================================================== CREDIT LINE
/*
 * Puts the wallet's credit line in force: the admin's limit, else its plan's, else none; none
 * while an unpaid invoice freezes it. A line lowered below what the wallet already owes freezes
 * too, until the next paid invoice. Re-arms the wallet's alerts (they follow the line).
 */
create function private.refresh_credit_limit(account uuid) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  wallet public.accounts;
  configured bigint;
  unpaid boolean;
begin
  select * into wallet from public.accounts a where a.id = account and a.kind <> 'system' for no key update;
  if not found then
    return null;
  end if;
  select coalesce(wallet.credit_limit_override, p.postpaid_credit_limit, 0) into configured
  from private.subject_plan(case when wallet.org_id is null then 'user' else 'org' end,
                            coalesce(wallet.user_id, wallet.org_id), private.clock()) sp
  left join public.plans p on p.id = sp.plan_id;
  configured := coalesce(configured, wallet.credit_limit_override, 0);
  unpaid := exists (select 1 from public.postpaid_invoices i where i.account_id = account and i.status = 'failed')
    or wallet.credits_posted - wallet.debits_posted - wallet.debits_pending + configured < 0;
  update public.accounts a
  set credit_limit = case when unpaid then 0 else configured end,
      postpaid_frozen_at = case when unpaid then coalesce(a.postpaid_frozen_at, now()) end
  where a.id = account;
  perform private.arm_wallet_alerts(account, private.wallet_alert_period(account, private.clock()));
  return case when unpaid then 0 else configured end;
end
$$;
comment on function private.refresh_credit_limit(uuid) is
  'Sets accounts.credit_limit from the admin override or the plan (0 while frozen); returns it.';

/* Trigger: a subject changed plan; its wallet's line follows. */
create function private.subscription_credit_line() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.refresh_credit_limit(private.subject_wallet(new.subject_kind, new.subject_id));
  return new;
end
$$;

/* Trigger: a plan's credit line changed; every wallet on that plan follows. */
create function private.plan_credit_line() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  account uuid;
begin
  for account in
    select private.subject_wallet(s.subject_kind, s.subject_id) from public.subscriptions s
    where s.plan_id = new.id or s.pending_plan_id = new.id
    order by 1
  loop
    perform private.refresh_credit_limit(account);
  end loop;
  return new;
end
$$;

create trigger subscriptions_credit_line after update of plan_id, pending_plan_id, pending_at on public.subscriptions
  for each row execute function private.subscription_credit_line();
create trigger plans_credit_line after update of postpaid_credit_limit on public.plans
  for each row when (old.postpaid_credit_limit is distinct from new.postpaid_credit_limit)
  execute function private.plan_credit_line();

/* A reason for an admin change: 3 to 500 characters (TG422 otherwise). */
create function private.admin_reason(reason text) returns text
language plpgsql immutable set search_path = ''
as $$
begin
  if reason is null or char_length(btrim(reason)) not between 3 and 500 then
    perform private.fail('TG422', 'Give a reason of 3 to 500 characters.', jsonb_build_object('field', 'reason'));
  end if;
  return btrim(reason);
end
$$;

create function private.assert_platform_admin() returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins do this.', '{}'::jsonb);
  end if;
end
$$;

/* Platform admin: a wallet's own credit limit (null: the plan's applies), with a reason. */
create function public.admin_set_credit_limit(p_account uuid, p_limit bigint, p_reason text)
returns table (account_id uuid, credit_limit bigint, override bigint, frozen boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  why text;
  wallet record;
  in_force bigint;
begin
  perform private.assert_platform_admin();
  why := private.admin_reason(p_reason);
  if p_limit is not null and p_limit not between 0 and 1000000000000000 then
    perform private.fail('TG422', 'A credit limit is between 0 and 10^15 micro-credits.',
      jsonb_build_object('field', 'limit'));
  end if;
  select a.id, a.user_id, a.org_id, a.credit_limit_override, coalesce(p.email, o.slug) as label
  into wallet
  from public.accounts a
  left join public.profiles p on p.id = a.user_id
  left join public.organizations o on o.id = a.org_id
  where a.id = p_account and a.kind <> 'system';
  if not found then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', p_account));
  end if;
  update public.accounts a set credit_limit_override = p_limit where a.id = p_account;
  in_force := private.refresh_credit_limit(p_account);
  insert into public.admin_audit_log (actor_id, action, subject_kind, subject_id, subject_label, reason, detail)
  values (auth.uid(), 'credit_limit.set', case when wallet.org_id is null then 'user' else 'org' end,
          coalesce(wallet.user_id, wallet.org_id)::text, wallet.label, why,
          jsonb_build_object('walletId', p_account, 'from', wallet.credit_limit_override::text,
                             'to', p_limit::text, 'inForce', in_force::text));
  return query select a.id, a.credit_limit, a.credit_limit_override, a.postpaid_frozen_at is not null
  from public.accounts a where a.id = p_account;
end
$$;
comment on function public.admin_set_credit_limit(uuid, bigint, text) is
  'Platform admins: sets (or clears, with null) a wallet''s own postpaid credit limit; audited.';

/* Platform admin: a plan's postpaid credit line (null: none), with a reason. */
create function public.plan_set_postpaid_limit(p_plan_id text, p_limit bigint, p_reason text)
returns public.plans
language plpgsql security definer set search_path = ''
as $$
declare
  why text;
  before bigint;
  saved public.plans;
begin
  perform private.assert_platform_admin();
  why := private.admin_reason(p_reason);
  if p_limit is not null and p_limit not between 0 and 1000000000000000 then
    perform private.fail('TG422', 'A credit limit is between 0 and 10^15 micro-credits.',
      jsonb_build_object('field', 'limit'));
  end if;
  select p.postpaid_credit_limit into before from public.plans p where p.id = p_plan_id for update;
  if not found then
    perform private.fail('TG404', 'Plan not found.', jsonb_build_object('planId', p_plan_id));
  end if;
  update public.plans p set postpaid_credit_limit = p_limit where p.id = p_plan_id returning * into saved;
  insert into public.admin_audit_log (actor_id, action, subject_kind, subject_id, subject_label, reason, detail)
  values (auth.uid(), 'plan.credit_limit.set', 'plan', p_plan_id, saved.name, why,
          jsonb_build_object('from', before::text, 'to', p_limit::text));
  return saved;
end
$$;
comment on function public.plan_set_postpaid_limit(text, bigint, text) is
  'Platform admins: sets a plan''s postpaid credit line; wallets on the plan follow at once. Audited.';

/*
 * Platform admin: moves a user or org to a plan (comped plans, migrations) with a reason, through
 * subscription_change (an upgrade at once, a downgrade at the period end), audited.
 */
create function public.admin_set_plan(p_subject_kind text, p_subject_id uuid, p_plan_id text, p_reason text)
returns table (plan_id text, pending_plan_id text, pending_at timestamptz, change text, audit_id bigint)
language plpgsql security definer set search_path = ''
as $$
declare
  why text;
  label text;
  before text;
  changed record;
  audit bigint;
begin
  perform private.assert_platform_admin();
  why := private.admin_reason(p_reason);
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  select s.plan_id into before from public.subscriptions s
  where s.subject_kind = p_subject_kind and s.subject_id = p_subject_id;
  select * into changed from public.subscription_change(p_subject_kind, p_subject_id, p_plan_id);
  select coalesce((select p.email from public.profiles p where p_subject_kind = 'user' and p.id = p_subject_id),
                  (select o.slug from public.organizations o where p_subject_kind = 'org' and o.id = p_subject_id))
  into label;
  insert into public.admin_audit_log (actor_id, action, subject_kind, subject_id, subject_label, reason, detail)
  values (auth.uid(), 'plan.set', p_subject_kind, p_subject_id::text, label, why,
          jsonb_build_object('from', before, 'to', p_plan_id, 'change', changed.change,
                             'pendingAt', changed.pending_at))
  returning id into audit;
  return query select changed.plan_id, changed.pending_plan_id, changed.pending_at, changed.change, audit;
end
$$;
comment on function public.admin_set_plan(text, uuid, text, text) is
  'Platform admins: sets a user''s or org''s plan with a required reason (upgrade now, downgrade at period end); audited.';

/* What the credits pages show of a wallet's credit line. */
create function public.postpaid_summary(p_account uuid)
returns table (credit_limit bigint, configured_limit bigint, override boolean, frozen boolean,
               owed bigint, owed_this_period bigint, period_start timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
declare
  month_start timestamptz := date_trunc('month', private.clock() at time zone 'UTC') at time zone 'UTC';
begin
  if not private.is_trusted() and not (p_account = any (private.readable_accounts())) then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', p_account));
  end if;
  return query
  select a.credit_limit,
         coalesce(a.credit_limit_override, p.postpaid_credit_limit, 0),
         a.credit_limit_override is not null,
         a.postpaid_frozen_at is not null,
         coalesce((select sum(u.amount) from public.postpaid_usage u
                   where u.account_id = a.id and u.settled_by is null), 0)::bigint,
         coalesce((select sum(u.amount) from public.postpaid_usage u
                   where u.account_id = a.id and u.created_at >= month_start), 0)::bigint,
         month_start
  from public.accounts a
  left join lateral private.subject_plan(case when a.org_id is null then 'user' else 'org' end,
                                         coalesce(a.user_id, a.org_id), private.clock()) sp on true
  left join public.plans p on p.id = sp.plan_id
  where a.id = p_account and a.kind <> 'system';
end
$$;
comment on function public.postpaid_summary(uuid) is
  'A wallet''s credit line: in force, configured, admin override, frozen, owed (unsettled) and used this month.';

-- ===================================================================== STRIPE METER
/* Service: claims queued usage rows due for sending (each by one sender; a stale claim is retaken). */
create function public.postpaid_meter_claim(p_limit integer default 100)
returns table (transfer_id bigint, account_id uuid, amount bigint, created_at timestamptz,
               customer_id text, attempts integer)
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  return query
  with due as (
    select u.transfer_id from public.postpaid_usage u
    where u.meter_status = 'queued' and u.meter_next_attempt_at <= now()
      and (u.meter_claimed_at is null or u.meter_claimed_at < now() - interval '5 minutes')
    order by u.meter_next_attempt_at, u.transfer_id
    limit greatest(least(p_limit, 1000), 1)
    for update skip locked
  ), claimed as (
    update public.postpaid_usage u set meter_claimed_at = now()
    from due where u.transfer_id = due.transfer_id
    returning u.transfer_id, u.account_id, u.amount, u.created_at, u.meter_attempts
  )
  select c.transfer_id, c.account_id, c.amount, c.created_at, b.customer_id, c.meter_attempts
  from claimed c left join public.billing_customers b on b.account_id = c.account_id
  order by c.transfer_id;
end
$$;
comment on function public.postpaid_meter_claim(integer) is
  'Service only: claims queued postpaid usage rows for the meter sender.';

create function public.postpaid_meter_sent(p_transfer_id bigint) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.postpaid_usage u
  set meter_status = 'sent', meter_sent_at = coalesce(u.meter_sent_at, now()), meter_claimed_at = null,
      meter_attempts = u.meter_attempts + 1, meter_error = null
  where u.transfer_id = p_transfer_id and u.meter_status = 'queued';
  return found;
end
$$;
comment on function public.postpaid_meter_sent(bigint) is 'Service only: Stripe accepted the usage row''s meter event.';

/* A failed send: retried with backoff (30 s doubling, at most an hour apart). */
create function public.postpaid_meter_failed(p_transfer_id bigint, p_error text) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.postpaid_usage u
  set meter_attempts = u.meter_attempts + 1, meter_claimed_at = null, meter_error = left(p_error, 500),
      meter_next_attempt_at = now() + least(interval '30 seconds' * power(2, least(u.meter_attempts, 10)),
                                            interval '1 hour')
  where u.transfer_id = p_transfer_id and u.meter_status = 'queued';
end
$$;
comment on function public.postpaid_meter_failed(bigint, text) is
  'Service only: records a failed meter event send; the row is retried later.';

-- ===================================================================== INVOICES
/*
 * Service: an invoice was paid. Settles the wallet's postpaid usage it billed (reported to the
 * meter before the invoice's period end) by one transfer from receivable:postpaid into the
 * wallet, once per invoice; lifts the freeze when no unpaid invoice is left. With p_event_id the
 * Stripe event is recorded too, unless the same event was already recorded.
 */
create function public.postpaid_invoice_paid(
  p_invoice_id text, p_customer_id text, p_period_end timestamptz,
  p_event_id text default null, p_event_type text default null
) returns table (account_id uuid, settled bigint, transfer_id bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  wallet uuid;
  total bigint;
  transfer bigint;
  existing public.postpaid_invoices;
begin
  perform private.assert_service();
  if p_invoice_id is null or p_invoice_id !~ '^in_[A-Za-z0-9_]+$' then
    perform private.fail('TG422', 'A Stripe invoice id (in_…) is required.', jsonb_build_object('field', 'invoice_id'));
  end if;
  select c.account_id into wallet from public.billing_customers c where c.customer_id = p_customer_id;
  if wallet is null then
    return query select null::uuid, 0::bigint, null::bigint, false;
    return;
  end if;
  perform private.settle_wallet(wallet);
  select * into existing from public.postpaid_invoices i where i.invoice_id = p_invoice_id for update;
  if existing.status = 'paid' then
    return query select existing.account_id, existing.settled, existing.transfer_id, true;
    return;
  end if;

  select coalesce(sum(u.amount), 0) into total from public.postpaid_usage u
  where u.account_id = wallet and u.settled_by is null and u.meter_status = 'sent'
    and u.created_at < coalesce(p_period_end, 'infinity');
  if total > 0 then
    insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                  metadata, key_account_id, idempotency_key)
    values (private.system_account('receivable:postpaid'), wallet, total, 'settlement', 'other',
            'Postpaid usage paid (invoice ' || p_invoice_id || ')',
            jsonb_build_object('invoiceId', p_invoice_id), wallet, 'postpaid-invoice:' || p_invoice_id)
    returning id into transfer;
    update public.postpaid_usage u set settled_by = transfer, settled_invoice_id = p_invoice_id
    where u.account_id = wallet and u.settled_by is null and u.meter_status = 'sent'
      and u.created_at < coalesce(p_period_end, 'infinity');
    perform private.add_lot(wallet, total, 'settlement', (-100)::smallint, null, transfer);
    -- The new lot pays for the debits the line carried, at once.
    perform private.allocate(wallet);
  end if;
  if total > 0 or existing.invoice_id is not null then
    insert into public.postpaid_invoices as i (invoice_id, account_id, status, settled, transfer_id)
    values (p_invoice_id, wallet, 'paid', total, transfer)
    on conflict (invoice_id) do update
      set status = 'paid', settled = excluded.settled, transfer_id = excluded.transfer_id, updated_at = now();
  end if;
  perform private.refresh_credit_limit(wallet);
  if p_event_id is not null then
    insert into public.stripe_events (id, type, status, detail)
    values (p_event_id, left(p_event_type, 100), 'processed',
            format('Postpaid usage settled: %s micro-credits.', total))
    on conflict (id) do nothing;
  end if;
  return query select wallet, total, transfer, false;
end
$$;
comment on function public.postpaid_invoice_paid(text, text, timestamptz, text, text) is
  'Service only (invoice.paid): settles the postpaid usage an invoice billed, once per invoice, and lifts the freeze.';

/* Service: an invoice that billed postpaid usage failed; the wallet's credit line freezes. */
create function public.postpaid_invoice_failed(
  p_invoice_id text, p_customer_id text, p_period_end timestamptz,
  p_event_id text default null, p_event_type text default null
) returns table (account_id uuid, frozen boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  wallet uuid;
begin
  perform private.assert_service();
  if p_invoice_id is null or p_invoice_id !~ '^in_[A-Za-z0-9_]+$' then
    perform private.fail('TG422', 'A Stripe invoice id (in_…) is required.', jsonb_build_object('field', 'invoice_id'));
  end if;
  select c.account_id into wallet from public.billing_customers c where c.customer_id = p_customer_id;
  if wallet is null or not exists (
    select 1 from public.postpaid_usage u
    where u.account_id = wallet and u.settled_by is null and u.meter_status = 'sent'
      and u.created_at < coalesce(p_period_end, 'infinity')
  ) then
    return query select wallet, false;
    return;
  end if;
  perform 1 from public.accounts a where a.id = wallet for no key update;
  insert into public.postpaid_invoices as i (invoice_id, account_id, status)
  values (p_invoice_id, wallet, 'failed')
  on conflict (invoice_id) do nothing;
  if found and private.refresh_credit_limit(wallet) = 0 then
    perform private.notify_wallet_managers(wallet, 'billing.postpaid_frozen',
      'Pay-as-you-go spending is paused',
      'An invoice for pay-as-you-go usage could not be paid. Spending past your credits resumes once it is paid.');
  end if;
  if p_event_id is not null then
    insert into public.stripe_events (id, type, status, detail)
    values (p_event_id, left(p_event_type, 100), 'processed', 'Postpaid credit line frozen.')
    on conflict (id) do nothing;
  end if;
  return query select wallet, true;
end
$$;
comment on function public.postpaid_invoice_failed(text, text, timestamptz, text, text) is
  'Service only (invoice.payment_failed): freezes the credit line of a wallet whose postpaid invoice failed.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.refresh_credit_limit(uuid),
  private.subscription_credit_line(), private.plan_credit_line(), private.admin_reason(text),
  private.assert_platform_admin()
from public, anon, authenticated, service_role;

revoke all on function
  public.admin_set_credit_limit(uuid, bigint, text),
  public.plan_set_postpaid_limit(text, bigint, text),
  public.admin_set_plan(text, uuid, text, text),
  public.postpaid_summary(uuid),
  public.postpaid_meter_claim(integer),
  public.postpaid_meter_sent(bigint),
  public.postpaid_meter_failed(bigint, text),
  public.postpaid_invoice_paid(text, text, timestamptz, text, text),
  public.postpaid_invoice_failed(text, text, timestamptz, text, text)
from public, anon, authenticated;

-- Checked inside: platform admins change; the wallet's readers read.
grant execute on function
  public.admin_set_credit_limit(uuid, bigint, text),
  public.plan_set_postpaid_limit(text, bigint, text),
  public.admin_set_plan(text, uuid, text, text),
  public.postpaid_summary(uuid)
to authenticated;

grant execute on function
  public.admin_set_credit_limit(uuid, bigint, text),
  public.plan_set_postpaid_limit(text, bigint, text),
  public.admin_set_plan(text, uuid, text, text),
  public.postpaid_summary(uuid),
  public.postpaid_meter_claim(integer),
  public.postpaid_meter_sent(bigint),
  public.postpaid_meter_failed(bigint, text),
  public.postpaid_invoice_paid(text, text, timestamptz, text, text),
  public.postpaid_invoice_failed(text, text, timestamptz, text, text)
to service_role;

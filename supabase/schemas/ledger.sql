-- Credit ledger, part 1: tables, indexes, RLS and immutability.
--
-- The TigerBeetle model in SQL. Accounts are user wallets, org wallets and system accounts.
-- A transfer debits one account and credits another, immutably, in micro-credits
-- (1 credit = 1,000,000). Wallets cache credits_posted / debits_posted / debits_pending;
-- system accounts cache nothing (their balance is the sum of their transfers), so no system
-- row becomes a hot spot that every spend must lock.
--
-- Every credit that enters a wallet is a lot (purchase, plan, promo, admin, refund, transfer)
-- with a priority and an optional expiry. Spending burns lots by priority, then soonest expiry,
-- then oldest. To keep the hot path to one insert and one guarded update, a spend only adds to
-- the wallet's debits_unallocated; the wallet's lots are burned for those debits, in burn order,
-- the next time a lot-level answer is needed (a grant, a transfer, an expiry), under the same
-- wallet lock. lot_burns records every burn. Holds (pending transfers) reserve an amount of the
-- wallet (debits_pending) until they are posted, voided or expire.
--
-- Nobody writes these tables directly: authenticated users may read their own rows, the
-- service role reads all, and only the SECURITY DEFINER functions below write.

-- ===================================================================== CLOCK
-- Tests may move the clock, but only on a database where a superuser inserted the row below;
-- anywhere else `tollgate.clock` is ignored, so no caller can fake the time.
create table private.test_clock (enabled boolean primary key default true check (enabled));
comment on table private.test_clock is 'A row here (superuser only) lets private.clock() honour tollgate.clock. Never in production.';
revoke all on private.test_clock from public, anon, authenticated, service_role;

create function private.clock() returns timestamptz
language sql stable set search_path = ''
as $$
  select case
    when coalesce(current_setting('tollgate.clock', true), '') = '' then now()
    when exists (select 1 from private.test_clock) then current_setting('tollgate.clock')::timestamptz
    else now()
  end
$$;
comment on function private.clock() is 'now(), or the test clock on a database that explicitly allows it.';

-- ===================================================================== TABLES
create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('user_wallet', 'org_wallet', 'system')),
  user_id uuid unique references public.profiles (id) on delete restrict,
  org_id uuid unique references public.organizations (id) on delete restrict,
  system_code text unique,
  credits_posted bigint not null default 0 check (credits_posted >= 0),
  debits_posted bigint not null default 0 check (debits_posted >= 0),
  debits_pending bigint not null default 0 check (debits_pending >= 0),
  -- Posted debits not yet burned from lots (see private.allocate).
  debits_unallocated bigint not null default 0 check (debits_unallocated >= 0 and debits_unallocated <= debits_posted),
  -- Earliest moment a hold or lot of this wallet expires: before it, the cached totals are exact.
  next_expiry_at timestamptz,
  frozen_at timestamptz,
  frozen_reason text check (frozen_reason is null or char_length(frozen_reason) <= 500),
  created_at timestamptz not null default now(),
  -- The armed auto-recharge threshold (billing), read by the spend hot path in the same row it
  -- updates. Null when auto-recharge is off or a recharge is already in flight (single flight).
  auto_recharge_below bigint check (auto_recharge_below is null or auto_recharge_below > 0),
  -- The armed alert level (alerts), read by the spend hot path in the same row it updates.
  alert_below bigint,
  -- Pay-as-you-go (postpaid.sql): how far below zero the wallet may spend, read by the spend's
  -- guard in the same row it updates. The plan's line or a platform admin's override; 0 when the
  -- wallet has none or an unpaid invoice froze it (postpaid_frozen_at).
  credit_limit bigint not null default 0 check (credit_limit between 0 and 1000000000000000),
  credit_limit_override bigint check (credit_limit_override between 0 and 1000000000000000),
  postpaid_frozen_at timestamptz,
  constraint accounts_owner check (
    (kind = 'user_wallet' and user_id is not null and org_id is null and system_code is null)
    or (kind = 'org_wallet' and org_id is not null and user_id is null and system_code is null)
    or (kind = 'system' and system_code is not null and user_id is null and org_id is null)
  ),
  -- A wallet never goes below zero, or below minus its credit line (a frozen line stops where it
  -- was); system accounts (issuance) are negative by design.
  constraint accounts_wallet_not_negative check (
    kind = 'system' or credits_posted - debits_posted - debits_pending + credit_limit >= 0
    or postpaid_frozen_at is not null
  )
)
-- Every spend rewrites its wallet row; free space on each page keeps those updates HOT (no index
-- writes) instead of moving the row to another page.
with (fillfactor = 80);
comment on column public.accounts.auto_recharge_below is
  'Armed auto-recharge threshold; a spend leaving less available requests one recharge and disarms it.';
comment on column public.accounts.credit_limit is
  'Postpaid credit line in force: available may go down to minus this. 0 without a line or while frozen.';
comment on column public.accounts.alert_below is
  'Available balance below which the next alert not yet raised this period fires; null when none is armed.';
comment on table public.accounts is
  'Ledger accounts: one wallet per user and per org, plus system accounts (issuance, revenue, expired, refunded).';
comment on column public.accounts.next_expiry_at is
  'Earliest expiry among pending holds and live lots; operations sweep the wallet first once it has passed.';

create table public.transfers (
  id bigint generated always as identity primary key,
  -- Accounts are not foreign keys on purpose: a FK check share-locks the referenced row, and every
  -- spend references the same revenue account. The writing functions validate both accounts, and
  -- ledger_check() proves that every referenced account exists.
  debit_account_id uuid not null,
  credit_account_id uuid not null,
  amount bigint not null check (amount > 0),
  kind text not null check (kind in
    ('grant', 'spend', 'hold_post', 'transfer', 'refund', 'expire', 'clawback', 'adjustment', 'settlement')),
  category text not null check (category in
    ('ai_usage', 'marketplace', 'premium_feature', 'subscription', 'transfer', 'other')),
  description text check (description is null or char_length(description) <= 500),
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 8192),
  actor_id uuid,
  -- The wallet the transfer is filed under (history) and its idempotency key belongs to: a
  -- retry with the same key returns this transfer.
  key_account_id uuid not null,
  idempotency_key text not null check (char_length(idempotency_key) between 1 and 255),
  hold_id bigint,
  refund_of bigint references public.transfers (id),
  created_at timestamptz not null default private.clock(),
  -- The API key a call was made with (a settled hold copies it from the hold); null otherwise.
  api_key_id uuid,
  constraint transfers_distinct_accounts check (debit_account_id <> credit_account_id),
  constraint transfers_idempotency unique (key_account_id, idempotency_key)
);
comment on table public.transfers is
  'Immutable double-entry transfers in micro-credits. Update, delete and truncate are refused for every role.';

create table public.lots (
  id bigint generated always as identity primary key,
  account_id uuid not null references public.accounts (id) on delete restrict,
  source text not null check (source in ('purchase', 'plan', 'promo', 'admin', 'refund', 'transfer', 'settlement')),
  amount bigint not null check (amount > 0),
  remaining bigint not null check (remaining >= 0 and remaining <= amount),
  -- Higher priority burns first: plan allowance, then promo, then admin, then purchased credits.
  priority smallint not null default 0 check (priority between -100 and 100),
  expires_at timestamptz,
  expired_at timestamptz,
  origin_transfer_id bigint not null references public.transfers (id),
  created_at timestamptz not null default private.clock()
);
comment on table public.lots is
  'Credit grants (lots). remaining is what is not yet burned; burns (spends, transfers, expiry) are recorded in lot_burns.';

create table public.lot_burns (
  id bigint generated always as identity primary key,
  account_id uuid not null references public.accounts (id) on delete restrict,
  lot_id bigint not null references public.lots (id),
  amount bigint not null check (amount > 0),
  -- The transfer that burned it (transfer, expire, clawback); null for the batched burn of
  -- spends and posted holds, which debits_unallocated accounted for until then.
  transfer_id bigint references public.transfers (id),
  created_at timestamptz not null default private.clock()
);
comment on table public.lot_burns is 'Every burn of a lot: how much, and by which transfer or batch of spends. Immutable.';

create table public.holds (
  id bigint generated always as identity primary key,
  account_id uuid not null references public.accounts (id) on delete restrict,
  amount bigint not null check (amount > 0),
  category text not null check (category in
    ('ai_usage', 'marketplace', 'premium_feature', 'subscription', 'transfer', 'other')),
  description text check (description is null or char_length(description) <= 500),
  metadata jsonb not null default '{}'::jsonb
    check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 8192),
  actor_id uuid,
  idempotency_key text not null check (char_length(idempotency_key) between 1 and 255),
  status text not null default 'pending' check (status in ('pending', 'posted', 'voided', 'expired')),
  expires_at timestamptz not null,
  -- What the hold still reserves: its amount, less what expired credits can no longer back.
  reserved bigint not null check (reserved >= 0 and reserved <= amount),
  requested_amount bigint check (requested_amount >= 0),
  posted_amount bigint check (posted_amount >= 0),
  shortfall bigint not null default 0 check (shortfall >= 0),
  transfer_id bigint references public.transfers (id),
  created_at timestamptz not null default private.clock(),
  resolved_at timestamptz,
  -- The API key the hold was placed with (set by api_keys.sql's after_debit handler); null otherwise.
  api_key_id uuid,
  constraint holds_idempotency unique (account_id, idempotency_key)
);
comment on table public.holds is
  'Two-phase spending: a pending reservation with an expiry, later posted (by the real amount), voided or expired.';
comment on column public.holds.shortfall is 'Usage above what the wallet could pay when the hold was settled.';

/*
 * Pay-as-you-go. A wallet with a credit line (accounts.credit_limit) may spend below zero; each
 * spend or posted hold that takes its posted balance below zero records the part past zero here,
 * one row per ledger transfer. The row is the receivable: reported to Stripe's meter (postpaid.sql,
 * the meter_* columns), billed on the next invoice, and settled when that invoice is paid by a
 * transfer from `receivable:postpaid` into the wallet (settled_by).
 */
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

-- ===================================================================== INDEXES
create index postpaid_usage_account_idx on public.postpaid_usage (account_id, created_at)
  where settled_by is null;
create index postpaid_usage_meter_due_idx on public.postpaid_usage (meter_next_attempt_at)
  where meter_status = 'queued';
create index postpaid_usage_settled_by_idx on public.postpaid_usage (settled_by) where settled_by is not null;
create index accounts_next_expiry_idx on public.accounts (next_expiry_at) where next_expiry_at is not null;
-- History: every transfer is filed under the wallet it belongs to (key_account_id); the
-- receiving wallet of a wallet-to-wallet transfer also finds it through the partial index.
create index transfers_history_idx on public.transfers (key_account_id, created_at desc, id desc);
create index transfers_received_idx on public.transfers (credit_account_id, created_at desc, id desc)
  where kind = 'transfer';
create index transfers_refund_of_idx on public.transfers (refund_of) where refund_of is not null;
create index transfers_hold_idx on public.transfers (hold_id) where hold_id is not null;
create index lots_burn_order_idx on public.lots (account_id, priority desc, expires_at asc nulls last, id)
  where remaining > 0;
create index lots_account_idx on public.lots (account_id, created_at desc);
create index lots_origin_idx on public.lots (origin_transfer_id);
create index lot_burns_lot_idx on public.lot_burns (lot_id);
create index lot_burns_account_idx on public.lot_burns (account_id);
create index lot_burns_transfer_idx on public.lot_burns (transfer_id) where transfer_id is not null;
create index holds_pending_idx on public.holds (account_id, expires_at) where status = 'pending';

-- ===================================================================== IMMUTABILITY
create function private.refuse_change() returns trigger
language plpgsql set search_path = ''
as $$
begin
  raise exception '% is append-only: % is not allowed', tg_table_name, lower(tg_op)
    using errcode = '42501';
end
$$;
comment on function private.refuse_change() is 'Trigger: the ledger is append-only for every role, superusers included.';

create trigger transfers_immutable before update or delete on public.transfers
  for each row execute function private.refuse_change();
create trigger transfers_no_truncate before truncate on public.transfers
  for each statement execute function private.refuse_change();
create trigger lot_burns_immutable before update or delete on public.lot_burns
  for each row execute function private.refuse_change();
create trigger lot_burns_no_truncate before truncate on public.lot_burns
  for each statement execute function private.refuse_change();

-- ===================================================================== RLS
alter table public.accounts enable row level security;
alter table public.transfers enable row level security;
alter table public.lots enable row level security;
alter table public.lot_burns enable row level security;
alter table public.holds enable row level security;
alter table public.postpaid_usage enable row level security;

revoke all on public.accounts, public.transfers, public.lots, public.lot_burns, public.holds
  from public, anon, authenticated, service_role;
grant select on public.accounts, public.transfers, public.lots, public.holds to authenticated;
grant select on public.accounts, public.transfers, public.lots, public.lot_burns, public.holds
  to service_role;
revoke all on public.postpaid_usage from public, anon, authenticated, service_role;
grant select on public.postpaid_usage to authenticated, service_role;

-- The wallets the caller may read: their own, and those of orgs they belong to. Evaluated once
-- per statement (initplan) so policies stay index-friendly on large histories.
create function private.readable_accounts() returns uuid[]
language sql stable security definer set search_path = ''
as $$
  select coalesce(array_agg(a.id), '{}')
  from public.accounts a
  where a.user_id = (select auth.uid())
     or a.org_id in (select m.org_id from public.organization_members m where m.user_id = (select auth.uid()))
$$;
comment on function private.readable_accounts() is 'Wallet ids the caller may read (own + their orgs).';
revoke all on function private.readable_accounts() from public, anon;
grant execute on function private.readable_accounts() to authenticated, service_role;

-- System accounts are public knowledge (their names label history rows); wallets are private.
create policy accounts_select on public.accounts for select to authenticated
  using (kind = 'system' or id = any ((select private.readable_accounts())::uuid[]));
create policy transfers_select on public.transfers for select to authenticated
  using (debit_account_id = any ((select private.readable_accounts())::uuid[])
      or credit_account_id = any ((select private.readable_accounts())::uuid[]));
create policy lots_select on public.lots for select to authenticated
  using (account_id = any ((select private.readable_accounts())::uuid[]));
create policy holds_select on public.holds for select to authenticated
  using (account_id = any ((select private.readable_accounts())::uuid[]));
create policy postpaid_usage_select on public.postpaid_usage for select to authenticated
  using (account_id = any ((select private.readable_accounts())::uuid[]));
-- lot_burns: no policy for authenticated (internal bookkeeping; see public.credit_lots).

-- ===================================================================== SYSTEM ACCOUNTS
-- Deterministic ids, so functions name a system account without looking it up.
create function private.system_account(code text) returns uuid
language sql immutable parallel safe set search_path = ''
as $$ select md5('tollgate-system-account:' || code)::uuid $$;
comment on function private.system_account(text) is 'The fixed id of a system account, e.g. revenue:ai_usage.';

insert into public.accounts (id, kind, system_code)
select private.system_account(code), 'system', code
from unnest(array[
  'issuance:purchase', 'issuance:plan', 'issuance:promo', 'issuance:admin',
  'revenue:ai_usage', 'revenue:marketplace', 'revenue:premium_feature', 'revenue:subscription',
  'revenue:transfer', 'revenue:other', 'expired', 'refunded', 'receivable:postpaid'
]) as code;

-- ===================================================================== WALLET CREATION
create function private.create_user_wallet() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.accounts (kind, user_id) values ('user_wallet', new.id);
  return new;
end
$$;

create function private.create_org_wallet() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.accounts (kind, org_id) values ('org_wallet', new.id);
  return new;
end
$$;

create trigger profiles_create_wallet after insert on public.profiles
  for each row execute function private.create_user_wallet();
create trigger organizations_create_wallet after insert on public.organizations
  for each row execute function private.create_org_wallet();

-- Credit ledger, part 2: the functions through which all value moves.
--
-- Each public function is one call, atomic, SECURITY DEFINER with an empty search_path, checks
-- its caller inside, and is idempotent: a key is unique per wallet, a retry returns the first
-- result, and the same key with a different amount or wallet is a conflict (TG409).
--
-- Errors use SQLSTATE class TG (mapped to HTTP by lib/api): TG402 insufficient credits,
-- TG403 forbidden, TG404 not found, TG409 idempotency conflict, TG422 invalid input. The HINT
-- carries a JSON object with details (for example needed and available).
--
-- Other domains attach behaviour through three hooks the ledger calls under the wallet lock,
-- defined with their handlers in hooks.sql: private.after_debit (take_credits, the spend fast
-- path and transfers out), private.after_credit (add_lot) and private.after_hold_end
-- (credit_settle, credit_void).

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
 * they belong to; trusted callers may spend any wallet. Fails TG404 (strangers learn nothing).
 */
create function private.assert_can_spend(account uuid) returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  target record;
begin
  select a.kind, a.user_id, a.org_id into target from public.accounts a where a.id = account;
  if not found or target.kind = 'system'
     or (not private.is_trusted()
         and target.user_id is distinct from (select auth.uid())
         and not (target.org_id is not null and private.is_org_member(target.org_id))) then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
  end if;
end
$$;

/*
 * Burns the wallet's unallocated debits (spends and posted holds since the last burn) from its
 * lots in burn order: priority, then soonest expiry, then oldest. Caller holds the wallet lock.
 * Every lot with something left is eligible: the hot path stops as soon as any such lot is due,
 * so each unallocated debit was made while those lots were live.
 */
create function private.allocate(account uuid) returns void
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

/*
 * Burns `amount` from the wallet's lots now, for one transfer (wallet-to-wallet moves keep
 * each lot's expiry and priority). Caller holds the lock and has allocated and swept the wallet.
 */
create function private.burn_now(account uuid, amount bigint, transfer bigint)
returns table (lot_id bigint, burned bigint, priority smallint, expires_at timestamptz)
language plpgsql security definer set search_path = ''
as $$
begin
  return query
  with ordered as (
    select l.id, l.remaining, l.priority, l.expires_at,
           (sum(l.remaining) over (order by l.priority desc, l.expires_at asc nulls last, l.id)
             - l.remaining)::bigint as before
    from public.lots l
    where l.account_id = account and l.remaining > 0
  ), portions as (
    select o.id, least(o.remaining, amount - o.before) as amount, o.priority, o.expires_at
    from ordered o where o.before < amount
  ), updated as (
    update public.lots l set remaining = l.remaining - p.amount
    from portions p where l.id = p.id
    returning l.id, p.amount, p.priority, p.expires_at
  ), recorded as (
    insert into public.lot_burns (account_id, lot_id, amount, transfer_id)
    select account, u.id, u.amount, transfer from updated u
  )
  select u.id, u.amount, u.priority, u.expires_at from updated u;
end
$$;

/*
 * Expires what is due in one wallet (caller holds its lock): burns unallocated debits first,
 * releases pending holds past their expiry, moves each expired lot's remainder to the `expired`
 * account, and, when expired credits backed pending holds, shrinks those holds' reservations so
 * the wallet never shows more reserved than it holds.
 */
create function private.sweep_account(account uuid, at timestamptz) returns void
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
 * The one place credits leave a wallet's available balance: as a posted debit (`hold` null,
 * burned from lots later by allocate) or as hold `hold`'s reservation.
 * Fast path: a single guarded UPDATE when nothing in the wallet is due. Otherwise lock, sweep,
 * and decide on exact numbers. Refuses with TG402 (needed, available) and writes nothing.
 * Then the private.after_debit hook (hooks.sql), still under the row lock. Returns what is
 * available afterwards.
 */
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

/*
 * Adds a lot to a wallet; the caller holds the wallet lock and has allocated it. Every credit
 * that enters a wallet passes here, then through the private.after_credit hook (hooks.sql).
 */
create function private.add_lot(
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

/* Locks a wallet, burns its unallocated debits and expires what is due: exact lots follow. */
create function private.settle_wallet(account uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform 1 from public.accounts a where a.id = account for no key update;
  perform private.allocate(account);
  perform private.sweep_if_due(account);
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

/*
 * A debit of `amount` (transfer `transfer`) left the wallet below zero: records the part of it
 * past zero of the posted balance as postpaid usage. Caller holds the wallet lock. A hold's
 * reservation is not usage; its posting is.
 */
create function private.record_postpaid_usage(account uuid, amount bigint, transfer bigint) returns void
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

  -- Earlier spends burn the lots that existed when they were made, not this new one.
  perform private.settle_wallet(p_account);
  lot := private.add_lot(p_account, p_amount, p_source,
                         coalesce(p_priority, private.default_priority(p_source)), p_expires_at, transfer);
  return query select transfer, lot, private.available(p_account), false;
end
$$;
comment on function public.credit_grant(uuid, bigint, text, text, timestamptz, smallint, text, jsonb, text) is
  'Service only. Issues credits into a wallet as a new lot (source, optional expiry and priority).';

-- ===================================================================== SPEND
-- The hot path, written out in one function: checks, one insert, one guarded update, and the
-- private.after_debit hook under the row lock that update took.
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

/* Ends a pending hold's reservation (status set by the caller's next update). */
create function private.release_hold(hold public.holds, new_status text) returns bigint
language plpgsql security definer set search_path = ''
as $$
begin
  update public.holds h set status = new_status, reserved = 0, resolved_at = private.clock()
  where h.id = hold.id;
  update public.accounts a set debits_pending = a.debits_pending - hold.reserved
  where a.id = hold.account_id;
  return hold.reserved;
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
                                  metadata, actor_id, key_account_id, idempotency_key, hold_id, api_key_id)
    values (hold.account_id, private.system_account('revenue:' || hold.category), charge, 'hold_post',
            hold.category, hold.description,
            hold.metadata || jsonb_build_object('held', hold.amount::text, 'actual', p_actual::text),
            hold.actor_id, hold.account_id, 'hold:' || hold.id, hold.id, hold.api_key_id)
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

create function public.credit_void(p_hold_id bigint)
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
  wallet public.accounts;
  left_over bigint;
  is_frozen boolean;
  moved record;
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

  -- Both wallets locked in one order, so opposite transfers cannot deadlock; both allocated, so
  -- the lots moved are exactly the ones next in burn order.
  perform 1 from public.accounts a where a.id in (p_from, p_to) order by a.id for no key update;
  perform private.settle_wallet(p_from);
  perform private.settle_wallet(p_to);
  update public.accounts a set debits_posted = a.debits_posted + p_amount
  where a.id = p_from and a.frozen_at is null and a.credits_posted - a.debits_posted - a.debits_pending >= p_amount
  returning a.* into wallet;
  if not found then
    select a.credits_posted - a.debits_posted - a.debits_pending, a.frozen_at is not null
    into left_over, is_frozen from public.accounts a where a.id = p_from;
    if is_frozen then
      perform private.fail('TG403', 'Spending from this wallet is frozen while a payment dispute is open.',
        jsonb_build_object('wallet', p_from, 'reason', 'frozen'));
    end if;
    perform private.fail('TG402',
      format('Insufficient credits: %s micro-credits needed, %s available.', p_amount, left_over),
      jsonb_build_object('needed', p_amount::text, 'available', left_over::text, 'wallet', p_from));
  end if;
  -- Money leaving a wallet by transfer is a debit like a spend: a member's limit on an org wallet
  -- counts it (and refuses it past the limit), alerts and auto-recharge see it at once.
  perform private.after_debit(wallet, p_amount, null);
  left_over := wallet.credits_posted - wallet.debits_posted - wallet.debits_pending;
  for moved in select * from private.burn_now(p_from, p_amount, transfer) loop
    perform private.add_lot(p_to, moved.burned, 'transfer', moved.priority, moved.expires_at, transfer);
  end loop;
  return query select transfer, p_amount, left_over, false;
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
  perform private.settle_wallet(original.debit_account_id);
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
/*
 * A wallet's lots as the next sweep would leave them, without writing: unallocated debits
 * burned in order, and `live` false for lots past their expiry.
 */
create function private.effective_lots(account uuid, at timestamptz)
returns table (id bigint, source text, amount bigint, remaining bigint, priority smallint,
               expires_at timestamptz, created_at timestamptz, live boolean)
language sql stable security definer set search_path = ''
as $$
  with unallocated as (
    select a.debits_unallocated as debits from public.accounts a where a.id = account
  ), ordered as (
    select l.*, coalesce(sum(l.remaining) over (
             order by l.priority desc, l.expires_at asc nulls last, l.id
             rows between unbounded preceding and 1 preceding), 0)::bigint as before
    from public.lots l where l.account_id = account
  )
  select o.id, o.source, o.amount,
         o.remaining - least(o.remaining, greatest((select debits from unallocated) - o.before, 0)),
         o.priority, o.expires_at, o.created_at, (o.expires_at is null or o.expires_at > at)
  from ordered o
$$;

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

create function public.credit_lots(p_account uuid)
returns table (id bigint, source text, amount bigint, remaining bigint, priority smallint,
               expires_at timestamptz, created_at timestamptz, live boolean)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.is_trusted() and not (p_account = any (private.readable_accounts())) then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', p_account));
  end if;
  return query select * from private.effective_lots(p_account, private.clock()) order by 5 desc, 6 asc nulls last, 1;
end
$$;
comment on function public.credit_lots(uuid) is 'A wallet''s lots with what each still holds, in burn order.';

create function public.ledger_check()
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

-- ===================================================================== GROUP COMMIT
/*
 * One item of a group commit (credit_batch): calls the public function the item names, as the
 * current role, and returns its row as JSON. It runs with the caller's own privileges and
 * switches nothing, so it gives nobody more than calling those functions directly.
 */
create function private.credit_batch_item(v jsonb) returns jsonb
language plpgsql set search_path = ''
as $$
declare
  r record;
begin
  case v ->> 'op'
    when 'spend' then
      select * into r from public.credit_spend((v ->> 'wallet')::uuid, (v ->> 'amount')::bigint,
        v ->> 'category', v ->> 'key', v ->> 'description', coalesce(v -> 'metadata', '{}'::jsonb)) s;
    when 'reserve' then
      select * into r from public.credit_reserve((v ->> 'wallet')::uuid, (v ->> 'amount')::bigint,
        v ->> 'category', v ->> 'key', (v ->> 'ttl')::integer, v ->> 'description',
        coalesce(v -> 'metadata', '{}'::jsonb)) s;
    when 'settle' then
      select * into r from public.credit_settle((v ->> 'hold')::bigint, (v ->> 'actual')::bigint) s;
    when 'void' then
      select * into r from public.credit_void((v ->> 'hold')::bigint) s;
    else
      perform private.fail('TG422', 'Unknown batch operation.', jsonb_build_object('field', 'op'));
  end case;
  return to_jsonb(r);
end
$$;
comment on function private.credit_batch_item(jsonb) is
  'One group-commit item: the named ledger call as the current role, its row as JSON.';

/*
 * Group commit: many value moves of one process in one call and one transaction, so they share
 * one commit (lib/credits gathers them while the previous batch commits). `p_items` is a JSON
 * array; each item is one call of credit_spend, credit_reserve, credit_settle or credit_void:
 *
 *   {"op": "spend",   "claims": {…}?, "wallet", "amount", "category", "key", "description"?, "metadata"?}
 *   {"op": "reserve", "claims": {…}?, "wallet", "amount", "category", "key", "ttl", "description"?, "metadata"?}
 *   {"op": "settle",  "hold", "actual"}          {"op": "void", "hold"}
 *
 * Each item runs the public function itself, as the role its caller would have used: with
 * `claims`, as `authenticated` with those (verified) JWT claims, so every check inside sees that
 * user exactly as withUser does; without, as `service_role`. Items are taken in wallet order (a
 * hold's wallet for settle and void), so two batches lock the wallets they share in one order.
 *
 * One failing item never fails its neighbours. The batch first runs every item in one
 * subtransaction (the common case: nothing refused, no per-item cost); if any item raises, that
 * attempt is undone and each item runs again in its own subtransaction, so a refused item
 * (insufficient credits, an idempotency conflict, a deadlock with another instance) rolls back
 * alone and reports its SQLSTATE, message and hint, and its neighbours commit.
 *
 * Not security definer (a role switch is not allowed there); only the service may call it, and
 * it switches back before returning.
 */
create function public.credit_batch(p_items jsonb)
returns table (idx integer, transfer_id bigint, hold_id bigint, amount bigint, expires_at timestamptz,
               posted bigint, released bigint, shortfall bigint, available bigint, replayed boolean,
               error_code text, error_message text, error_hint text)
language plpgsql set search_path = ''
as $$
declare
  caller_role text := current_setting('role');
  caller_claims text := coalesce(current_setting('request.jwt.claims', true), '');
  service_claims text := '{"role":"service_role"}';
  items jsonb[];
  outcomes jsonb[];
  acting text;
  acting_role text;
  one_by_one boolean := false;
  i integer;
  code text;
  message text;
  hint text;
begin
  if jsonb_typeof(p_items) is distinct from 'array' then
    perform private.fail('TG422', 'A batch is a JSON array of items.', jsonb_build_object('field', 'items'));
  end if;
  select array_agg(e.value || jsonb_build_object('idx', e.ordinality)
                   order by coalesce((e.value ->> 'wallet')::uuid, h.account_id), e.ordinality)
  into items
  from jsonb_array_elements(p_items) with ordinality e
  left join public.holds h on e.value ? 'hold' and h.id = (e.value ->> 'hold')::bigint;

  begin
    outcomes := '{}';
    for i in 1 .. coalesce(array_length(items, 1), 0) loop
      -- Switched only when the caller changes (a hot wallet's items are mostly one user's).
      acting := coalesce((items[i] -> 'claims')::text, service_claims);
      acting_role := case when items[i] ? 'claims' then 'authenticated' else 'service_role' end;
      if acting is distinct from current_setting('request.jwt.claims', true) or acting_role <> current_setting('role') then
        perform set_config('role', acting_role, true), set_config('request.jwt.claims', acting, true);
      end if;
      outcomes := outcomes || (private.credit_batch_item(items[i]) || jsonb_build_object('idx', items[i] -> 'idx'));
    end loop;
  exception when others then
    one_by_one := true;
  end;

  if one_by_one then
    outcomes := '{}';
    for i in 1 .. coalesce(array_length(items, 1), 0) loop
      begin
        acting := coalesce((items[i] -> 'claims')::text, service_claims);
        acting_role := case when items[i] ? 'claims' then 'authenticated' else 'service_role' end;
        if acting is distinct from current_setting('request.jwt.claims', true) or acting_role <> current_setting('role') then
          perform set_config('role', acting_role, true), set_config('request.jwt.claims', acting, true);
        end if;
        outcomes := outcomes || (private.credit_batch_item(items[i]) || jsonb_build_object('idx', items[i] -> 'idx'));
      exception when others then
        get stacked diagnostics code = returned_sqlstate, message = message_text, hint = pg_exception_hint;
        outcomes := outcomes || jsonb_build_object('idx', items[i] -> 'idx', 'error_code', code,
          'error_message', message, 'error_hint', nullif(hint, ''));
      end;
    end loop;
  end if;

  perform set_config('role', caller_role, true), set_config('request.jwt.claims', caller_claims, true);
  return query
  select x.idx, x.transfer_id, x.hold_id, x.amount, x.expires_at, x.posted, x.released, x.shortfall,
         x.available, x.replayed, x.error_code, x.error_message, x.error_hint
  from unnest(outcomes) o,
       jsonb_to_record(o) as x(idx integer, transfer_id bigint, hold_id bigint, amount bigint,
                               expires_at timestamptz, posted bigint, released bigint, shortfall bigint,
                               available bigint, replayed boolean, error_code text, error_message text,
                               error_hint text);
end
$$;
comment on function public.credit_batch(jsonb) is
  'Service only: group commit of spends, holds, settlements and voids, each as its caller and with its own outcome.';

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
  public.credit_lots(uuid),
  public.ledger_check()
from public, anon, authenticated;

-- Settling and voiding a hold are the server's word on what a reserved call really cost, so only
-- trusted code (service_role) may do them. A signed-in user could otherwise call
-- credit_settle(hold, 0) or credit_void(hold) through the Data API on their own AI hold, after
-- the model answered and before the gateway settled, and never pay for the call. Users still
-- reserve as themselves (the reservation checks their right to spend from the wallet); a hold
-- nobody settles expires on its own.
grant execute on function
  public.credit_spend(uuid, bigint, text, text, text, jsonb),
  public.credit_reserve(uuid, bigint, text, text, integer, text, jsonb),
  public.credit_transfer(uuid, uuid, bigint, text, text),
  public.credit_refund(bigint, bigint, text, text),
  public.credit_summary(uuid),
  public.credit_lots(uuid)
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
  public.credit_lots(uuid),
  public.ledger_check()
to service_role;

-- Group commit runs each item as its caller's role (see credit_batch); only the service batches.
revoke all on function public.credit_batch(jsonb) from public, anon, authenticated;
grant execute on function public.credit_batch(jsonb) to service_role;
-- An item runs as its caller's role, which calls it after the switch.
grant execute on function private.credit_batch_item(jsonb) to authenticated, service_role;

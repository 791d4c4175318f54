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
-- service role reads all, and only the SECURITY DEFINER functions of the next migration write.

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
  constraint accounts_owner check (
    (kind = 'user_wallet' and user_id is not null and org_id is null and system_code is null)
    or (kind = 'org_wallet' and org_id is not null and user_id is null and system_code is null)
    or (kind = 'system' and system_code is not null and user_id is null and org_id is null)
  ),
  -- A wallet never goes below zero; system accounts (issuance) are negative by design.
  constraint accounts_wallet_not_negative check (
    kind = 'system' or credits_posted - debits_posted - debits_pending >= 0
  )
)
-- Every spend rewrites its wallet row; free space on each page keeps those updates HOT (no index
-- writes) instead of moving the row to another page.
with (fillfactor = 80);
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
    ('grant', 'spend', 'hold_post', 'transfer', 'refund', 'expire', 'clawback', 'adjustment')),
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
  constraint transfers_distinct_accounts check (debit_account_id <> credit_account_id),
  constraint transfers_idempotency unique (key_account_id, idempotency_key)
);
comment on table public.transfers is
  'Immutable double-entry transfers in micro-credits. Update, delete and truncate are refused for every role.';

create table public.lots (
  id bigint generated always as identity primary key,
  account_id uuid not null references public.accounts (id) on delete restrict,
  source text not null check (source in ('purchase', 'plan', 'promo', 'admin', 'refund', 'transfer')),
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
  constraint holds_idempotency unique (account_id, idempotency_key)
);
comment on table public.holds is
  'Two-phase spending: a pending reservation with an expiry, later posted (by the real amount), voided or expired.';
comment on column public.holds.shortfall is 'Usage above what the wallet could pay when the hold was settled.';

-- ===================================================================== INDEXES
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

revoke all on public.accounts, public.transfers, public.lots, public.lot_burns, public.holds
  from public, anon, authenticated, service_role;
grant select on public.accounts, public.transfers, public.lots, public.holds to authenticated;
grant select on public.accounts, public.transfers, public.lots, public.lot_burns, public.holds
  to service_role;

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
  'revenue:transfer', 'revenue:other', 'expired', 'refunded'
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

-- Wallets for rows that existed before this migration.
insert into public.accounts (kind, user_id) select 'user_wallet', p.id from public.profiles p;
insert into public.accounts (kind, org_id) select 'org_wallet', o.id from public.organizations o;

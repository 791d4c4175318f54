-- Billing, part 1: credit packages, Stripe customers, payments, webhook events, disputes,
-- auto-recharge and notifications.
--
-- Money here comes in two units: prices are integers of the currency's minor unit (cents), as
-- Stripe counts them; credits are bigint micro-credits (1 credit = 1,000,000) as everywhere.
-- A payment row is written before the customer is sent to Stripe (one per purchase attempt) and
-- is fulfilled exactly once, by the webhook, through the ledger's own functions.
--
-- Who sees what: everyone signed in reads the active packages (the price list); platform admins
-- read all of them and edit them through credit_package_upsert. A user reads the payments of
-- their own wallet; org owners and admins read their org's. Customers, events and disputes are
-- service-only bookkeeping. Nobody writes any of these tables directly.

-- ===================================================================== TABLES
create table public.credit_packages (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
  name text not null check (char_length(btrim(name)) between 1 and 60),
  description text not null default '' check (char_length(description) <= 300),
  credits bigint not null check (credits between 1 and 1000000000000000),
  -- Bonus credits arrive as a separate promo lot that expires bonus_expires_days after purchase.
  bonus_credits bigint not null default 0 check (bonus_credits between 0 and 1000000000000000),
  bonus_expires_days integer check (bonus_expires_days between 1 and 3650),
  -- In the currency's minor unit (cents); Stripe's minimum charge is 50 cents.
  price_amount bigint not null check (price_amount between 50 and 100000000),
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  stripe_product_id text check (stripe_product_id is null or stripe_product_id ~ '^prod_[A-Za-z0-9_]+$'),
  -- Cleared when the price changes, so a checkout never charges a stale Stripe price.
  stripe_price_id text check (stripe_price_id is null or stripe_price_id ~ '^price_[A-Za-z0-9_]+$'),
  active boolean not null default true,
  sort_order smallint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint credit_packages_bonus_expiry check (bonus_credits = 0 or bonus_expires_days is not null)
);
comment on table public.credit_packages is
  'Credit packages for sale: credits, an expiring bonus, a price in minor units and its Stripe ids. Edited via credit_package_upsert.';

create table public.billing_customers (
  -- One customer per wallet: per user and per org, reused for every purchase.
  account_id uuid primary key references public.accounts (id) on delete restrict,
  provider text not null check (provider in ('stripe', 'local')),
  customer_id text not null unique check (customer_id ~ '^cus_[A-Za-z0-9_]+$'),
  -- The card saved at checkout (setup_future_usage = off_session), used by auto-recharge.
  payment_method_id text check (payment_method_id is null or payment_method_id ~ '^pm_[A-Za-z0-9_]+$'),
  payment_method_label text check (char_length(payment_method_label) <= 80),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.billing_customers is
  'The Stripe (or local test) customer of each wallet and its saved payment method. Service only.';

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete restrict,
  package_id uuid references public.credit_packages (id) on delete set null,
  buyer_id uuid references public.profiles (id) on delete set null,
  kind text not null check (kind in ('checkout', 'auto_recharge')),
  provider text not null check (provider in ('stripe', 'local')),
  status text not null default 'pending'
    check (status in ('pending', 'processing', 'paid', 'failed', 'expired', 'refunded')),
  -- The purchase attempt's idempotency key: a retry of the request finds this row again.
  attempt_key text not null check (char_length(attempt_key) between 1 and 255),
  -- What was bought, copied from the package when the attempt began.
  package_name text not null check (char_length(package_name) between 1 and 60),
  amount bigint not null check (amount > 0),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  credits bigint not null check (credits > 0),
  bonus_credits bigint not null default 0 check (bonus_credits >= 0),
  bonus_expires_days integer check (bonus_expires_days between 1 and 3650),
  checkout_session_id text unique,
  checkout_url text check (char_length(checkout_url) <= 2048),
  payment_intent_id text unique,
  charge_id text,
  receipt_url text check (char_length(receipt_url) <= 2048),
  purchase_lot_id bigint references public.lots (id),
  bonus_lot_id bigint references public.lots (id),
  -- Refunds (minor units, cumulative as Stripe reports them) and what they took back.
  amount_refunded bigint not null default 0 check (amount_refunded >= 0),
  credits_clawed_back bigint not null default 0 check (credits_clawed_back >= 0),
  -- Refunded credits that were already spent: recorded, never taken from the wallet below zero.
  clawback_shortfall bigint not null default 0 check (clawback_shortfall >= 0),
  dispute_status text check (dispute_status in ('open', 'won', 'lost')),
  failure_message text check (char_length(failure_message) <= 500),
  -- Auto-recharge: when a dispatcher claimed the attempt (a stale claim is taken over).
  claimed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  paid_at timestamptz,
  constraint payments_attempt unique (account_id, attempt_key),
  constraint payments_refund_within check (amount_refunded <= amount)
);
comment on table public.payments is
  'One row per purchase attempt (checkout or auto-recharge), fulfilled once by the Stripe webhook.';

create table public.stripe_events (
  id text primary key check (id ~ '^evt_[A-Za-z0-9_]+$'),
  type text not null check (char_length(type) <= 100),
  status text not null check (status in ('processed', 'ignored')),
  payment_id uuid references public.payments (id) on delete set null,
  received_at timestamptz not null default now()
);
comment on table public.stripe_events is
  'Every Stripe event the webhook accepted, by event id: a replay finds its row and changes nothing.';

create table public.payment_disputes (
  id text primary key check (id ~ '^dp_[A-Za-z0-9_]+$'),
  payment_id uuid not null references public.payments (id) on delete restrict,
  account_id uuid not null references public.accounts (id) on delete restrict,
  amount bigint not null check (amount > 0),
  reason text check (char_length(reason) <= 100),
  status text not null default 'open' check (status in ('open', 'won', 'lost')),
  opened_at timestamptz not null default now(),
  closed_at timestamptz
);
comment on table public.payment_disputes is
  'Card disputes (chargebacks). While any is open, the wallet it paid into is frozen.';

create table public.auto_recharge_settings (
  account_id uuid primary key references public.accounts (id) on delete restrict,
  enabled boolean not null default false,
  -- Recharge when a spend leaves fewer than this many micro-credits available.
  threshold bigint not null check (threshold between 1 and 1000000000000000),
  package_id uuid not null references public.credit_packages (id) on delete restrict,
  updated_by uuid references public.profiles (id) on delete set null,
  updated_at timestamptz not null default now(),
  -- Why it was last switched off automatically (a declined card), shown to the owner.
  disabled_reason text check (char_length(disabled_reason) <= 500),
  disabled_at timestamptz
);
comment on table public.auto_recharge_settings is
  'Per-wallet auto-recharge: threshold and package. Armed on the wallet as accounts.auto_recharge_below.';

create table public.notifications (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null check (kind ~ '^[a-z][a-z0-9_.]{1,59}$'),
  title text not null check (char_length(title) between 1 and 200),
  body text not null default '' check (char_length(body) <= 1000),
  link text check (link is null or (char_length(link) <= 500 and link ~ '^/')),
  created_at timestamptz not null default now(),
  read_at timestamptz
);
comment on table public.notifications is
  'Messages for one person (e.g. auto-recharge was switched off). Written by functions; the user marks them read.';

-- The armed auto-recharge threshold, read by the spend hot path in the same row it updates.
-- Null when auto-recharge is off or a recharge is already in flight (single flight per wallet).
alter table public.accounts add column auto_recharge_below bigint
  check (auto_recharge_below is null or auto_recharge_below > 0);
comment on column public.accounts.auto_recharge_below is
  'Armed auto-recharge threshold; a spend leaving less available requests one recharge and disarms it.';

-- ===================================================================== INDEXES
create index payments_account_idx on public.payments (account_id, created_at desc, id desc);
create index payments_buyer_idx on public.payments (buyer_id) where buyer_id is not null;
create index payments_package_idx on public.payments (package_id) where package_id is not null;
create index payments_auto_recharge_due_idx on public.payments (created_at)
  where kind = 'auto_recharge' and status = 'pending';
create index payments_purchase_lot_idx on public.payments (purchase_lot_id) where purchase_lot_id is not null;
create index payments_bonus_lot_idx on public.payments (bonus_lot_id) where bonus_lot_id is not null;
create index stripe_events_payment_idx on public.stripe_events (payment_id) where payment_id is not null;
create index payment_disputes_open_idx on public.payment_disputes (account_id) where status = 'open';
create index payment_disputes_payment_idx on public.payment_disputes (payment_id);
create index auto_recharge_settings_package_idx on public.auto_recharge_settings (package_id);
create index auto_recharge_settings_updated_by_idx on public.auto_recharge_settings (updated_by);
create index notifications_user_idx on public.notifications (user_id, created_at desc);

-- ===================================================================== RLS
alter table public.credit_packages enable row level security;
alter table public.billing_customers enable row level security;
alter table public.payments enable row level security;
alter table public.stripe_events enable row level security;
alter table public.payment_disputes enable row level security;
alter table public.auto_recharge_settings enable row level security;
alter table public.notifications enable row level security;

revoke all on public.credit_packages, public.billing_customers, public.payments, public.stripe_events,
  public.payment_disputes, public.auto_recharge_settings, public.notifications
  from public, anon, authenticated, service_role;
grant select on public.credit_packages, public.payments, public.auto_recharge_settings,
  public.notifications to authenticated;
grant update (read_at) on public.notifications to authenticated;
grant select on public.credit_packages, public.billing_customers, public.payments, public.stripe_events,
  public.payment_disputes, public.auto_recharge_settings, public.notifications to service_role;

/* Wallets whose billing the caller manages: their own, and orgs where they are owner or admin. */
create function private.billing_accounts() returns uuid[]
language sql stable security definer set search_path = ''
as $$
  select coalesce(array_agg(a.id), '{}')
  from public.accounts a
  where a.user_id = (select auth.uid())
     or a.org_id in (select m.org_id from public.organization_members m
                     where m.user_id = (select auth.uid()) and m.role in ('owner', 'admin'))
$$;
comment on function private.billing_accounts() is
  'Wallet ids whose payments and settings the caller manages (own + orgs they own or administer).';
revoke all on function private.billing_accounts() from public, anon, authenticated, service_role;
grant execute on function private.billing_accounts() to authenticated, service_role;

create policy credit_packages_select on public.credit_packages for select to authenticated
  using (active or (select private.is_platform_admin()));
create policy payments_select on public.payments for select to authenticated
  using (account_id = any ((select private.billing_accounts())::uuid[]));
create policy auto_recharge_settings_select on public.auto_recharge_settings for select to authenticated
  using (account_id = any ((select private.billing_accounts())::uuid[]));
create policy notifications_select on public.notifications for select to authenticated
  using (user_id = (select auth.uid()));
create policy notifications_update on public.notifications for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- ===================================================================== REFERENCE DATA
insert into public.credit_packages
  (slug, name, description, credits, bonus_credits, bonus_expires_days, price_amount, currency, sort_order)
values
  ('starter', 'Starter', 'For trying things out.', 100000000, 0, null, 1000, 'usd', 10),
  ('growth', 'Growth', 'For regular use, with 50 bonus credits.', 500000000, 50000000, 90, 4500, 'usd', 20),
  ('scale', 'Scale', 'For teams, with 300 bonus credits.', 2000000000, 300000000, 90, 16000, 'usd', 30);

-- ===================================================================== TRIGGERS
create trigger credit_packages_touch before update on public.credit_packages
  for each row execute function private.touch_updated_at();
create trigger billing_customers_touch before update on public.billing_customers
  for each row execute function private.touch_updated_at();
create trigger payments_touch before update on public.payments
  for each row execute function private.touch_updated_at();

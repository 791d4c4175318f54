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
  status text not null check (status in ('processed', 'ignored', 'rejected')),
  payment_id uuid references public.payments (id) on delete set null,
  received_at timestamptz not null default now(),
  -- Why an event was ignored or rejected, for platform admins.
  detail text check (char_length(detail) <= 500)
);
comment on table public.stripe_events is
  'Every Stripe event the webhook accepted, by event id: a replay finds its row and changes nothing. '
  'rejected: it can never succeed (an amount that does not match, a malformed object); answered 2xx.';

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

-- Billing, part 2: editing packages, starting a purchase, Stripe customers, auto-recharge settings.
--
-- Errors use the ledger's TG SQLSTATEs (TG403 forbidden, TG404 not found, TG409 conflict, TG422
-- invalid input) with JSON details in HINT.

-- ===================================================================== HELPERS
/* Service-only functions refuse everyone else, whatever the grants say. */
create function private.assert_service() returns void
language plpgsql stable set search_path = ''
as $$
begin
  if not private.is_trusted() then
    perform private.fail('TG403', 'Only the service role may do this.', '{}'::jsonb);
  end if;
end
$$;
comment on function private.assert_service() is 'TG403 unless the caller is the service role (or a direct session).';

/*
 * May the caller buy for, and manage the billing of, this wallet? Their own wallet, or an org
 * wallet of an org they own or administer; trusted callers any wallet. A plain member of the
 * org gets TG403; anyone else TG404 (strangers learn nothing).
 */
create function private.assert_billing_manager(account uuid) returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  target record;
begin
  select a.kind, a.user_id, a.org_id into target from public.accounts a where a.id = account;
  if not found or target.kind = 'system' then
    perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
  end if;
  if private.is_trusted() or target.user_id = (select auth.uid())
     or private.org_role(target.org_id) in ('owner', 'admin') then
    return;
  end if;
  if target.org_id is not null and private.is_org_member(target.org_id) then
    perform private.fail('TG403', 'Only owners and admins buy credits and manage billing for the organization.',
      jsonb_build_object('wallet', account));
  end if;
  perform private.fail('TG404', 'Wallet not found.', jsonb_build_object('wallet', account));
end
$$;
comment on function private.assert_billing_manager(uuid) is
  'Own wallet or an org the caller owns/administers; TG403 for plain members, TG404 for strangers.';

-- ===================================================================== PACKAGES
create function public.credit_package_upsert(
  p_id uuid,
  p_slug text,
  p_name text,
  p_description text,
  p_credits bigint,
  p_bonus_credits bigint,
  p_bonus_expires_days integer,
  p_price_amount bigint,
  p_currency text,
  p_active boolean,
  p_sort_order smallint
) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  package_id uuid;
begin
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins edit credit packages.', '{}'::jsonb);
  end if;
  if p_id is null then
    insert into public.credit_packages (slug, name, description, credits, bonus_credits, bonus_expires_days,
                                        price_amount, currency, active, sort_order)
    values (p_slug, btrim(p_name), coalesce(p_description, ''), p_credits, coalesce(p_bonus_credits, 0),
            p_bonus_expires_days, p_price_amount, lower(p_currency), coalesce(p_active, true),
            coalesce(p_sort_order, 0))
    returning id into package_id;
    return package_id;
  end if;
  -- A new price or currency needs a new Stripe price: forget the old one until stripe:sync runs.
  update public.credit_packages c
  set slug = p_slug, name = btrim(p_name), description = coalesce(p_description, ''), credits = p_credits,
      bonus_credits = coalesce(p_bonus_credits, 0), bonus_expires_days = p_bonus_expires_days,
      price_amount = p_price_amount, currency = lower(p_currency), active = coalesce(p_active, true),
      sort_order = coalesce(p_sort_order, 0),
      stripe_price_id = case when c.price_amount = p_price_amount and c.currency = lower(p_currency)
                             then c.stripe_price_id end
  where c.id = p_id
  returning id into package_id;
  if package_id is null then
    perform private.fail('TG404', 'Credit package not found.', jsonb_build_object('package', p_id));
  end if;
  return package_id;
end
$$;
comment on function public.credit_package_upsert(uuid, text, text, text, bigint, bigint, integer, bigint, text, boolean, smallint) is
  'Platform admins: creates (p_id null) or updates a credit package. A price change clears its Stripe price id.';

create function public.credit_package_set_stripe_ids(p_id uuid, p_product_id text, p_price_id text)
returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.credit_packages c set stripe_product_id = p_product_id, stripe_price_id = p_price_id
  where c.id = p_id;
  if not found then
    perform private.fail('TG404', 'Credit package not found.', jsonb_build_object('package', p_id));
  end if;
end
$$;
comment on function public.credit_package_set_stripe_ids(uuid, text, text) is
  'Service only (npm run stripe:sync): records the Stripe product and price of a package.';

-- ===================================================================== CUSTOMERS
create function public.billing_customer_save(p_account uuid, p_provider text, p_customer_id text)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  saved text;
begin
  perform private.assert_service();
  -- The first customer of a wallet wins (concurrent checkouts reuse it); a real Stripe customer
  -- replaces a local test one when Stripe keys are added later.
  insert into public.billing_customers as c (account_id, provider, customer_id)
  values (p_account, p_provider, p_customer_id)
  on conflict (account_id) do update
    set provider = excluded.provider, customer_id = excluded.customer_id,
        payment_method_id = null, payment_method_label = null
    where c.provider <> excluded.provider
  returning customer_id into saved;
  if saved is null then
    select c.customer_id into saved from public.billing_customers c where c.account_id = p_account;
  end if;
  return saved;
end
$$;
comment on function public.billing_customer_save(uuid, text, text) is
  'Service only: records the wallet''s customer, or returns the one already recorded (one per wallet).';

-- ===================================================================== PURCHASE
/*
 * Starts a purchase attempt: checks the caller may buy for the wallet, copies the package into a
 * pending payment row and returns what the checkout needs. The same attempt key replays the
 * first attempt (and its checkout URL); with another package it is a conflict.
 */
create function public.payment_begin(p_account uuid, p_package_id uuid, p_attempt_key text, p_provider text)
returns table (payment_id uuid, status text, checkout_url text, amount bigint, currency text,
               package_name text, credits bigint, bonus_credits bigint, stripe_price_id text,
               customer_id text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  package public.credit_packages;
  payment public.payments;
  is_new boolean := true;
begin
  if p_attempt_key is null or char_length(p_attempt_key) not between 1 and 255 then
    perform private.fail('TG422', 'An attempt key of 1 to 255 characters is required.',
      jsonb_build_object('field', 'attempt_key'));
  end if;
  if p_provider is null or p_provider not in ('stripe', 'local') then
    perform private.fail('TG422', 'Provider must be stripe or local.', jsonb_build_object('field', 'provider'));
  end if;
  perform private.assert_billing_manager(p_account);
  select * into package from public.credit_packages c where c.id = p_package_id and c.active;
  if not found then
    perform private.fail('TG404', 'Credit package not found.', jsonb_build_object('package', p_package_id));
  end if;

  insert into public.payments (account_id, package_id, buyer_id, kind, provider, attempt_key, package_name,
                               amount, currency, credits, bonus_credits, bonus_expires_days)
  values (p_account, package.id, auth.uid(), 'checkout', p_provider, p_attempt_key, package.name,
          package.price_amount, package.currency, package.credits, package.bonus_credits,
          package.bonus_expires_days)
  on conflict on constraint payments_attempt do nothing
  returning * into payment;
  if payment.id is null then
    is_new := false;
    select * into payment from public.payments p where p.account_id = p_account and p.attempt_key = p_attempt_key;
    if payment.package_id is distinct from p_package_id then
      perform private.fail('TG409', 'This idempotency key was already used to buy a different package.',
        jsonb_build_object('idempotencyKey', p_attempt_key, 'paymentId', payment.id));
    end if;
  end if;
  return query
  select payment.id, payment.status, payment.checkout_url, payment.amount, payment.currency, payment.package_name,
         payment.credits, payment.bonus_credits, package.stripe_price_id,
         (select c.customer_id from public.billing_customers c
          where c.account_id = p_account and c.provider = p_provider),
         not is_new;
end
$$;
comment on function public.payment_begin(uuid, uuid, text, text) is
  'Starts (or replays) a purchase attempt for a wallet the caller manages; returns the checkout inputs.';

create function public.payment_attach_checkout(p_payment_id uuid, p_session_id text, p_url text)
returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.payments p set checkout_session_id = p_session_id, checkout_url = p_url
  where p.id = p_payment_id and (p.checkout_session_id is null or p.checkout_session_id = p_session_id);
  if not found then
    perform private.fail('TG409', 'This payment already has another checkout session.',
      jsonb_build_object('paymentId', p_payment_id));
  end if;
end
$$;
comment on function public.payment_attach_checkout(uuid, text, text) is
  'Service only: links a payment attempt to its Checkout Session and URL.';

-- ===================================================================== AUTO-RECHARGE SETTINGS
create function public.auto_recharge_configure(
  p_account uuid, p_enabled boolean, p_threshold bigint, p_package_id uuid
) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  in_flight boolean;
begin
  perform private.assert_billing_manager(p_account);
  if p_threshold is null or p_threshold not between 1 and 1000000000000000 then
    perform private.fail('TG422', 'The threshold must be between 1 and 10^15 micro-credits.',
      jsonb_build_object('field', 'threshold'));
  end if;
  if not exists (select 1 from public.credit_packages c where c.id = p_package_id and c.active) then
    perform private.fail('TG422', 'Choose an available credit package.', jsonb_build_object('field', 'packageId'));
  end if;
  if coalesce(p_enabled, false) and not exists (
    select 1 from public.billing_customers c where c.account_id = p_account and c.payment_method_id is not null
  ) then
    perform private.fail('TG422', 'Buy a package once first: the card you pay with is saved for auto-recharge.',
      jsonb_build_object('field', 'enabled', 'reason', 'no_payment_method'));
  end if;

  perform 1 from public.accounts a where a.id = p_account for no key update;
  insert into public.auto_recharge_settings as s (account_id, enabled, threshold, package_id, updated_by)
  values (p_account, coalesce(p_enabled, false), p_threshold, p_package_id, auth.uid())
  on conflict (account_id) do update
    set enabled = excluded.enabled, threshold = excluded.threshold, package_id = excluded.package_id,
        updated_by = excluded.updated_by, updated_at = now(),
        disabled_reason = case when excluded.enabled then null else s.disabled_reason end,
        disabled_at = case when excluded.enabled then null else s.disabled_at end;
  -- Armed unless off or a recharge is already on its way (that one re-arms when it is paid).
  select exists (select 1 from public.payments p where p.account_id = p_account and p.kind = 'auto_recharge'
                 and p.status in ('pending', 'processing')) into in_flight;
  update public.accounts a
  set auto_recharge_below = case when coalesce(p_enabled, false) and not in_flight then p_threshold end
  where a.id = p_account;
end
$$;
comment on function public.auto_recharge_configure(uuid, boolean, bigint, uuid) is
  'Owner of the wallet (or org owner/admin): turns auto-recharge on or off with a threshold and package.';

create function public.billing_payment_method(p_account uuid)
returns table (has_payment_method boolean, label text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_billing_manager(p_account);
  return query
  select coalesce(bool_or(c.payment_method_id is not null), false), max(c.payment_method_label)
  from public.billing_customers c where c.account_id = p_account;
end
$$;
comment on function public.billing_payment_method(uuid) is
  'Whether the wallet has a card saved for auto-recharge, and its label (never the ids).';

-- Billing, part 3: what the Stripe webhook does, each step one service-only function that
-- records the event id in the same transaction as its effect. A replayed event id (even 20 at
-- once: they queue on the primary key) finds its row and changes nothing.

-- ===================================================================== HELPERS
/*
 * Records an event id; false when it was already recorded (a replay). Callers that act on a
 * payment lock it first (private.lock_payment): the event row's foreign key then finds the lock
 * already theirs, so concurrent events for one payment queue on it instead of deadlocking.
 */
create function private.record_event(event_id text, event_type text, event_status text, payment uuid,
                                     why text default null)
returns boolean
language plpgsql security definer set search_path = ''
as $$
declare
  recorded text;
begin
  perform private.assert_service();
  if event_id is null or event_id !~ '^evt_[A-Za-z0-9_]+$' then
    perform private.fail('TG422', 'A Stripe event id (evt_…) is required.', jsonb_build_object('field', 'event_id'));
  end if;
  insert into public.stripe_events (id, type, status, payment_id, detail)
  values (event_id, left(event_type, 100), event_status, payment, left(why, 500))
  on conflict (id) do nothing
  returning id into recorded;
  return recorded is not null;
end
$$;
comment on function private.record_event(text, text, text, uuid, text) is
  'Records a Stripe event id once (with why, when ignored or rejected); false on a replay.';

/* The payment row, locked for the event that acts on it: always the first lock an event takes. */
create function private.lock_payment(payment uuid) returns public.payments
language sql security definer set search_path = ''
as $$ select p.* from public.payments p where p.id = payment for no key update $$;

/* A message to whoever manages the wallet: the user, or the org's owners and admins. */
create function private.notify_wallet_managers(account uuid, kind text, title text, body text)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  wallet record;
begin
  select a.user_id, a.org_id, o.slug into wallet
  from public.accounts a left join public.organizations o on o.id = a.org_id where a.id = account;
  insert into public.notifications (user_id, kind, title, body, link)
  select recipient, kind, left(title, 200), left(body, 1000),
         case when wallet.org_id is null then '/credits' else '/organizations/' || wallet.slug || '/credits' end
  from (
    select wallet.user_id as recipient where wallet.user_id is not null
    union
    select m.user_id from public.organization_members m
    where m.org_id = wallet.org_id and m.role in ('owner', 'admin')
  ) recipients;
end
$$;
comment on function private.notify_wallet_managers(uuid, text, text, text) is
  'Notifies the wallet''s user, or its org''s owners and admins.';

/* Turns auto-recharge off after a failed charge and tells the people who manage the wallet. */
create function private.disable_auto_recharge(account uuid, reason text) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  update public.auto_recharge_settings s
  set enabled = false, disabled_reason = left(reason, 500), disabled_at = now(), updated_at = now()
  where s.account_id = account;
  update public.accounts a set auto_recharge_below = null where a.id = account;
  perform private.notify_wallet_managers(account, 'billing.auto_recharge_disabled',
    'Auto-recharge was turned off',
    'An automatic top-up could not be charged (' || coalesce(reason, 'payment failed')
      || '). Update your card by buying a package, then turn auto-recharge on again.');
end
$$;
comment on function private.disable_auto_recharge(uuid, text) is
  'After a failed recharge: switches auto-recharge off, disarms the wallet, notifies its managers.';

/* The payment an event is about: by our id (metadata), else by Checkout Session or PaymentIntent. */
create function private.find_payment(payment uuid, session_id text, intent_id text) returns public.payments
language sql stable security definer set search_path = ''
as $$
  select p.* from public.payments p
  where (payment is not null and p.id = payment)
     or (session_id is not null and p.checkout_session_id = session_id)
     or (intent_id is not null and p.payment_intent_id = intent_id)
  order by (p.id = payment) desc nulls last
  limit 1
$$;
comment on function private.find_payment(uuid, text, text) is
  'The payment an event names: by payment id, else Checkout Session id, else PaymentIntent id.';

-- ===================================================================== FUNCTIONS
create function public.stripe_event_ignore(p_event_id text, p_event_type text) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  return private.record_event(p_event_id, p_event_type, 'ignored', null, 'Not an event Tollgate acts on.');
end
$$;
comment on function public.stripe_event_ignore(text, text) is
  'Service only: records an event the webhook does not act on. False when already recorded.';

/* An event that can never succeed (a malformed object, say): recorded once with why, never retried. */
create function public.stripe_event_reject(p_event_id text, p_event_type text, p_detail text) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  return private.record_event(p_event_id, p_event_type, 'rejected', null,
                              coalesce(nullif(btrim(p_detail), ''), 'Rejected.'));
end
$$;
comment on function public.stripe_event_reject(text, text, text) is
  'Service only: records an event the webhook can never act on, with the reason. False when already recorded.';

/*
 * Fulfils a paid purchase exactly once: the package's credits as a purchase lot, its bonus as an
 * expiring promo lot, the payment marked paid with its receipt, and the card kept for
 * auto-recharge. A paid auto-recharge re-arms the wallet.
 */
create function public.payment_fulfil(
  p_event_id text, p_event_type text, p_payment_id uuid, p_checkout_session_id text,
  p_payment_intent_id text, p_amount bigint, p_currency text, p_customer_id text,
  p_payment_method_id text, p_payment_method_label text, p_charge_id text, p_receipt_url text
) returns table (payment_id uuid, status text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
  purchase_lot bigint;
  bonus_lot bigint;
  detail jsonb;
begin
  perform private.assert_service();
  payment := private.find_payment(p_payment_id, p_checkout_session_id, p_payment_intent_id);
  if payment.id is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No payment matches this event.');
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, payment.status, true;
    return;
  end if;
  if payment.status in ('paid', 'refunded') then
    return query select payment.id, payment.status, true;
    return;
  end if;
  -- A mismatch can never succeed, however often Stripe retries: recorded for platform admins,
  -- nothing credited, and the webhook answers 2xx.
  if p_amount is distinct from payment.amount or lower(p_currency) is distinct from payment.currency then
    update public.stripe_events e
    set status = 'rejected',
        detail = format('Paid %s %s but the payment expects %s %s; not fulfilled.',
                        coalesce(p_amount::text, 'no amount'), coalesce(p_currency, '?'), payment.amount, payment.currency)
    where e.id = p_event_id;
    return query select payment.id, 'rejected'::text, false;
    return;
  end if;

  detail := jsonb_build_object('paymentId', payment.id::text, 'paymentIntent', p_payment_intent_id);
  select g.lot_id into purchase_lot from public.credit_grant(payment.account_id, payment.credits, 'purchase',
    'payment:' || payment.id || ':purchase', null, null, payment.package_name || ' package', detail, 'other') g;
  if payment.bonus_credits > 0 then
    select g.lot_id into bonus_lot from public.credit_grant(payment.account_id, payment.bonus_credits, 'promo',
      'payment:' || payment.id || ':bonus', private.clock() + make_interval(days => payment.bonus_expires_days),
      null, payment.package_name || ' package bonus', detail, 'other') g;
  end if;

  update public.payments p
  set status = 'paid', paid_at = now(), purchase_lot_id = purchase_lot, bonus_lot_id = bonus_lot,
      checkout_session_id = coalesce(p_checkout_session_id, p.checkout_session_id),
      payment_intent_id = coalesce(p_payment_intent_id, p.payment_intent_id),
      charge_id = coalesce(p_charge_id, p.charge_id), receipt_url = coalesce(p_receipt_url, p.receipt_url),
      failure_message = null
  where p.id = payment.id;

  if p_payment_method_id is not null then
    update public.billing_customers c
    set payment_method_id = p_payment_method_id, payment_method_label = left(p_payment_method_label, 80)
    where c.account_id = payment.account_id and (p_customer_id is null or c.customer_id = p_customer_id);
  end if;
  if payment.kind = 'auto_recharge' then
    update public.accounts a set auto_recharge_below = s.threshold
    from public.auto_recharge_settings s
    where a.id = payment.account_id and s.account_id = a.id and s.enabled;
  end if;
  return query select payment.id, 'paid'::text, false;
end
$$;
comment on function public.payment_fulfil(text, text, uuid, text, text, bigint, text, text, text, text, text, text) is
  'Service only (webhook): fulfils a paid purchase exactly once through credit_grant.';

/* A completed checkout whose (asynchronous) payment has not cleared yet. */
create function public.payment_mark_processing(
  p_event_id text, p_event_type text, p_payment_id uuid, p_checkout_session_id text, p_payment_intent_id text
) returns table (payment_id uuid, status text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
begin
  perform private.assert_service();
  payment := private.find_payment(p_payment_id, p_checkout_session_id, p_payment_intent_id);
  if payment.id is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No payment matches this event.');
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, payment.status, true;
    return;
  end if;
  update public.payments p
  set status = case when p.status = 'pending' then 'processing' else p.status end,
      checkout_session_id = coalesce(p_checkout_session_id, p.checkout_session_id),
      payment_intent_id = coalesce(p_payment_intent_id, p.payment_intent_id)
  where p.id = payment.id
  returning p.status into payment.status;
  return query select payment.id, payment.status, false;
end
$$;
comment on function public.payment_mark_processing(text, text, uuid, text, text) is
  'Service only (webhook): a checkout completed but its payment is still clearing.';

/*
 * A payment that failed (async payment failed, card declined) or a checkout that expired. A
 * failed auto-recharge switches auto-recharge off and tells the wallet's managers.
 */
create function public.payment_mark_failed(
  p_event_id text, p_event_type text, p_payment_id uuid, p_checkout_session_id text,
  p_payment_intent_id text, p_status text, p_message text
) returns table (payment_id uuid, status text, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
begin
  perform private.assert_service();
  if p_status not in ('failed', 'expired') then
    perform private.fail('TG422', 'Status must be failed or expired.', jsonb_build_object('field', 'status'));
  end if;
  payment := private.find_payment(p_payment_id, p_checkout_session_id, p_payment_intent_id);
  if payment.id is null then
    if p_event_id is not null then
      perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No payment matches this event.');
    end if;
    return query select null::uuid, 'unknown'::text, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if p_event_id is not null and not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, payment.status, true;
    return;
  end if;
  if payment.status not in ('pending', 'processing') then
    return query select payment.id, payment.status, true;
    return;
  end if;
  update public.payments p
  set status = p_status, failure_message = left(p_message, 500),
      payment_intent_id = coalesce(p_payment_intent_id, p.payment_intent_id)
  where p.id = payment.id;
  if payment.kind = 'auto_recharge' then
    perform private.disable_auto_recharge(payment.account_id, coalesce(p_message, 'payment failed'));
  end if;
  return query select payment.id, p_status, false;
end
$$;
comment on function public.payment_mark_failed(text, text, uuid, text, text, text, text) is
  'Service only: records a failed or expired payment; a failed auto-recharge is switched off.';

-- Billing, part 4: refunds claw credits back, disputes freeze the wallet, and the auto-recharge
-- dispatcher's queue. All service-only, each event recorded once.

-- ===================================================================== CLAWBACK
/*
 * Takes back the credits of a payment's refunded share, up to what its own purchase and bonus
 * lots still hold (and never more than the wallet has available): a 'clawback' transfer to the
 * `refunded` system account that burns exactly those lots. What was already spent (or expired)
 * is recorded as the payment's shortfall. `refunded_total` is cumulative, as Stripe reports it,
 * so events arriving twice or out of order take nothing twice. Caller holds the payment lock.
 */
create function private.claw_back(payment public.payments, refunded_total bigint) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  target bigint;
  owed bigint;
  room bigint;
  in_lots bigint;
  taken bigint;
  transfer bigint;
  lot record;
  left_to_burn bigint;
  portion bigint;
begin
  refunded_total := least(refunded_total, payment.amount);
  if refunded_total <= payment.amount_refunded then
    return 0;
  end if;
  -- numeric: credits × minor units can pass 2^63 before the division.
  target := floor((payment.credits + payment.bonus_credits)::numeric * refunded_total / payment.amount)::bigint;
  owed := greatest(target - payment.credits_clawed_back - payment.clawback_shortfall, 0);

  -- Burn what earlier spends used first, so the lots show exactly what is left of this purchase.
  perform private.settle_wallet(payment.account_id);
  select greatest(a.credits_posted - a.debits_posted - a.debits_pending, 0) into room
  from public.accounts a where a.id = payment.account_id;
  select coalesce(sum(l.remaining), 0) into in_lots from public.lots l
  where l.id in (payment.purchase_lot_id, payment.bonus_lot_id) and l.remaining > 0;
  taken := least(owed, room, in_lots);

  if taken > 0 then
    insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                  metadata, key_account_id, idempotency_key)
    values (payment.account_id, private.system_account('refunded'), taken, 'clawback', 'other',
            'Refund of ' || payment.package_name || ' package: credits taken back',
            jsonb_build_object('paymentId', payment.id::text, 'amountRefunded', refunded_total::text),
            payment.account_id, 'clawback:' || payment.id || ':' || refunded_total)
    returning id into transfer;
    left_to_burn := taken;
    for lot in
      select l.id, l.remaining from public.lots l
      where l.id in (payment.purchase_lot_id, payment.bonus_lot_id) and l.remaining > 0
      order by (l.id = payment.purchase_lot_id) desc
    loop
      portion := least(lot.remaining, left_to_burn);
      exit when portion = 0;
      update public.lots l set remaining = l.remaining - portion where l.id = lot.id;
      insert into public.lot_burns (account_id, lot_id, amount, transfer_id)
      values (payment.account_id, lot.id, portion, transfer);
      left_to_burn := left_to_burn - portion;
    end loop;
    update public.accounts a set debits_posted = a.debits_posted + taken where a.id = payment.account_id;
  end if;

  update public.payments p
  set amount_refunded = refunded_total,
      credits_clawed_back = p.credits_clawed_back + taken,
      clawback_shortfall = p.clawback_shortfall + owed - taken,
      status = case when refunded_total >= p.amount then 'refunded' else p.status end
  where p.id = payment.id;
  return taken;
end
$$;
comment on function private.claw_back(public.payments, bigint) is
  'Claws back a payment''s refunded credits from its own lots; the already-spent rest becomes shortfall.';

create function public.payment_refunded(
  p_event_id text, p_event_type text, p_payment_intent_id text, p_amount_refunded bigint
) returns table (payment_id uuid, clawed_back bigint, shortfall bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
  taken bigint;
begin
  perform private.assert_service();
  if p_amount_refunded is null or p_amount_refunded < 0 then
    perform private.fail('TG422', 'The refunded amount must be zero or more.', jsonb_build_object('field', 'amount_refunded'));
  end if;
  payment := private.find_payment(null, null, p_payment_intent_id);
  if payment.id is null or payment.status not in ('paid', 'refunded') then
    perform private.record_event(p_event_id, p_event_type, 'ignored', payment.id,
      'The charge belongs to no paid payment.');
    return query select payment.id, 0::bigint, 0::bigint, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, 0::bigint, 0::bigint, true;
    return;
  end if;
  taken := private.claw_back(payment, p_amount_refunded);
  return query select p.id, taken, p.clawback_shortfall - payment.clawback_shortfall, false
  from public.payments p where p.id = payment.id;
end
$$;
comment on function public.payment_refunded(text, text, text, bigint) is
  'Service only (charge.refunded): claws back the refunded share of a payment''s credits, once per event.';

-- ===================================================================== DISPUTES
create function public.payment_dispute_opened(
  p_event_id text, p_event_type text, p_dispute_id text, p_payment_intent_id text, p_amount bigint, p_reason text
) returns table (payment_id uuid, frozen boolean, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  payment public.payments;
begin
  perform private.assert_service();
  payment := private.find_payment(null, null, p_payment_intent_id);
  if payment.id is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No payment matches this event.');
    return query select null::uuid, false, false;
    return;
  end if;
  payment := private.lock_payment(payment.id);
  if not private.record_event(p_event_id, p_event_type, 'processed', payment.id) then
    return query select payment.id, true, true;
    return;
  end if;
  insert into public.payment_disputes (id, payment_id, account_id, amount, reason)
  values (p_dispute_id, payment.id, payment.account_id, greatest(coalesce(p_amount, payment.amount), 1), left(p_reason, 100))
  on conflict (id) do nothing;
  update public.payments p set dispute_status = 'open' where p.id = payment.id;
  update public.accounts a
  set frozen_at = coalesce(a.frozen_at, now()),
      frozen_reason = coalesce(a.frozen_reason, 'Payment dispute ' || p_dispute_id || ' is open.')
  where a.id = payment.account_id;
  perform private.notify_wallet_managers(payment.account_id, 'billing.dispute_opened',
    'Spending is paused by a payment dispute',
    'A card payment for the ' || payment.package_name || ' package was disputed. Credits cannot be spent until the dispute is resolved.');
  return query select payment.id, true, false;
end
$$;
comment on function public.payment_dispute_opened(text, text, text, text, bigint, text) is
  'Service only (charge.dispute.created): freezes spending from the wallet the disputed payment paid into.';

create function public.payment_dispute_closed(p_event_id text, p_event_type text, p_dispute_id text, p_status text)
returns table (payment_id uuid, frozen boolean, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  dispute public.payment_disputes;
  payment public.payments;
  still_frozen boolean;
begin
  perform private.assert_service();
  select * into dispute from public.payment_disputes d where d.id = p_dispute_id;
  if not found then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No dispute matches this event.');
    return query select null::uuid, false, false;
    return;
  end if;
  payment := private.lock_payment(dispute.payment_id);
  if not private.record_event(p_event_id, p_event_type, 'processed', dispute.payment_id) then
    return query select dispute.payment_id, null::boolean, true;
    return;
  end if;
  update public.payment_disputes d
  set status = case when p_status = 'lost' then 'lost' else 'won' end, closed_at = now()
  where d.id = dispute.id and d.status = 'open';
  update public.payments p set dispute_status = case when p_status = 'lost' then 'lost' else 'won' end
  where p.id = payment.id;
  -- A lost dispute returned the money to the card: its credits go back like a refund.
  if p_status = 'lost' then
    perform private.claw_back(payment, payment.amount_refunded + dispute.amount);
  end if;
  perform 1 from public.accounts a where a.id = dispute.account_id for no key update;
  if not exists (select 1 from public.payment_disputes d where d.account_id = dispute.account_id and d.status = 'open') then
    update public.accounts a set frozen_at = null, frozen_reason = null
    where a.id = dispute.account_id and a.frozen_reason like 'Payment dispute %';
  end if;
  select a.frozen_at is not null into still_frozen from public.accounts a where a.id = dispute.account_id;
  return query select payment.id, still_frozen, false;
end
$$;
comment on function public.payment_dispute_closed(text, text, text, text) is
  'Service only (charge.dispute.closed): a lost dispute claws back; the wallet unfreezes when none is open.';

-- ===================================================================== AUTO-RECHARGE QUEUE
/*
 * Attached to private.after_debit: a debit left the wallet below its armed auto-recharge
 * threshold. Disarms it (single flight: the wallet row is already locked by the debit) and
 * queues one recharge payment for the dispatcher.
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

create function public.auto_recharge_claim(p_limit integer default 10)
returns table (payment_id uuid, account_id uuid, package_id uuid, package_name text, amount bigint,
               currency text, provider text, customer_id text, payment_method_id text)
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  -- skip locked + claimed_at: concurrent dispatchers never take the same payment; a claim left
  -- behind by a crash is taken over after five minutes (the Stripe idempotency key makes it safe).
  return query
  with due as (
    select p.id from public.payments p
    where p.kind = 'auto_recharge' and p.status = 'pending'
      and (p.claimed_at is null or p.claimed_at < now() - interval '5 minutes')
    order by p.created_at
    limit greatest(least(p_limit, 100), 1)
    for update skip locked
  ), claimed as (
    update public.payments p set claimed_at = now() from due where p.id = due.id
    returning p.id, p.account_id, p.package_id, p.package_name, p.amount, p.currency, p.provider
  )
  select c.id, c.account_id, c.package_id, c.package_name, c.amount, c.currency, c.provider,
         b.customer_id, b.payment_method_id
  from claimed c left join public.billing_customers b on b.account_id = c.account_id;
end
$$;
comment on function public.auto_recharge_claim(integer) is
  'Service only: claims queued auto-recharge payments for the dispatcher (each by one dispatcher).';

create function public.auto_recharge_dispatched(p_payment_id uuid, p_payment_intent_id text) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.payments p set payment_intent_id = p_payment_intent_id, status = 'processing'
  where p.id = p_payment_id and p.status = 'pending';
end
$$;
comment on function public.auto_recharge_dispatched(uuid, text) is
  'Service only: records the off-session PaymentIntent created for an auto-recharge payment.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.assert_service(), private.assert_billing_manager(uuid),
  private.record_event(text, text, text, uuid, text), private.lock_payment(uuid),
  private.notify_wallet_managers(uuid, text, text, text), private.disable_auto_recharge(uuid, text),
  private.find_payment(uuid, text, text), private.claw_back(public.payments, bigint),
  private.request_auto_recharge(uuid)
from public, anon, authenticated, service_role;

revoke all on function
  public.credit_package_upsert(uuid, text, text, text, bigint, bigint, integer, bigint, text, boolean, smallint),
  public.credit_package_set_stripe_ids(uuid, text, text),
  public.billing_customer_save(uuid, text, text),
  public.payment_begin(uuid, uuid, text, text),
  public.payment_attach_checkout(uuid, text, text),
  public.auto_recharge_configure(uuid, boolean, bigint, uuid),
  public.billing_payment_method(uuid),
  public.stripe_event_ignore(text, text),
  public.stripe_event_reject(text, text, text),
  public.payment_fulfil(text, text, uuid, text, text, bigint, text, text, text, text, text, text),
  public.payment_mark_processing(text, text, uuid, text, text),
  public.payment_mark_failed(text, text, uuid, text, text, text, text),
  public.payment_refunded(text, text, text, bigint),
  public.payment_dispute_opened(text, text, text, text, bigint, text),
  public.payment_dispute_closed(text, text, text, text),
  public.auto_recharge_claim(integer),
  public.auto_recharge_dispatched(uuid, text)
from public, anon, authenticated, service_role;

-- Signed-in people: what checks its caller inside.
grant execute on function
  public.credit_package_upsert(uuid, text, text, text, bigint, bigint, integer, bigint, text, boolean, smallint),
  public.payment_begin(uuid, uuid, text, text),
  public.auto_recharge_configure(uuid, boolean, bigint, uuid),
  public.billing_payment_method(uuid)
to authenticated;

grant execute on function
  public.credit_package_upsert(uuid, text, text, text, bigint, bigint, integer, bigint, text, boolean, smallint),
  public.credit_package_set_stripe_ids(uuid, text, text),
  public.billing_customer_save(uuid, text, text),
  public.payment_begin(uuid, uuid, text, text),
  public.payment_attach_checkout(uuid, text, text),
  public.auto_recharge_configure(uuid, boolean, bigint, uuid),
  public.billing_payment_method(uuid),
  public.stripe_event_ignore(text, text),
  public.stripe_event_reject(text, text, text),
  public.payment_fulfil(text, text, uuid, text, text, bigint, text, text, text, text, text, text),
  public.payment_mark_processing(text, text, uuid, text, text),
  public.payment_mark_failed(text, text, uuid, text, text, text, text),
  public.payment_refunded(text, text, text, bigint),
  public.payment_dispute_opened(text, text, text, text, bigint, text),
  public.payment_dispute_closed(text, text, text, text),
  public.auto_recharge_claim(integer),
  public.auto_recharge_dispatched(uuid, text)
to service_role;

-- Billing, part 4: what plans cost. Each plan sold through Stripe Billing has a monthly price (and
-- optionally a yearly one) in a currency's minor unit, a free trial, the grace days a failed
-- renewal keeps the plan working, and how many unused plan credits roll into the next period.
-- A plan with no row here (or no amount) is not for sale: checkout answers 422. `npm run
-- stripe:sync` writes each priced plan's Stripe product and prices back here.
--
-- Who sees what: everyone signed in reads the prices (the public pricing page reads them as the
-- service); platform admins edit them through plan_billing_set.

-- ===================================================================== TABLES
create table public.plan_billing (
  plan_id text primary key references public.plans (id) on delete cascade,
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  -- Minor units (cents); null = not sold at that interval. Stripe's minimum charge is 50 cents.
  monthly_amount bigint check (monthly_amount between 50 and 100000000),
  yearly_amount bigint check (yearly_amount between 50 and 1000000000),
  trial_days smallint not null default 0 check (trial_days between 0 and 365),
  -- Days a past-due subscription keeps its plan before it falls back to the default plan.
  grace_days smallint not null default 7 check (grace_days between 0 and 60),
  -- Micro-credits of a period's unused plan credits carried into the next period (0 = none).
  rollover_cap bigint not null default 0 check (rollover_cap between 0 and 1000000000000000),
  stripe_product_id text check (stripe_product_id is null or stripe_product_id ~ '^prod_[A-Za-z0-9_]+$'),
  -- Cleared when the amount or currency changes, so a checkout never charges a stale price.
  stripe_monthly_price_id text check (stripe_monthly_price_id is null or stripe_monthly_price_id ~ '^price_[A-Za-z0-9_]+$'),
  stripe_yearly_price_id text check (stripe_yearly_price_id is null or stripe_yearly_price_id ~ '^price_[A-Za-z0-9_]+$'),
  updated_at timestamptz not null default now(),
  constraint plan_billing_yearly_needs_monthly check (yearly_amount is null or monthly_amount is not null)
);
comment on table public.plan_billing is
  'Prices (minor units), trial, grace and rollover cap of the plans sold through Stripe Billing. Edited via plan_billing_set.';

-- ===================================================================== RLS
alter table public.plan_billing enable row level security;
revoke all on public.plan_billing from public, anon, authenticated, service_role;
grant select on public.plan_billing to authenticated, service_role;
create policy plan_billing_select on public.plan_billing for select to authenticated using (true);

-- ===================================================================== REFERENCE DATA
-- Free and Starter cost nothing; Pro and Enterprise are sold monthly and yearly (two months free);
-- Enterprise starts with a 14-day trial.
insert into public.plan_billing (plan_id, currency, monthly_amount, yearly_amount, trial_days, grace_days,
                                 rollover_cap)
values ('pro', 'usd', 2900, 29000, 0, 7, 100000000),
       ('enterprise', 'usd', 9900, 99000, 14, 14, 500000000);

-- ===================================================================== TRIGGERS
create trigger plan_billing_touch before update on public.plan_billing
  for each row execute function private.touch_updated_at();

-- ===================================================================== FUNCTIONS
/* Sets a plan's prices and billing terms. A changed amount or currency forgets its Stripe price. */
create function public.plan_billing_set(
  p_plan_id text, p_currency text, p_monthly_amount bigint, p_yearly_amount bigint, p_trial_days smallint,
  p_grace_days smallint, p_rollover_cap bigint
) returns public.plan_billing
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.plan_billing;
begin
  perform private.assert_plan_admin();
  if not exists (select 1 from public.plans p where p.id = p_plan_id) then
    perform private.fail('TG404', 'Plan not found.', jsonb_build_object('planId', p_plan_id));
  end if;
  if p_currency is null or lower(p_currency) !~ '^[a-z]{3}$' then
    perform private.fail('TG422', 'A currency is a three-letter ISO code.', jsonb_build_object('field', 'currency'));
  end if;
  if p_yearly_amount is not null and p_monthly_amount is null then
    perform private.fail('TG422', 'A yearly price needs a monthly price too.',
      jsonb_build_object('field', 'yearly_amount'));
  end if;
  insert into public.plan_billing as b (plan_id, currency, monthly_amount, yearly_amount, trial_days, grace_days,
                                        rollover_cap)
  values (p_plan_id, lower(p_currency), p_monthly_amount, p_yearly_amount, coalesce(p_trial_days, 0),
          coalesce(p_grace_days, 7), coalesce(p_rollover_cap, 0))
  on conflict (plan_id) do update
  set currency = excluded.currency, monthly_amount = excluded.monthly_amount,
      yearly_amount = excluded.yearly_amount, trial_days = excluded.trial_days,
      grace_days = excluded.grace_days, rollover_cap = excluded.rollover_cap,
      stripe_monthly_price_id = case when b.monthly_amount is not distinct from excluded.monthly_amount
                                      and b.currency = excluded.currency then b.stripe_monthly_price_id end,
      stripe_yearly_price_id = case when b.yearly_amount is not distinct from excluded.yearly_amount
                                     and b.currency = excluded.currency then b.stripe_yearly_price_id end
  returning * into saved;
  return saved;
end
$$;
comment on function public.plan_billing_set(text, text, bigint, bigint, smallint, smallint, bigint) is
  'Platform admins: a plan''s prices, trial, grace and rollover cap. A changed amount clears its Stripe price id.';

create function public.plan_billing_set_stripe_ids(
  p_plan_id text, p_product_id text, p_monthly_price_id text, p_yearly_price_id text
) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.plan_billing b
  set stripe_product_id = p_product_id, stripe_monthly_price_id = p_monthly_price_id,
      stripe_yearly_price_id = p_yearly_price_id
  where b.plan_id = p_plan_id;
  if not found then
    perform private.fail('TG404', 'This plan has no prices.', jsonb_build_object('planId', p_plan_id));
  end if;
end
$$;
comment on function public.plan_billing_set_stripe_ids(text, text, text, text) is
  'Service only (npm run stripe:sync): records the Stripe product and prices of a plan.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.plan_billing_set(text, text, bigint, bigint, smallint, smallint, bigint),
  public.plan_billing_set_stripe_ids(text, text, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.plan_billing_set(text, text, bigint, bigint, smallint, smallint, bigint)
to authenticated, service_role;
grant execute on function public.plan_billing_set_stripe_ids(text, text, text, text) to service_role;

-- Billing, part 5: subscriptions sold through Stripe Billing (or the local test checkout).
--
-- Stripe is the truth for billing state: billing_subscriptions mirrors each Stripe subscription
-- (status, price, period, cancel_at_period_end) from its webhook events, newest event wins.
-- Postgres is the truth for entitlements: each paid invoice opens exactly one paid term in
-- public.subscriptions, aligned to Stripe's billing period. A monthly term is one plan period,
-- with its plan credit lot (idempotency key invoice:<id>) and the allowance refresh; a yearly
-- term is lived as twelve calendar months, each opened by sync_subscription with its own plan
-- credits and allowances. While billed_until is ahead, the 30-day clock of sync_subscription
-- leaves the periods to the invoices.
--
-- Every function here locks the subject's public.subscriptions row first, then records the event,
-- so parallel deliveries (invoice.paid beside customer.subscription.updated, or a replay of
-- either) queue on one row and a replay changes nothing.

-- ===================================================================== TABLES
create table public.billing_subscriptions (
  id text primary key check (id ~ '^sub_[A-Za-z0-9_]+$'),
  account_id uuid not null references public.accounts (id) on delete restrict,
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  provider text not null check (provider in ('stripe', 'local')),
  customer_id text not null check (customer_id ~ '^cus_[A-Za-z0-9_]+$'),
  plan_id text not null references public.plans (id),
  price_id text check (char_length(price_id) <= 255),
  billing_interval text not null check (billing_interval in ('month', 'year')),
  status text not null check (status in ('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due',
                                         'canceled', 'unpaid', 'paused')),
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  cancel_at_period_end boolean not null default false,
  trial_end timestamptz,
  -- When the last invoice payment failed (cleared by a paid one): the grace period counts from it.
  past_due_since timestamptz,
  -- The Stripe event time of the last update applied: an older event never overwrites a newer one.
  synced_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint billing_subscriptions_period check (current_period_end > current_period_start)
);
comment on table public.billing_subscriptions is
  'Mirror of each Stripe subscription (status, price, period, cancel_at_period_end). Written by the webhook only.';

create table public.billing_invoices (
  id text primary key check (id ~ '^in_[A-Za-z0-9_]+$'),
  account_id uuid not null references public.accounts (id) on delete restrict,
  subscription_id text references public.billing_subscriptions (id) on delete set null,
  plan_id text references public.plans (id),
  status text not null check (status in ('draft', 'open', 'paid', 'void', 'uncollectible')),
  billing_reason text check (char_length(billing_reason) <= 60),
  -- Minor units (cents), as Stripe counts them.
  amount_paid bigint not null default 0 check (amount_paid >= 0),
  tax bigint not null default 0 check (tax >= 0),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  period_start timestamptz not null,
  period_end timestamptz not null,
  hosted_invoice_url text check (char_length(hosted_invoice_url) <= 2048),
  invoice_pdf text check (char_length(invoice_pdf) <= 2048),
  -- The plan credit lot this invoice's period opened (null until paid, or when it opened none).
  plan_lot_id bigint references public.lots (id),
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.billing_invoices is
  'Subscription invoices as Stripe reports them; a paid one opens one plan period, once.';

-- The lot of plan credits rolled over from the ending period at this invoice (rollover_cap).
alter table public.billing_invoices add column rollover_lot_id bigint references public.lots (id);

-- A plan change waiting for the period end (a downgrade, or a switch to a shorter interval): the
-- Stripe subscription schedule that carries it (none in local mode), shown on the billing page.
-- Cleared by the subscription event of the period it takes effect in, or when it is called off.
alter table public.billing_subscriptions
  add column pending_plan_id text references public.plans (id),
  add column pending_interval text check (pending_interval in ('month', 'year')),
  add column pending_at timestamptz,
  add column schedule_id text check (schedule_id ~ '^sub_sched_[A-Za-z0-9_]+$'),
  add constraint billing_subscriptions_pending check (
    (pending_plan_id is null) = (pending_interval is null) and (pending_plan_id is null) = (pending_at is null));

alter table public.subscriptions add column billed_until timestamptz;
comment on column public.subscriptions.billed_until is
  'Set while a paid Stripe subscription carries the plan: periods come from paid invoices until then (plus grace).';

-- The end of the term the last paid invoice (or trial) paid for, without grace. A term longer
-- than a month (a yearly plan) is lived as calendar months: each opens in sync_subscription with
-- its own plan credits and allowances until paid_through.
alter table public.subscriptions add column paid_through timestamptz;
comment on column public.subscriptions.paid_through is
  'End of the paid term (a month or a year) without grace; the plan period is the month inside it.';

-- ===================================================================== INDEXES
create index billing_subscriptions_account_idx on public.billing_subscriptions (account_id, created_at desc);
create index billing_subscriptions_plan_idx on public.billing_subscriptions (plan_id);
create index billing_subscriptions_customer_idx on public.billing_subscriptions (customer_id);
create index billing_invoices_account_idx on public.billing_invoices (account_id, created_at desc);
create index billing_invoices_subscription_idx on public.billing_invoices (subscription_id);
create index billing_invoices_plan_idx on public.billing_invoices (plan_id);
create index billing_invoices_lot_idx on public.billing_invoices (plan_lot_id) where plan_lot_id is not null;

-- ===================================================================== RLS
alter table public.billing_subscriptions enable row level security;
alter table public.billing_invoices enable row level security;
revoke all on public.billing_subscriptions, public.billing_invoices from public, anon, authenticated, service_role;
grant select on public.billing_subscriptions, public.billing_invoices to authenticated, service_role;
create policy billing_subscriptions_select on public.billing_subscriptions for select to authenticated
  using (account_id = any ((select private.billing_accounts())::uuid[]) or (select private.is_platform_admin()));
create policy billing_invoices_select on public.billing_invoices for select to authenticated
  using (account_id = any ((select private.billing_accounts())::uuid[]) or (select private.is_platform_admin()));

-- ===================================================================== TRIGGERS
create trigger billing_subscriptions_touch before update on public.billing_subscriptions
  for each row execute function private.touch_updated_at();
create trigger billing_invoices_touch before update on public.billing_invoices
  for each row execute function private.touch_updated_at();

-- ===================================================================== HELPERS
/* The wallet's subject and its entitlement row, locked: always the first lock a billing event takes. */
create function private.lock_billing_subject(account uuid) returns public.subscriptions
language plpgsql security definer set search_path = ''
as $$
declare
  wallet record;
  sub public.subscriptions;
begin
  select case when a.org_id is null then 'user' else 'org' end as kind, coalesce(a.org_id, a.user_id) as id
  into wallet from public.accounts a where a.id = account and a.kind <> 'system';
  if not found then
    return null;
  end if;
  perform private.sync_subscription(wallet.kind, wallet.id);
  select * into sub from public.subscriptions s
  where s.subject_kind = wallet.kind and s.subject_id = wallet.id for no key update;
  return sub;
end
$$;
comment on function private.lock_billing_subject(uuid) is
  'Settles and locks the entitlement row of a wallet''s user or org (null for an unknown wallet).';

/* The wallet a billing event is about: by our metadata, else by its Stripe customer. */
create function private.billing_account(account uuid, customer text) returns uuid
language sql stable security definer set search_path = ''
as $$
  select coalesce(
    (select a.id from public.accounts a where a.id = account and a.kind <> 'system'),
    (select c.account_id from public.billing_customers c where c.customer_id = customer))
$$;
comment on function private.billing_account(uuid, text) is 'The wallet named by metadata, else by Stripe customer id.';

/*
 * Moves the subject back to the default plan on the 30-day clock from now (a subscription that
 * ended, or whose grace ran out). The current plan lot keeps its own expiry.
 */
create function private.end_paid_plan(sub public.subscriptions) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
begin
  update public.subscriptions s
  set plan_id = (select p.id from public.plans p where p.is_default), pending_plan_id = null, pending_at = null,
      billed_until = null, paid_through = null, anchor_at = at, current_period_start = at - interval '30 days',
      current_period_end = at, period_credits_granted = 0
  where s.id = sub.id;
  perform private.sync_subscription(sub.subject_kind, sub.subject_id);
end
$$;
comment on function private.end_paid_plan(public.subscriptions) is
  'Back to the default plan from now (its first period is granted at once).';

-- ===================================================================== FUNCTIONS
/*
 * Checks a subscription checkout before the customer is sent to Stripe: the caller manages the
 * wallet's billing (a plain org member: TG403), the plan is sold at that interval (TG422), and
 * the wallet has no live subscription yet (TG409: change the plan from the billing page).
 */
create function public.billing_subscribe_begin(p_account uuid, p_plan_id text, p_interval text)
returns table (plan_name text, currency text, amount bigint, trial_days smallint, stripe_price_id text,
               stripe_product_id text, customer_id text, subject_kind text, subject_id uuid)
language plpgsql security definer set search_path = ''
as $$
declare
  plan public.plans;
  price public.plan_billing;
  wallet record;
begin
  perform private.assert_billing_manager(p_account);
  if p_interval is null or p_interval not in ('month', 'year') then
    perform private.fail('TG422', 'The interval is month or year.', jsonb_build_object('field', 'interval'));
  end if;
  select * into plan from public.plans p where p.id = p_plan_id and p.is_active;
  if not found then
    perform private.fail('TG404', 'Plan not found.', jsonb_build_object('planId', p_plan_id));
  end if;
  select * into price from public.plan_billing b where b.plan_id = p_plan_id;
  if (case p_interval when 'year' then price.yearly_amount else price.monthly_amount end) is null then
    perform private.fail('TG422', format('The %s plan has no %sly price.', plan.name, p_interval),
      jsonb_build_object('field', 'plan_id', 'planId', p_plan_id));
  end if;
  if exists (select 1 from public.billing_subscriptions s
             where s.account_id = p_account and s.status not in ('canceled', 'incomplete_expired', 'incomplete')) then
    perform private.fail('TG409', 'This wallet already has a subscription: change its plan from the billing page.',
      jsonb_build_object('account', p_account));
  end if;
  select case when a.org_id is null then 'user' else 'org' end as kind, coalesce(a.org_id, a.user_id) as id
  into wallet from public.accounts a where a.id = p_account;
  return query
  select plan.name, price.currency,
         case p_interval when 'year' then price.yearly_amount else price.monthly_amount end,
         price.trial_days,
         case p_interval when 'year' then price.stripe_yearly_price_id else price.stripe_monthly_price_id end,
         price.stripe_product_id,
         (select c.customer_id from public.billing_customers c where c.account_id = p_account),
         wallet.kind, wallet.id;
end
$$;
comment on function public.billing_subscribe_begin(uuid, text, text) is
  'Checks a subscription checkout (manager, priced plan, no live subscription) and returns its inputs.';

/*
 * Mirrors a Stripe subscription from customer.subscription.created|updated|deleted (and the
 * subscription a completed checkout names). An older event than the one applied changes nothing.
 * A deleted subscription returns the subject to the default plan.
 */
create function public.billing_subscription_sync(
  p_event_id text, p_event_type text, p_event_created timestamptz, p_subscription_id text, p_account uuid,
  p_customer_id text, p_provider text, p_plan_id text, p_price_id text, p_interval text, p_status text,
  p_period_start timestamptz, p_period_end timestamptz, p_cancel_at_period_end boolean, p_trial_end timestamptz
) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  account uuid;
  sub public.subscriptions;
  mirror public.billing_subscriptions;
begin
  perform private.assert_service();
  account := private.billing_account(p_account, p_customer_id);
  if account is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null, 'No wallet matches this customer.');
    return 'unknown';
  end if;
  sub := private.lock_billing_subject(account);
  if not private.record_event(p_event_id, p_event_type, 'processed', null) then
    return 'replayed';
  end if;
  if not exists (select 1 from public.plans p where p.id = p_plan_id) then
    perform private.fail('TG422', 'The subscription names no known plan.', jsonb_build_object('planId', p_plan_id));
  end if;
  insert into public.billing_subscriptions as m (id, account_id, subject_kind, subject_id, provider, customer_id,
    plan_id, price_id, billing_interval, status, current_period_start, current_period_end, cancel_at_period_end,
    trial_end, synced_at)
  values (p_subscription_id, account, sub.subject_kind, sub.subject_id, coalesce(p_provider, 'stripe'), p_customer_id,
    p_plan_id, p_price_id, p_interval, p_status, p_period_start, p_period_end, coalesce(p_cancel_at_period_end, false),
    p_trial_end, p_event_created)
  on conflict (id) do update
  set plan_id = excluded.plan_id, price_id = excluded.price_id, billing_interval = excluded.billing_interval,
      status = excluded.status, current_period_start = excluded.current_period_start,
      current_period_end = excluded.current_period_end, cancel_at_period_end = excluded.cancel_at_period_end,
      trial_end = excluded.trial_end, synced_at = excluded.synced_at,
      past_due_since = case when excluded.status = 'past_due' then coalesce(m.past_due_since, excluded.synced_at) end
  where m.synced_at <= excluded.synced_at
  returning * into mirror;
  if mirror.id is null then
    return 'stale';
  end if;
  -- A scheduled change is done once its period has begun (or the subscription is over).
  if mirror.pending_at is not null and (mirror.current_period_start >= mirror.pending_at
      or mirror.status in ('canceled', 'incomplete_expired')) then
    update public.billing_subscriptions m
    set pending_plan_id = null, pending_interval = null, pending_at = null, schedule_id = null
    where m.id = mirror.id;
  end if;
  -- A trial carries the plan without an invoice: the trial period is the first plan period.
  if mirror.status = 'trialing' and sub.billed_until is null then
    perform private.open_plan_period(sub, mirror.plan_id, mirror.current_period_start, mirror.current_period_end,
                                     'trial:' || mirror.id);
  elsif mirror.status in ('canceled', 'incomplete_expired', 'unpaid') and sub.billed_until is not null then
    perform private.end_paid_plan(sub);
  end if;
  return 'processed';
end
$$;
comment on function public.billing_subscription_sync(text, text, timestamptz, text, uuid, text, text, text, text, text, text, timestamptz, timestamptz, boolean, timestamptz) is
  'Service only (webhook): mirrors a Stripe subscription; a deleted one returns the subject to the default plan.';

/*
 * Opens the paid term [term_start, term_end) for a subject: the plan, and the term's first month
 * as the plan period (the whole term when it is a month or less) with the plan's credits as a
 * lot expiring at the month's end (keyed by `grant_key`, so once) and the allowances refreshed at
 * the next use; sync_subscription opens the term's later months. A term that starts before the
 * current one ends (monthly to yearly, a trial ended early) ends that period's plan credits now:
 * Stripe credits its unused time. A later term never moves back.
 */
create function private.open_plan_period(
  sub public.subscriptions, plan_id text, term_start timestamptz, term_end timestamptz, grant_key text
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  plan public.plans;
  grace smallint;
  wallet uuid;
  month record;
  lot bigint;
begin
  select * into plan from public.plans p where p.id = plan_id;
  select coalesce(b.grace_days, 0) into grace from public.plan_billing b where b.plan_id = plan.id;
  if term_end <= at then
    return null; -- a term already over (a late replay of an old invoice): nothing to open
  end if;
  wallet := private.subject_wallet(sub.subject_kind, sub.subject_id);
  month := private.month_bounds(term_start, greatest(at, term_start), term_end);
  if sub.billed_until is not null and term_start < sub.current_period_start then
    -- An older term delivered late: its month's credits, but the plan period stays where it is.
    if plan.monthly_credit_grant > 0 then
      select g.lot_id into lot from public.credit_grant(wallet, plan.monthly_credit_grant, 'plan', grant_key,
        month.period_end, null, plan.name || ' plan credits',
        jsonb_build_object('subscriptionId', sub.id, 'periodStart', month.period_start), 'subscription') g;
    end if;
    return lot;
  end if;
  if sub.billed_until is not null and term_start < sub.current_period_end then
    perform private.end_period_plan_lots(wallet, sub.current_period_end);
  end if;
  if plan.monthly_credit_grant > 0 then
    select g.lot_id into lot from public.credit_grant(wallet, plan.monthly_credit_grant, 'plan', grant_key,
      month.period_end, null, plan.name || ' plan credits',
      jsonb_build_object('subscriptionId', sub.id, 'periodStart', month.period_start), 'subscription') g;
  end if;
  update public.subscriptions s
  set plan_id = plan.id, pending_plan_id = null, pending_at = null, anchor_at = term_start,
      current_period_start = month.period_start, current_period_end = month.period_end,
      period_credits_granted = plan.monthly_credit_grant, paid_through = term_end,
      billed_until = term_end + make_interval(days => coalesce(grace, 0))
  where s.id = sub.id;
  -- Every allowance refreshes at its next use, into the new plan and period.
  update public.token_balances b
  set period_start = least(b.period_start, at - interval '1 second'), refresh_at = at
  where b.subject_kind = sub.subject_kind and b.subject_id = sub.subject_id and b.refresh_at > at;
  return lot;
end
$$;
comment on function private.open_plan_period(public.subscriptions, text, timestamptz, timestamptz, text) is
  'Opens a paid term: plan, its first month as the plan period, plan credit lot (once per key), allowance refresh.';

/*
 * Ends the plan credits issued for the period ending at `period_end` (its grant and any upgrade
 * top-up) now, through the usual sweep, and returns those lots. Caller holds the subject lock.
 */
create function private.end_period_plan_lots(account uuid, period_end timestamptz) returns bigint[]
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  ending bigint[];
begin
  perform private.settle_wallet(account);
  select coalesce(array_agg(l.id order by l.id), '{}') into ending
  from public.lots l join public.transfers t on t.id = l.origin_transfer_id
  where l.account_id = account and l.source = 'plan' and l.expires_at = period_end
    and t.debit_account_id = private.system_account('issuance:plan');
  if exists (select 1 from public.lots l where l.id = any (ending) and l.expired_at is null and l.remaining > 0) then
    update public.lots l set expires_at = at where l.id = any (ending) and l.expired_at is null;
    update public.accounts a set next_expiry_at = least(a.next_expiry_at, at) where a.id = account;
    perform private.sweep_account(account, at);
  end if;
  return ending;
end
$$;
comment on function private.end_period_plan_lots(uuid, timestamptz) is
  'Ends now the plan lots issued for the period ending at period_end; returns them.';

/*
 * Rollover at renewal, and between the months of a yearly term: the unused remainder of the
 * ending period's plan credits expires as always, and up to the ending plan's rollover cap of it
 * comes back from `expired`, by one transfer keyed `rollover:<period key>` (`invoice:<id>`, or
 * the subscription and month), as a plan lot expiring at the end of the new period. Caller holds
 * the subject lock.
 */
create function private.roll_over_plan_credits(
  sub public.subscriptions, account uuid, period_key text, period_start timestamptz, period_end timestamptz
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  cap bigint;
  ending bigint[];
  expired bigint;
  moved bigint;
  transfer bigint;
begin
  select coalesce(b.rollover_cap, 0) into cap from public.plan_billing b where b.plan_id = sub.plan_id;
  if coalesce(cap, 0) = 0 or sub.billed_until is null or sub.current_period_end is null
     or period_start < sub.current_period_end or period_end <= at then
    return null;
  end if;
  ending := private.end_period_plan_lots(account, sub.current_period_end);
  if cardinality(ending) = 0 then
    return null;
  end if;
  select coalesce(sum(b.amount), 0) into expired
  from public.lot_burns b join public.transfers t on t.id = b.transfer_id
  where b.lot_id = any (ending) and t.kind = 'expire';
  moved := least(expired, cap);
  if moved <= 0 then
    return null;
  end if;
  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                metadata, key_account_id, idempotency_key)
  values (private.system_account('expired'), account, moved, 'grant', 'subscription', 'Rolled-over plan credits',
          jsonb_build_object('rollover', true, 'fromLots', to_jsonb(ending), 'period', period_key,
                             'subscriptionId', sub.id),
          account, 'rollover:' || period_key)
  returning id into transfer;
  return private.add_lot(account, moved, 'plan', private.default_priority('plan'), period_end, transfer);
end
$$;
comment on function private.roll_over_plan_credits(public.subscriptions, uuid, text, timestamptz, timestamptz) is
  'At a new period: up to the plan''s rollover cap of the ending plan lots'' unused credits, as a lot to its end.';
revoke all on function private.roll_over_plan_credits(public.subscriptions, uuid, text, timestamptz, timestamptz),
  private.end_period_plan_lots(uuid, timestamptz)
from public, anon, authenticated, service_role;

/*
 * invoice.paid: records the invoice and opens the plan period it paid for, exactly once per
 * invoice. A payment after a failure clears past_due and restores the plan.
 */
create function public.billing_invoice_paid(
  p_event_id text, p_event_type text, p_invoice_id text, p_subscription_id text, p_account uuid,
  p_customer_id text, p_plan_id text, p_billing_reason text, p_period_start timestamptz,
  p_period_end timestamptz, p_amount_paid bigint, p_tax bigint, p_currency text, p_hosted_invoice_url text,
  p_invoice_pdf text
) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  account uuid;
  sub public.subscriptions;
  invoice public.billing_invoices;
  lot bigint;
  rollover bigint;
begin
  perform private.assert_service();
  account := private.billing_account(p_account, p_customer_id);
  if account is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null, 'No wallet matches this customer.');
    return 'unknown';
  end if;
  sub := private.lock_billing_subject(account);
  if not private.record_event(p_event_id, p_event_type, 'processed', null) then
    return 'replayed';
  end if;
  if not exists (select 1 from public.plans p where p.id = p_plan_id) then
    perform private.fail('TG422', 'The invoice names no known plan.', jsonb_build_object('planId', p_plan_id));
  end if;
  insert into public.billing_invoices as i (id, account_id, subscription_id, plan_id, status, billing_reason,
    amount_paid, tax, currency, period_start, period_end, hosted_invoice_url, invoice_pdf)
  values (p_invoice_id, account,
          (select m.id from public.billing_subscriptions m where m.id = p_subscription_id), p_plan_id, 'open',
          left(p_billing_reason, 60), coalesce(p_amount_paid, 0), coalesce(p_tax, 0), lower(p_currency),
          p_period_start, p_period_end, p_hosted_invoice_url, p_invoice_pdf)
  on conflict (id) do nothing;
  select * into invoice from public.billing_invoices i where i.id = p_invoice_id;
  if invoice.status = 'paid' then
    return 'replayed'; -- another event already opened this invoice's period
  end if;
  if p_billing_reason = 'subscription_update' and sub.billed_until is not null
     and p_period_start >= sub.current_period_start
     and p_period_end <= greatest(sub.current_period_end, sub.paid_through) then
    -- A proration invoice inside the paid term (an upgrade): today's upgrade rules apply to the
    -- current period, once — the new allowances less what was used, the difference in plan credits.
    if (select p.tier from public.plans p where p.id = p_plan_id)
       > (select p.tier from public.plans p where p.id = sub.plan_id) then
      perform 1 from public.subscription_change(sub.subject_kind, sub.subject_id, p_plan_id);
    end if;
  else
    rollover := private.roll_over_plan_credits(sub, account, 'invoice:' || p_invoice_id, p_period_start,
                                               p_period_end);
    lot := private.open_plan_period(sub, p_plan_id, p_period_start, p_period_end, 'invoice:' || p_invoice_id);
  end if;
  update public.billing_invoices i
  set status = 'paid', paid_at = now(), plan_lot_id = lot, rollover_lot_id = rollover, amount_paid = coalesce(p_amount_paid, i.amount_paid),
      tax = coalesce(p_tax, i.tax), hosted_invoice_url = coalesce(p_hosted_invoice_url, i.hosted_invoice_url),
      invoice_pdf = coalesce(p_invoice_pdf, i.invoice_pdf)
  where i.id = p_invoice_id;
  update public.billing_subscriptions m set past_due_since = null,
    status = case when m.status = 'past_due' then 'active' else m.status end
  where m.id = p_subscription_id;
  return 'processed';
end
$$;
comment on function public.billing_invoice_paid(text, text, text, text, uuid, text, text, text, timestamptz, timestamptz, bigint, bigint, text, text, text) is
  'Service only (webhook): records a paid invoice and opens its plan period (credit lot, allowance refresh) once.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.lock_billing_subject(uuid), private.billing_account(uuid, text), private.end_paid_plan(public.subscriptions),
  private.open_plan_period(public.subscriptions, text, timestamptz, timestamptz, text),
  public.billing_subscribe_begin(uuid, text, text),
  public.billing_subscription_sync(text, text, timestamptz, text, uuid, text, text, text, text, text, text, timestamptz, timestamptz, boolean, timestamptz),
  public.billing_invoice_paid(text, text, text, text, uuid, text, text, text, timestamptz, timestamptz, bigint, bigint, text, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.billing_subscribe_begin(uuid, text, text) to authenticated, service_role;
grant execute on function
  public.billing_subscription_sync(text, text, timestamptz, text, uuid, text, text, text, text, text, text, timestamptz, timestamptz, boolean, timestamptz),
  public.billing_invoice_paid(text, text, text, text, uuid, text, text, text, timestamptz, timestamptz, bigint, bigint, text, text, text)
to service_role;

/*
 * invoice.payment_failed: the invoice is recorded as open, the subscription is past due from
 * now (the grace days the plan sets count from its paid period's end, billed_until), and the
 * people who manage the wallet are told. A later invoice.paid for it restores everything.
 */
create function public.billing_invoice_failed(
  p_event_id text, p_event_type text, p_invoice_id text, p_subscription_id text, p_account uuid,
  p_customer_id text, p_plan_id text, p_period_start timestamptz, p_period_end timestamptz,
  p_amount_due bigint, p_currency text, p_hosted_invoice_url text
) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  account uuid;
  sub public.subscriptions;
begin
  perform private.assert_service();
  account := private.billing_account(p_account, p_customer_id);
  if account is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null, 'No wallet matches this customer.');
    return 'unknown';
  end if;
  sub := private.lock_billing_subject(account);
  if not private.record_event(p_event_id, p_event_type, 'processed', null) then
    return 'replayed';
  end if;
  insert into public.billing_invoices as i (id, account_id, subscription_id, plan_id, status, billing_reason,
    amount_paid, currency, period_start, period_end, hosted_invoice_url)
  values (p_invoice_id, account,
          (select m.id from public.billing_subscriptions m where m.id = p_subscription_id),
          (select p.id from public.plans p where p.id = p_plan_id), 'open', 'payment_failed', 0,
          lower(p_currency), p_period_start, p_period_end, p_hosted_invoice_url)
  on conflict (id) do nothing;
  update public.billing_subscriptions m
  set status = 'past_due', past_due_since = coalesce(m.past_due_since, now())
  where m.id = p_subscription_id and m.status in ('active', 'trialing', 'past_due');
  if found then
    perform private.notify_wallet_managers(account, 'billing.payment_failed', 'A subscription payment failed',
      format('We could not charge %s for your plan. Features keep working until %s; update your card from '
             'the billing page to keep the plan.',
             coalesce(p_amount_due::text || ' ' || upper(p_currency) || ' minor units', 'the invoice'),
             to_char(coalesce(sub.billed_until, now()) at time zone 'UTC', 'FMMonth FMDD, YYYY')));
  end if;
  return 'processed';
end
$$;
comment on function public.billing_invoice_failed(text, text, text, text, uuid, text, text, timestamptz, timestamptz, bigint, text, text) is
  'Service only (webhook): a failed subscription payment: past due, managers notified; the plan holds through its grace days.';
revoke all on function public.billing_invoice_failed(text, text, text, text, uuid, text, text, timestamptz, timestamptz, bigint, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.billing_invoice_failed(text, text, text, text, uuid, text, text, timestamptz, timestamptz, bigint, text, text)
to service_role;

-- Billing, part 6: changing the plan of a live subscription. An upgrade (a higher plan, or the
-- same plan from monthly to yearly) is made at once in Stripe with proration; its proration
-- invoice, paid, applies today's upgrade rules through billing_invoice_paid. A downgrade (a lower
-- plan, or a shorter interval) waits for the period end: a Stripe subscription schedule carries it,
-- and the mirror shows it as pending until the renewal's subscription event clears it.

-- ===================================================================== FUNCTIONS
/*
 * Checks a plan change before Stripe is asked: the caller manages the wallet (a plain org member:
 * TG403), the plan is sold at that interval (TG422), the wallet has a live subscription (TG404)
 * in good standing (TG409); returns the subscription, both prices and which way the change goes.
 * With a null plan (cancel, resume) only the manager and the live subscription are checked.
 */
create function public.billing_change_begin(p_account uuid, p_plan_id text, p_interval text)
returns table (subscription_id text, provider text, customer_id text, change text, plan_name text,
               currency text, amount bigint, stripe_price_id text, current_plan_id text,
               current_interval text, current_amount bigint, period_start timestamptz,
               period_end timestamptz, cancel_at_period_end boolean, schedule_id text,
               pending_plan_id text, pending_interval text)
language plpgsql security definer set search_path = ''
as $$
declare
  plan public.plans;
  price public.plan_billing;
  mirror public.billing_subscriptions;
  current_plan public.plans;
  direction text;
begin
  perform private.assert_billing_manager(p_account);
  if p_plan_id is not null then
    if p_interval is null or p_interval not in ('month', 'year') then
      perform private.fail('TG422', 'The interval is month or year.', jsonb_build_object('field', 'interval'));
    end if;
    select * into plan from public.plans p where p.id = p_plan_id and p.is_active;
    if not found then
      perform private.fail('TG404', 'Plan not found.', jsonb_build_object('planId', p_plan_id));
    end if;
    select * into price from public.plan_billing b where b.plan_id = p_plan_id;
    if (case p_interval when 'year' then price.yearly_amount else price.monthly_amount end) is null then
      perform private.fail('TG422',
        format('The %s plan has no %sly price; to leave the paid plans, cancel the subscription.', plan.name,
               p_interval),
        jsonb_build_object('field', 'plan_id', 'planId', p_plan_id));
    end if;
  end if;
  select * into mirror from public.billing_subscriptions s
  where s.account_id = p_account and s.status not in ('canceled', 'incomplete_expired', 'incomplete')
  order by s.created_at desc limit 1;
  if not found then
    perform private.fail('TG404', 'There is no subscription to change: choose a plan on the pricing page.',
      jsonb_build_object('account', p_account));
  end if;
  if p_plan_id is not null and mirror.status not in ('active', 'trialing') then
    perform private.fail('TG409', 'The last payment failed: update the card from the billing page first.',
      jsonb_build_object('status', mirror.status));
  end if;
  select * into current_plan from public.plans p where p.id = mirror.plan_id;
  direction := case
    when p_plan_id is null then 'none'
    when plan.id = current_plan.id and p_interval = mirror.billing_interval then 'keep'
    when plan.id = current_plan.id and p_interval = 'year' then 'upgrade'
    when plan.tier > current_plan.tier and not (mirror.billing_interval = 'year' and p_interval = 'month')
      then 'upgrade'
    else 'downgrade' end;
  return query
  select mirror.id, mirror.provider, mirror.customer_id, direction, plan.name, price.currency,
         case p_interval when 'year' then price.yearly_amount else price.monthly_amount end,
         case p_interval when 'year' then price.stripe_yearly_price_id else price.stripe_monthly_price_id end,
         mirror.plan_id, mirror.billing_interval,
         (select case mirror.billing_interval when 'year' then b.yearly_amount else b.monthly_amount end
          from public.plan_billing b where b.plan_id = mirror.plan_id),
         mirror.current_period_start, mirror.current_period_end, mirror.cancel_at_period_end, mirror.schedule_id,
         mirror.pending_plan_id, mirror.pending_interval;
end
$$;
comment on function public.billing_change_begin(uuid, text, text) is
  'Checks a plan change (manager, priced plan, live subscription in good standing) and returns its inputs.';

/*
 * Records (or, with a null plan, forgets) the change a subscription makes at its period end, once
 * Stripe holds it (the schedule) or, in local mode, for the local renewal to apply.
 */
create function public.billing_change_pending(
  p_subscription_id text, p_plan_id text, p_interval text, p_schedule_id text
) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  update public.billing_subscriptions m
  set pending_plan_id = p_plan_id, pending_interval = case when p_plan_id is not null then p_interval end,
      pending_at = case when p_plan_id is not null then m.current_period_end end,
      schedule_id = case when p_plan_id is not null then p_schedule_id end
  where m.id = p_subscription_id;
  if not found then
    perform private.fail('TG404', 'Subscription not found.', jsonb_build_object('subscriptionId', p_subscription_id));
  end if;
end
$$;
comment on function public.billing_change_pending(text, text, text, text) is
  'Service only: the plan change a subscription makes at its period end (null plan: none).';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.billing_change_begin(uuid, text, text), public.billing_change_pending(text, text, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.billing_change_begin(uuid, text, text) to authenticated, service_role;
grant execute on function public.billing_change_pending(text, text, text, text) to service_role;

-- Billing, part 7: Stripe subscription schedules. A schedule carries the change a subscription
-- makes at a phase start: ours (a downgrade waits for the period end in one), or one made in the
-- Stripe Dashboard. The subscription_schedule.* events mirror its next phase as the pending change
-- on billing_subscriptions; a schedule that ends forgets it. Nothing is granted here: the plan
-- still changes when the renewal invoice is paid.

-- ===================================================================== TABLES
create table public.billing_schedules (
  id text primary key check (id ~ '^sub_sched_[A-Za-z0-9_]+$'),
  subscription_id text not null references public.billing_subscriptions (id) on delete cascade,
  -- ended: released, canceled, completed or aborted; a schedule never comes back from it.
  status text not null check (status in ('active', 'ended')),
  -- The last event applied: its Stripe time, then its step (0 created, 1 updated, 2 ended) for
  -- events of the same second. An older event of the schedule changes nothing.
  synced_at timestamptz not null,
  synced_step smallint not null check (synced_step between 0 and 2),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.billing_schedules is
  'Stripe subscription schedules the webhook has seen, to order their events. Written by the webhook only.';

-- ===================================================================== INDEXES
create index billing_schedules_subscription_idx on public.billing_schedules (subscription_id);

-- ===================================================================== RLS
alter table public.billing_schedules enable row level security;
revoke all on public.billing_schedules from public, anon, authenticated, service_role;
grant select on public.billing_schedules to service_role;

-- ===================================================================== TRIGGERS
create trigger billing_schedules_touch before update on public.billing_schedules
  for each row execute function private.touch_updated_at();

-- ===================================================================== FUNCTIONS
/*
 * Mirrors a subscription schedule from subscription_schedule.* events. A live schedule
 * (p_ended false) names the change in its next phase: that phase's plan, interval and start
 * (p_at) become the mirror's pending change, with the schedule id; no next phase, one that keeps
 * the plan and interval, or one that has already begun clears it. An ended schedule forgets the
 * change only while the mirror still holds that schedule, so a late event of an old one leaves
 * a newer one alone. A subscription has one live schedule at a time: an event of another
 * schedule than the mirror's, no newer than that one's last, is stale. A next phase whose price
 * names no plan (p_next_price_id without p_plan_id), or an unknown subscription, is ignored.
 */
create function public.billing_schedule_sync(
  p_event_id text, p_event_type text, p_event_created timestamptz, p_schedule_id text, p_subscription_id text,
  p_ended boolean, p_next_price_id text, p_plan_id text, p_interval text, p_at timestamptz
) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  mirror public.billing_subscriptions;
  known public.billing_schedules;
  holder public.billing_schedules;
  event_step smallint := case when p_ended then 2 when p_event_type = 'subscription_schedule.created' then 0 else 1 end;
begin
  perform private.assert_service();
  if p_schedule_id is null or p_schedule_id !~ '^sub_sched_[A-Za-z0-9_]+$' or p_ended is null
     or p_event_created is null then
    perform private.fail('TG422', 'A subscription schedule id (sub_sched_…), its state and the event time are required.',
      jsonb_build_object('field', 'schedule_id'));
  end if;
  select * into mirror from public.billing_subscriptions m where m.id = p_subscription_id;
  if not found then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No mirrored subscription matches this schedule.');
    return 'unknown';
  end if;
  perform private.lock_billing_subject(mirror.account_id);
  if not p_ended and p_next_price_id is not null and (p_interval is null or p_interval not in ('month', 'year')
      or not exists (select 1 from public.plans p where p.id = p_plan_id)) then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      format('The schedule''s next phase has a price (%s) that names no plan.', left(p_next_price_id, 255)));
    return 'unknown_price';
  end if;
  if not private.record_event(p_event_id, p_event_type, 'processed', null) then
    return 'replayed';
  end if;
  select * into mirror from public.billing_subscriptions m where m.id = p_subscription_id for no key update;
  select * into known from public.billing_schedules s where s.id = p_schedule_id for no key update;

  if p_ended then
    insert into public.billing_schedules as s (id, subscription_id, status, synced_at, synced_step)
    values (p_schedule_id, mirror.id, 'ended', p_event_created, event_step)
    on conflict (id) do update
    set status = 'ended', synced_at = greatest(s.synced_at, excluded.synced_at), synced_step = excluded.synced_step;
    if mirror.schedule_id is distinct from p_schedule_id then
      return 'not_current';
    end if;
    update public.billing_subscriptions m
    set pending_plan_id = null, pending_interval = null, pending_at = null, schedule_id = null
    where m.id = mirror.id;
    return 'processed';
  end if;

  if known.status = 'ended' or (known.synced_at, known.synced_step) > (p_event_created, event_step) then
    return 'stale';
  end if;
  if mirror.schedule_id <> p_schedule_id then
    select * into holder from public.billing_schedules s where s.id = mirror.schedule_id;
    if holder.status = 'active' and holder.synced_at >= p_event_created then
      return 'stale';
    end if;
  end if;
  insert into public.billing_schedules as s (id, subscription_id, status, synced_at, synced_step)
  values (p_schedule_id, mirror.id, 'active', p_event_created, event_step)
  on conflict (id) do update set synced_at = excluded.synced_at, synced_step = excluded.synced_step;
  if p_plan_id is null or (p_plan_id = mirror.plan_id and p_interval = mirror.billing_interval)
     or p_at is null or p_at <= mirror.current_period_start then
    update public.billing_subscriptions m
    set pending_plan_id = null, pending_interval = null, pending_at = null, schedule_id = p_schedule_id
    where m.id = mirror.id;
  else
    update public.billing_subscriptions m
    set pending_plan_id = p_plan_id, pending_interval = p_interval, pending_at = p_at, schedule_id = p_schedule_id
    where m.id = mirror.id;
  end if;
  return 'processed';
end
$$;
comment on function public.billing_schedule_sync(text, text, timestamptz, text, text, boolean, text, text, text, timestamptz) is
  'Service only (webhook): mirrors a subscription schedule''s next phase as the pending plan change, or forgets it when the schedule ends.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.billing_schedule_sync(text, text, timestamptz, text, text, boolean, text, text, text, timestamptz)
from public, anon, authenticated, service_role;
grant execute on function
  public.billing_schedule_sync(text, text, timestamptz, text, text, boolean, text, text, text, timestamptz)
to service_role;

-- Subscriptions sold through Stripe Billing: the subscription mirror, invoices, and paid
-- invoices opening plan periods aligned to Stripe's billing period, exactly once.

-- Billing, part 5: subscriptions sold through Stripe Billing (or the local test checkout).
--
-- Stripe is the truth for billing state: billing_subscriptions mirrors each Stripe subscription
-- (status, price, period, cancel_at_period_end) from its webhook events, newest event wins.
-- Postgres is the truth for entitlements: each paid invoice opens exactly one plan period in
-- public.subscriptions, aligned to Stripe's billing period, with that period's plan credit lot
-- (idempotency key invoice:<id>) and the allowance refresh. While billed_until is ahead, the
-- 30-day clock of sync_subscription leaves the period to the invoices.
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

alter table public.subscriptions add column billed_until timestamptz;
comment on column public.subscriptions.billed_until is
  'Set while a paid Stripe subscription carries the plan: periods come from paid invoices until then (plus grace).';

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
      billed_until = null, anchor_at = at, current_period_start = at - interval '30 days', current_period_end = at,
      period_credits_granted = 0
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
 * Opens one plan period [period_start, period_end) for a subject: the plan, the period, the plan's
 * credits as a lot expiring at its end (keyed by `grant_key`, so once), and the allowances
 * refreshed at the next use. A later period never moves back.
 */
create function private.open_plan_period(
  sub public.subscriptions, plan_id text, period_start timestamptz, period_end timestamptz, grant_key text
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  plan public.plans;
  grace smallint;
  wallet uuid;
  lot bigint;
begin
  select * into plan from public.plans p where p.id = plan_id;
  select coalesce(b.grace_days, 0) into grace from public.plan_billing b where b.plan_id = plan.id;
  if period_end <= at then
    return null; -- a period already over (a late replay of an old invoice): nothing to open
  end if;
  wallet := (select a.id from public.accounts a
             where (sub.subject_kind = 'user' and a.user_id = sub.subject_id)
                or (sub.subject_kind = 'org' and a.org_id = sub.subject_id));
  if plan.monthly_credit_grant > 0 then
    select g.lot_id into lot from public.credit_grant(wallet, plan.monthly_credit_grant, 'plan', grant_key,
      period_end, null, plan.name || ' plan credits',
      jsonb_build_object('subscriptionId', sub.id, 'periodStart', period_start), 'subscription') g;
  end if;
  if sub.billed_until is not null and period_start < sub.current_period_start then
    return lot;
  end if;
  update public.subscriptions s
  set plan_id = plan.id, pending_plan_id = null, pending_at = null, anchor_at = period_start,
      current_period_start = period_start, current_period_end = period_end,
      period_credits_granted = plan.monthly_credit_grant,
      billed_until = period_end + make_interval(days => coalesce(grace, 0))
  where s.id = sub.id;
  -- Every allowance refreshes at its next use, into the new plan and period.
  update public.token_balances b
  set period_start = least(b.period_start, at - interval '1 second'), refresh_at = at
  where b.subject_kind = sub.subject_kind and b.subject_id = sub.subject_id and b.refresh_at > at;
  return lot;
end
$$;
comment on function private.open_plan_period(public.subscriptions, text, timestamptz, timestamptz, text) is
  'Opens one paid plan period: plan, Stripe-aligned period, plan credit lot (once per key), allowance refresh.';

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
  lot := private.open_plan_period(sub, p_plan_id, p_period_start, p_period_end, 'invoice:' || p_invoice_id);
  update public.billing_invoices i
  set status = 'paid', paid_at = now(), plan_lot_id = lot, amount_paid = coalesce(p_amount_paid, i.amount_paid),
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

-- ===================================================================== PLANS: SETTLE
-- sync_subscription leaves a paid subscription's periods to its invoices until billed_until.
/*
 * Settles a subject's subscription for the current period: applies a downgrade that has come
 * due and grants the period's credits, once. Cheap when nothing is due (one indexed read);
 * otherwise serialised on the subscription row. Periods only move forward.
 */
create or replace function private.sync_subscription(kind text, subject uuid) returns public.subscriptions
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  sub public.subscriptions;
  bounds record;
  plan public.plans;
begin
  select * into sub from public.subscriptions s where s.subject_kind = kind and s.subject_id = subject;
  if found and sub.current_period_end > at then
    return sub;
  end if;
  if not found then
    insert into public.subscriptions (subject_kind, subject_id, plan_id, anchor_at, current_period_start,
                                      current_period_end)
    select kind, subject, p.id, at, at - interval '30 days', at from public.plans p where p.is_default
    on conflict on constraint subscriptions_subject do nothing;
  end if;
  select * into sub from public.subscriptions s
  where s.subject_kind = kind and s.subject_id = subject for no key update;
  if not found then
    perform private.fail('TG404', 'No plan is available for this subject.', jsonb_build_object('subjectId', subject));
  end if;
  if sub.billed_until > at then
    -- A paid subscription's periods come from its paid invoices (billing.sql). Until the renewal
    -- is paid, or its grace runs out, the current period and its allowances stay open.
    if sub.current_period_end <= at then
      update public.token_balances b set refresh_at = sub.billed_until
      where b.subject_kind = kind and b.subject_id = subject and b.refresh_at = sub.current_period_end;
      update public.subscriptions s set current_period_end = sub.billed_until where s.id = sub.id
      returning * into sub;
    end if;
    return sub;
  elsif sub.billed_until is not null then
    -- Unpaid past the grace days: the default plan, on the 30-day clock from now.
    sub.plan_id := (select p.id from public.plans p where p.is_default);
    sub.pending_plan_id := null;
    sub.pending_at := null;
    sub.anchor_at := at;
    sub.billed_until := null;
  end if;
  bounds := private.period_bounds(sub.anchor_at, at);
  if bounds.period_start <= sub.current_period_start then
    return sub; -- settled meanwhile by a concurrent caller
  end if;
  if sub.pending_at <= at then
    sub.plan_id := sub.pending_plan_id;
    sub.pending_plan_id := null;
    sub.pending_at := null;
  end if;
  select * into plan from public.plans p where p.id = sub.plan_id;
  perform private.grant_plan_credits(sub, plan.monthly_credit_grant, plan.monthly_credit_grant,
                                     bounds.period_start, bounds.period_end, plan.name);
  update public.subscriptions s
  set plan_id = sub.plan_id, pending_plan_id = sub.pending_plan_id, pending_at = sub.pending_at,
      anchor_at = sub.anchor_at, billed_until = sub.billed_until,
      current_period_start = bounds.period_start, current_period_end = bounds.period_end,
      period_credits_granted = plan.monthly_credit_grant
  where s.id = sub.id
  returning * into sub;
  return sub;
end
$$;
comment on function private.sync_subscription(text, uuid) is
  'Settles the current period of a subject (due downgrade, monthly credit grant) exactly once.';

-- Pay-as-you-go: a credit line on the ledger, metered to Stripe and settled by paid invoices.
--
-- A wallet whose plan has a postpaid_credit_limit (or whose limit a platform admin set, which
-- wins) may spend below zero down to minus that limit: the ledger's guard reads
-- accounts.credit_limit from the row it updates (ledger.sql). Each debit past zero records a
-- postpaid_usage row (the receivable, one per transfer), which the worker reports to a Stripe
-- Billing Meter with the row's identifier. When the invoice that billed that usage is paid, the
-- usage is settled by one transfer from `receivable:postpaid` into the wallet, once per invoice.
-- An invoice with postpaid usage that fails freezes the line (credit_limit 0, postpaid_frozen_at)
-- until the wallet has no unpaid invoice left; credits bought meanwhile can still be spent.

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

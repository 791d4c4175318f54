-- Plan changes on a live subscription: the mirror keeps the change waiting for the period end,
-- a paid proration invoice inside the period applies today's upgrade rules once, and two functions
-- check and record a change.

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


/*
 * Mirrors a Stripe subscription from customer.subscription.created|updated|deleted (and the
 * subscription a completed checkout names). An older event than the one applied changes nothing.
 * A deleted subscription returns the subject to the default plan.
 */
create or replace function public.billing_subscription_sync(
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
 * invoice.paid: records the invoice and opens the plan period it paid for, exactly once per
 * invoice. A payment after a failure clears past_due and restores the plan.
 */
create or replace function public.billing_invoice_paid(
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
     and p_period_start >= sub.current_period_start and p_period_end <= sub.current_period_end then
    -- A proration invoice inside the paid period (an upgrade): today's upgrade rules apply to
    -- this period, once — the new allowances less what was used, the difference in plan credits.
    if (select p.tier from public.plans p where p.id = p_plan_id)
       > (select p.tier from public.plans p where p.id = sub.plan_id) then
      perform 1 from public.subscription_change(sub.subject_kind, sub.subject_id, p_plan_id);
    end if;
  else
    rollover := private.roll_over_plan_credits(sub, account, p_invoice_id, p_period_start, p_period_end);
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

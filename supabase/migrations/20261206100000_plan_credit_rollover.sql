-- Rollover: at renewal, up to a plan's rollover_cap of the ending period's unused plan credits
-- returns from `expired` as a lot that lasts to the end of the new period, once per invoice.
alter table public.billing_invoices add column rollover_lot_id bigint references public.lots (id);

/*
 * Rollover at renewal: the unused remainder of the ending period's plan credits (the plan lots
 * issued for the current period, expiring at its end) expires as always, and up to the ending plan's rollover
 * cap of it comes back from `expired`, by one transfer keyed `rollover:invoice:<id>`, as a
 * plan lot expiring at the end of the new period. Lots still live when the new period opens
 * end then. Caller (billing_invoice_paid) holds the subject lock and runs once per invoice.
 */
create function private.roll_over_plan_credits(
  sub public.subscriptions, account uuid, invoice_id text, period_start timestamptz, period_end timestamptz
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
  perform private.settle_wallet(account);
  -- The ending period's plan credits: the lots issued for it (its grant, and any upgrade top-up).
  select coalesce(array_agg(l.id order by l.id), '{}') into ending
  from public.lots l join public.transfers t on t.id = l.origin_transfer_id
  where l.account_id = account and l.source = 'plan' and l.expires_at = sub.current_period_end
    and t.debit_account_id = private.system_account('issuance:plan');
  if cardinality(ending) = 0 then
    return null;
  end if;
  if exists (select 1 from public.lots l where l.id = any (ending) and l.expired_at is null and l.remaining > 0) then
    -- The new period has begun: the ending period's lots end now, through the usual sweep.
    update public.lots l set expires_at = at where l.id = any (ending) and l.expired_at is null;
    update public.accounts a set next_expiry_at = least(a.next_expiry_at, at) where a.id = account;
    perform private.sweep_account(account, at);
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
          jsonb_build_object('rollover', true, 'fromLots', to_jsonb(ending), 'invoiceId', invoice_id,
                             'subscriptionId', sub.id),
          account, 'rollover:invoice:' || invoice_id)
  returning id into transfer;
  return private.add_lot(account, moved, 'plan', private.default_priority('plan'), period_end, transfer);
end
$$;
comment on function private.roll_over_plan_credits(public.subscriptions, uuid, text, timestamptz, timestamptz) is
  'At renewal: up to the plan''s rollover cap of the ending plan lot''s unused credits, as a lot to the new period''s end.';
revoke all on function private.roll_over_plan_credits(public.subscriptions, uuid, text, timestamptz, timestamptz)
from public, anon, authenticated, service_role;

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
  rollover := private.roll_over_plan_credits(sub, account, p_invoice_id, p_period_start, p_period_end);
  lot := private.open_plan_period(sub, p_plan_id, p_period_start, p_period_end, 'invoice:' || p_invoice_id);
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


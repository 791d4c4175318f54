-- Failed subscription payments: past due, managers notified, the plan held through its grace days.

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

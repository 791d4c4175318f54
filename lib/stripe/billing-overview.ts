import 'server-only';
import { withUser, type DbSession } from '@/lib/db';

/**
 * What the billing page shows for a wallet the caller manages (RLS decides: the user's own, an
 * org's for its owners and admins): the subscription mirror with its next invoice, and the
 * subscription invoices with tax and links.
 */

export interface BillingSubscription {
  id: string;
  provider: 'stripe' | 'local';
  planId: string;
  planName: string;
  interval: 'month' | 'year';
  status: string;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  trialEnd: Date | null;
  pastDueSince: Date | null;
  /** A change waiting for the period end (a downgrade, a shorter interval). */
  pending: { planName: string; interval: 'month' | 'year'; at: Date } | null;
  /** The price of the next invoice (minor units) and its currency, from the plan's prices. */
  nextAmount: bigint | null;
  currency: string;
  /** A yearly plan: when its month in force ends (the next plan credits and allowance refresh). */
  nextMonthAt: Date | null;
}

export interface BillingInvoice {
  id: string;
  status: string;
  planName: string | null;
  amountPaid: bigint;
  tax: bigint;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
  createdAt: Date;
}

export async function getBillingSubscription(
  session: DbSession,
  accountId: string,
): Promise<BillingSubscription | null> {
  const [row] = await withUser(
    session,
    (tx) => tx<
      {
        id: string;
        provider: 'stripe' | 'local';
        plan_id: string;
        plan_name: string;
        billing_interval: 'month' | 'year';
        status: string;
        current_period_end: Date;
        cancel_at_period_end: boolean;
        trial_end: Date | null;
        past_due_since: Date | null;
        next_amount: bigint | null;
        currency: string | null;
        pending_plan_name: string | null;
        pending_interval: 'month' | 'year' | null;
        pending_at: Date | null;
        month_end: Date | null;
      }[]
    >`
      select s.id, s.provider, s.plan_id, p.name as plan_name, s.billing_interval, s.status,
             case when s.billing_interval = 'year' then
               (select c.period_end from public.subscription_current(s.subject_kind, s.subject_id) c)
             end as month_end,
             s.current_period_end, s.cancel_at_period_end, s.trial_end, s.past_due_since,
             case coalesce(s.pending_interval, s.billing_interval) when 'year' then b.yearly_amount
               else b.monthly_amount end as next_amount,
             b.currency, pp.name as pending_plan_name, s.pending_interval, s.pending_at
      from public.billing_subscriptions s
      join public.plans p on p.id = s.plan_id
      left join public.plans pp on pp.id = s.pending_plan_id
      left join public.plan_billing b on b.plan_id = coalesce(s.pending_plan_id, s.plan_id)
      where s.account_id = ${accountId} and s.status not in ('canceled', 'incomplete_expired')
      order by s.created_at desc limit 1`,
  );
  if (!row) return null;
  return {
    id: row.id,
    provider: row.provider,
    planId: row.plan_id,
    planName: row.plan_name,
    interval: row.billing_interval,
    status: row.status,
    currentPeriodEnd: row.current_period_end,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    trialEnd: row.trial_end,
    pastDueSince: row.past_due_since,
    pending:
      row.pending_plan_name && row.pending_interval && row.pending_at
        ? { planName: row.pending_plan_name, interval: row.pending_interval, at: row.pending_at }
        : null,
    nextAmount: row.cancel_at_period_end ? null : row.next_amount,
    currency: row.currency ?? 'usd',
    nextMonthAt: row.month_end,
  };
}

export async function listBillingInvoices(
  session: DbSession,
  accountId: string,
): Promise<BillingInvoice[]> {
  const rows = await withUser(
    session,
    (tx) => tx<
      {
        id: string;
        status: string;
        plan_name: string | null;
        amount_paid: bigint;
        tax: bigint;
        currency: string;
        period_start: Date;
        period_end: Date;
        hosted_invoice_url: string | null;
        invoice_pdf: string | null;
        created_at: Date;
      }[]
    >`
      select i.id, i.status, p.name as plan_name, i.amount_paid, i.tax, i.currency, i.period_start,
             i.period_end, i.hosted_invoice_url, i.invoice_pdf, i.created_at
      from public.billing_invoices i left join public.plans p on p.id = i.plan_id
      where i.account_id = ${accountId}
      order by i.period_start desc, i.created_at desc limit 50`,
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    planName: row.plan_name,
    amountPaid: row.amount_paid,
    tax: row.tax,
    currency: row.currency,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    hostedInvoiceUrl: row.hosted_invoice_url,
    invoicePdf: row.invoice_pdf,
    createdAt: row.created_at,
  }));
}

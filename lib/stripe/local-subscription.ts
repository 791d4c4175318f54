import 'server-only';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { AppError } from '@/lib/core';
import { asService, withUser, type DbSession } from '@/lib/db';
import { billingMode, signWebhookPayload } from './client';
import { describeLocalOffer, readLocalOffer } from './subscribe';
import { handleStripeWebhook } from './webhook';

/**
 * Local mode's stand-in for Stripe Billing. Subscribing builds the events Stripe would send —
 * customer.subscription.created, checkout.session.completed and, without a trial, the first
 * invoice.paid — signs each with the webhook secret and hands it to the same webhook handler,
 * so a local subscription takes exactly the production path.
 */

const DAY = 86_400;

function localId(prefix: string): string {
  return `${prefix}_local_${randomBytes(12).toString('hex')}`;
}

/**
 * Adds whole calendar months or years (UTC), as Stripe's billing periods and the database's
 * months do: a day the target month lacks becomes its last (Jan 31 → Feb 28, Feb 29 → Feb 28).
 */
export function addInterval(start: number, interval: 'month' | 'year', count = 1): number {
  const date = new Date(start * 1000);
  const months = date.getUTCMonth() + (interval === 'year' ? 12 * count : count);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), months + 1, 0)).getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(months);
  date.setUTCDate(Math.min(new Date(start * 1000).getUTCDate(), lastDay));
  return Math.floor(date.getTime() / 1000);
}

/** Signs and delivers one event to the webhook handler; throws if it is refused. */
export async function deliverLocalEvent(type: string, object: Record<string, unknown>) {
  const payload = JSON.stringify({
    id: localId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  const result = await handleStripeWebhook(payload, signWebhookPayload(payload));
  if (result.status !== 200 || result.body.outcome === 'rejected') {
    throw new Error(
      `The local webhook refused its own ${type} event: ${JSON.stringify(result.body)}`,
    );
  }
}

export interface LocalSubscriptionState {
  id: string;
  customer: string;
  accountId: string;
  planId: string;
  interval: 'month' | 'year';
  amount: number;
  currency: string;
  status: string;
  periodStart: number;
  periodEnd: number;
  cancelAtPeriodEnd: boolean;
  trialEnd: number | null;
}

/** The subscription object Stripe would send for this state. */
export function subscriptionPayload(state: LocalSubscriptionState): Record<string, unknown> {
  return {
    id: state.id,
    object: 'subscription',
    customer: state.customer,
    status: state.status,
    cancel_at_period_end: state.cancelAtPeriodEnd,
    trial_end: state.trialEnd,
    metadata: { account_id: state.accountId, plan_id: state.planId },
    items: {
      object: 'list',
      data: [
        {
          id: `si_local_${state.id.slice(-24)}`,
          current_period_start: state.periodStart,
          current_period_end: state.periodEnd,
          price: {
            id: `price_local_${state.planId}_${state.interval}`,
            unit_amount: state.amount,
            currency: state.currency,
            recurring: { interval: state.interval },
            metadata: { tollgate_plan_id: state.planId },
          },
        },
      ],
    },
  };
}

/** The paid invoice Stripe would send for one period of this subscription. */
export function invoicePayload(
  state: LocalSubscriptionState,
  reason: string,
  status: 'paid' | 'open' = 'paid',
  /** A proration invoice: what it charges and the time it covers (default: the whole period). */
  proration?: { amount: number; start: number; end: number },
): Record<string, unknown> {
  const invoiceId = localId('in');
  const amount = proration?.amount ?? state.amount;
  return {
    id: invoiceId,
    object: 'invoice',
    customer: state.customer,
    status,
    billing_reason: reason,
    amount_due: amount,
    amount_paid: status === 'paid' ? amount : 0,
    currency: state.currency,
    hosted_invoice_url: null,
    invoice_pdf: null,
    total_taxes: [],
    parent: {
      type: 'subscription_details',
      subscription_details: {
        subscription: state.id,
        metadata: { account_id: state.accountId, plan_id: state.planId },
      },
    },
    lines: {
      object: 'list',
      data: [
        {
          id: `il_${invoiceId}`,
          amount,
          period: {
            start: proration?.start ?? state.periodStart,
            end: proration?.end ?? state.periodEnd,
          },
          metadata: { plan_id: state.planId },
        },
      ],
    },
  };
}

/** A plan change a local subscription makes at its period end, with the price it will charge. */
export interface LocalPendingChange {
  planId: string;
  interval: 'month' | 'year';
  amount: number;
}

/**
 * The live local test subscription of a wallet the caller manages (RLS and billing_accounts
 * decide), as the state the local events are built from, with its pending change if any.
 */
export async function loadLocalSubscription(
  session: DbSession,
  accountId: string,
): Promise<{ state: LocalSubscriptionState; pending: LocalPendingChange | null }> {
  const [row] = await withUser(
    session,
    (tx) => tx<
      {
        id: string;
        customer_id: string;
        plan_id: string;
        billing_interval: 'month' | 'year';
        status: string;
        current_period_start: Date;
        current_period_end: Date;
        cancel_at_period_end: boolean;
        trial_end: Date | null;
        amount: bigint | null;
        currency: string | null;
        pending_plan_id: string | null;
        pending_interval: 'month' | 'year' | null;
        pending_amount: bigint | null;
      }[]
    >`
        select s.id, s.customer_id, s.plan_id, s.billing_interval, s.status, s.current_period_start,
               s.current_period_end, s.cancel_at_period_end, s.trial_end,
               case s.billing_interval when 'year' then b.yearly_amount else b.monthly_amount end as amount,
               b.currency, s.pending_plan_id, s.pending_interval,
               case s.pending_interval when 'year' then pb.yearly_amount else pb.monthly_amount end
                 as pending_amount
        from public.billing_subscriptions s
        left join public.plan_billing b on b.plan_id = s.plan_id
        left join public.plan_billing pb on pb.plan_id = s.pending_plan_id
        where s.account_id = ${accountId} and s.provider = 'local'
          and s.account_id = any (private.billing_accounts())
          and s.status not in ('canceled', 'incomplete_expired')
        order by s.created_at desc limit 1`,
  );
  if (!row) throw new AppError('not_found', 'There is no test subscription to manage here.');
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  return {
    state: {
      id: row.id,
      customer: row.customer_id,
      accountId,
      planId: row.plan_id,
      interval: row.billing_interval,
      amount: Number(row.amount ?? 0),
      currency: row.currency ?? 'usd',
      status: row.status,
      periodStart: seconds(row.current_period_start),
      periodEnd: seconds(row.current_period_end),
      cancelAtPeriodEnd: row.cancel_at_period_end,
      trialEnd: row.trial_end ? seconds(row.trial_end) : null,
    },
    pending:
      row.pending_plan_id && row.pending_interval
        ? {
            planId: row.pending_plan_id,
            interval: row.pending_interval,
            amount: Number(row.pending_amount ?? 0),
          }
        : null,
  };
}

/** Pays a local test subscription checkout; returns where the buyer goes next. */
export async function completeLocalSubscription(
  session: DbSession,
  token: string,
): Promise<string> {
  if (billingMode() !== 'local') {
    throw new AppError(
      'forbidden',
      'The test checkout exists only in local mode without Stripe keys.',
    );
  }
  const offer = readLocalOffer(session, token);
  const terms = await describeLocalOffer(session, offer);
  const customer = `cus_local_${offer.accountId.replaceAll('-', '')}`;
  await asService(
    (tx) => tx`select public.billing_customer_save(${offer.accountId}, 'local', ${customer})`,
  );
  const now = Math.floor(Date.now() / 1000);
  const trialEnd = terms.trialDays > 0 ? now + terms.trialDays * DAY : null;
  const state: LocalSubscriptionState = {
    id: localId('sub'),
    customer,
    accountId: offer.accountId,
    planId: offer.planId,
    interval: offer.interval,
    amount: Number(terms.amount),
    currency: terms.currency,
    status: trialEnd ? 'trialing' : 'active',
    periodStart: now,
    periodEnd: trialEnd ?? addInterval(now, offer.interval),
    cancelAtPeriodEnd: false,
    trialEnd,
  };
  const subscription = subscriptionPayload(state);
  await deliverLocalEvent('customer.subscription.created', subscription);
  await deliverLocalEvent('checkout.session.completed', {
    id: localId('cs'),
    object: 'checkout.session',
    mode: 'subscription',
    status: 'complete',
    payment_status: trialEnd ? 'no_payment_required' : 'paid',
    customer,
    client_reference_id: offer.accountId,
    subscription,
    metadata: { account_id: offer.accountId, plan_id: offer.planId },
  });
  if (!trialEnd) {
    await deliverLocalEvent('invoice.paid', invoicePayload(state, 'subscription_create'));
  }
  return `${offer.returnPath}?checkout=success`;
}

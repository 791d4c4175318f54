import 'server-only';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { AppError } from '@/lib/core';
import { asService, type DbSession } from '@/lib/db';
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

/** Adds whole calendar months or years (UTC), as Stripe's billing periods do. */
export function addInterval(start: number, interval: 'month' | 'year', count = 1): number {
  const date = new Date(start * 1000);
  if (interval === 'year') date.setUTCFullYear(date.getUTCFullYear() + count);
  else date.setUTCMonth(date.getUTCMonth() + count);
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
): Record<string, unknown> {
  const invoiceId = localId('in');
  return {
    id: invoiceId,
    object: 'invoice',
    customer: state.customer,
    status,
    billing_reason: reason,
    amount_due: state.amount,
    amount_paid: status === 'paid' ? state.amount : 0,
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
          amount: state.amount,
          period: { start: state.periodStart, end: state.periodEnd },
          metadata: { plan_id: state.planId },
        },
      ],
    },
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

import 'server-only';
import Stripe from 'stripe';
import { AppError } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import { env } from '@/lib/env';
import { billingMode, stripeClient } from './client';
import { findPortalConfiguration } from './plan-sync';
import { setPendingChange } from './pending-change';
import {
  addInterval,
  deliverLocalEvent,
  invoicePayload,
  loadLocalSubscription,
  subscriptionPayload,
  type LocalSubscriptionState,
} from './local-subscription';

/**
 * "Manage billing": a Stripe Customer Portal session (card, invoices, cancel, switch plan, with
 * the configuration stripe:sync wrote), or in local mode the local test portal, whose controls
 * deliver the signed events Stripe would send to the same webhook handler.
 */

export async function openBillingPortal(
  session: DbSession,
  accountId: string,
  returnPath: string,
): Promise<string> {
  const mode = billingMode();
  if (mode === 'local') return `${returnPath}/portal`;
  if (mode === 'disabled') throw new AppError('unavailable', 'Billing is not configured.');
  const [customer] = await withUser(
    session,
    (tx) => tx<{ customer_id: string }[]>`
      select customer_id from public.billing_subscriptions where account_id = ${accountId}
      order by created_at desc limit 1`,
  );
  if (!customer) throw new AppError('not_found', 'There is no subscription to manage yet.');
  try {
    const stripe = stripeClient();
    const configuration = await findPortalConfiguration(stripe);
    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.customer_id,
      return_url: new URL(returnPath, env().APP_URL).toString(),
      ...(configuration ? { configuration } : {}),
    });
    return portal.url;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      throw new AppError('unavailable', 'Stripe could not be reached. Try again in a moment.');
    }
    throw error;
  }
}

export type LocalPortalAction = 'cancel' | 'resume' | 'renew' | 'fail_payment';

/** The local test portal's controls; each delivers signed events to the webhook handler. */
export async function runLocalPortalAction(
  session: DbSession,
  accountId: string,
  action: LocalPortalAction,
): Promise<void> {
  if (billingMode() !== 'local') {
    throw new AppError(
      'forbidden',
      'The test portal exists only in local mode without Stripe keys.',
    );
  }
  const { state, pending } = await loadLocalSubscription(session, accountId);
  if (action === 'cancel' || action === 'resume') {
    // A cancellation replaces a scheduled plan change; resuming keeps the current plan.
    if (pending) await setPendingChange(state.id, null);
    state.cancelAtPeriodEnd = action === 'cancel';
    await deliverLocalEvent('customer.subscription.updated', subscriptionPayload(state));
    return;
  }
  if (state.cancelAtPeriodEnd && action === 'renew') {
    // The period ends with the cancellation: the subscription is deleted, back to the free plan.
    state.status = 'canceled';
    await deliverLocalEvent('customer.subscription.deleted', subscriptionPayload(state));
    return;
  }
  // A scheduled change (a downgrade, a shorter interval) takes effect with the renewal.
  const next: LocalSubscriptionState = {
    ...state,
    ...(pending ?? {}),
    periodStart: state.periodEnd,
    periodEnd: addInterval(state.periodEnd, pending?.interval ?? state.interval),
    trialEnd: null,
  };
  if (action === 'renew') {
    next.status = 'active';
    await deliverLocalEvent('customer.subscription.updated', subscriptionPayload(next));
    await deliverLocalEvent('invoice.paid', invoicePayload(next, 'subscription_cycle'));
  } else {
    next.status = 'past_due';
    await deliverLocalEvent(
      'invoice.payment_failed',
      invoicePayload(next, 'subscription_cycle', 'open'),
    );
    await deliverLocalEvent('customer.subscription.updated', subscriptionPayload(next));
  }
}

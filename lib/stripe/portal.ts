import 'server-only';
import Stripe from 'stripe';
import { AppError } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import { env } from '@/lib/env';
import { billingMode, stripeClient } from './client';
import { findPortalConfiguration } from './plan-sync';
import {
  addInterval,
  deliverLocalEvent,
  invoicePayload,
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
      }[]
    >`
        select s.id, s.customer_id, s.plan_id, s.billing_interval, s.status, s.current_period_start,
               s.current_period_end, s.cancel_at_period_end, s.trial_end,
               case s.billing_interval when 'year' then b.yearly_amount else b.monthly_amount end as amount,
               b.currency
        from public.billing_subscriptions s left join public.plan_billing b on b.plan_id = s.plan_id
        where s.account_id = ${accountId} and s.provider = 'local'
          and s.account_id = any (private.billing_accounts())
          and s.status not in ('canceled', 'incomplete_expired')
        order by s.created_at desc limit 1`,
  );
  if (!row) throw new AppError('not_found', 'There is no test subscription to manage here.');
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const state: LocalSubscriptionState = {
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
  };
  if (action === 'cancel' || action === 'resume') {
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
  const next: LocalSubscriptionState = {
    ...state,
    periodStart: state.periodEnd,
    periodEnd: addInterval(state.periodEnd, state.interval),
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

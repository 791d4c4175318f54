import 'server-only';
import type Stripe from 'stripe';
import { AppError } from '@/lib/core';
import { stripeClient } from './client';
import { setPendingChange, type ChangeRow } from './pending-change';

/**
 * The Stripe side of a plan change. An upgrade updates the subscription's price at once with
 * proration invoiced immediately (`always_invoice`), at the proration date the preview used, so
 * the charge is the amount the customer saw. A downgrade goes into a subscription schedule whose
 * second phase starts at the period end. Entitlements still arrive only through the webhook.
 */

interface Target {
  accountId: string;
  planId: string;
  interval: 'month' | 'year';
}

function targetPrice(row: ChangeRow): string {
  if (!row.stripe_price_id) {
    throw new AppError(
      'validation_failed',
      `The ${row.plan_name} plan has no Stripe price yet: run npm run stripe:sync.`,
      { field: 'planId' },
    );
  }
  return row.stripe_price_id;
}

async function currentItem(stripe: Stripe, subscriptionId: string) {
  const subscription = await stripe.subscriptions.retrieve(subscriptionId);
  const item = subscription.items.data[0];
  if (!item) throw new Error(`Subscription ${subscriptionId} has no items`);
  // A schedule stays attached through its last phase, after the mirror has let go of it.
  const schedule = subscription.schedule;
  const scheduleId = typeof schedule === 'string' ? schedule : (schedule?.id ?? null);
  return { itemId: item.id, priceId: item.price.id, scheduleId };
}

/** What the proration invoice of this upgrade collects now (minor units), as Stripe previews it. */
export async function previewStripeUpgrade(row: ChangeRow, at: number): Promise<bigint> {
  const stripe = stripeClient();
  const price = targetPrice(row);
  const { itemId } = await currentItem(stripe, row.subscription_id);
  const preview = await stripe.invoices.createPreview({
    customer: row.customer_id,
    subscription: row.subscription_id,
    subscription_details: {
      items: [{ id: itemId, price }],
      proration_date: at,
      proration_behavior: 'always_invoice',
    },
  });
  return BigInt(preview.amount_due);
}

/**
 * Releases the schedule attached to the subscription (the one carrying a pending change, or one
 * still in its last phase), keeping the subscription as it is.
 */
async function releaseSchedule(stripe: Stripe, row: ChangeRow, attached?: string | null) {
  const scheduleId =
    attached !== undefined ? attached : (await currentItem(stripe, row.subscription_id)).scheduleId;
  if (scheduleId) await stripe.subscriptionSchedules.release(scheduleId);
  if (row.pending_plan_id) await setPendingChange(row.subscription_id, null);
}

export async function applyStripeUpgrade(row: ChangeRow, target: Target, at: number) {
  const stripe = stripeClient();
  const price = targetPrice(row);
  const { itemId, scheduleId } = await currentItem(stripe, row.subscription_id);
  await releaseSchedule(stripe, row, scheduleId);
  await stripe.subscriptions.update(
    row.subscription_id,
    {
      items: [{ id: itemId, price }],
      proration_behavior: 'always_invoice',
      proration_date: at,
      cancel_at_period_end: false,
      metadata: { account_id: target.accountId, plan_id: target.planId },
    },
    { idempotencyKey: `change:${row.subscription_id}:${target.planId}:${target.interval}:${at}` },
  );
}

export async function scheduleStripeDowngrade(row: ChangeRow, target: Target) {
  const stripe = stripeClient();
  const price = targetPrice(row);
  if (row.cancel_at_period_end) {
    await stripe.subscriptions.update(row.subscription_id, { cancel_at_period_end: false });
  }
  const current = await currentItem(stripe, row.subscription_id);
  const { priceId } = current;
  const scheduleId =
    current.scheduleId ??
    (await stripe.subscriptionSchedules.create({ from_subscription: row.subscription_id })).id;
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  await stripe.subscriptionSchedules.update(scheduleId, {
    end_behavior: 'release',
    phases: [
      {
        items: [{ price: priceId, quantity: 1 }],
        start_date: seconds(row.period_start),
        end_date: seconds(row.period_end),
        metadata: { account_id: target.accountId, plan_id: row.current_plan_id },
      },
      {
        items: [{ price, quantity: 1 }],
        duration: { interval: target.interval, interval_count: 1 },
        proration_behavior: 'none',
        metadata: { account_id: target.accountId, plan_id: target.planId },
      },
    ],
  });
  await setPendingChange(row.subscription_id, {
    planId: target.planId,
    interval: target.interval,
    scheduleId,
  });
}

/** Calls off a scheduled change: the subscription renews on its current plan. */
export async function keepStripePlan(row: ChangeRow) {
  await releaseSchedule(stripeClient(), row);
}

export async function setStripeCancellation(row: ChangeRow, cancel: boolean) {
  const stripe = stripeClient();
  await releaseSchedule(stripe, row);
  if (row.cancel_at_period_end !== cancel) {
    await stripe.subscriptions.update(row.subscription_id, { cancel_at_period_end: cancel });
  }
}

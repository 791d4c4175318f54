import 'server-only';
import Stripe from 'stripe';
import { asService } from '@/lib/db';
import { billingMode, stripeClient } from './client';

/**
 * Which plan a Stripe price sells: one of ours first (the prices `npm run stripe:sync` created,
 * in plan_billing), else the plan the price's metadata names in Stripe (a price replaced since,
 * its amount changed, or one made in the Dashboard).
 */

export interface PricePlan {
  planId: string;
  /** Null for a Stripe price that recurs other than monthly or yearly. */
  interval: 'month' | 'year' | null;
}

export async function ourPricePlan(priceId: string): Promise<PricePlan | null> {
  const [row] = await asService(
    (tx) => tx<{ plan_id: string; interval: 'month' | 'year' }[]>`
      select b.plan_id,
             case when b.stripe_monthly_price_id = ${priceId} then 'month' else 'year' end as interval
      from public.plan_billing b
      where b.stripe_monthly_price_id = ${priceId} or b.stripe_yearly_price_id = ${priceId}`,
  );
  return row ? { planId: row.plan_id, interval: row.interval } : null;
}

/**
 * The plan a price held by Stripe names in its metadata; null when Stripe has no such price (or
 * no Stripe is configured) or it names none. Stripe unreachable throws, so a webhook is retried.
 */
export async function stripePricePlan(priceId: string): Promise<PricePlan | null> {
  if (billingMode() !== 'stripe') return null;
  let price: Stripe.Price;
  try {
    price = await stripeClient().prices.retrieve(priceId);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError) return null;
    throw error;
  }
  const planId = price.metadata.tollgate_plan_id;
  const interval = price.recurring?.interval;
  if (!planId) return null;
  return { planId, interval: interval === 'month' ? 'month' : interval === 'year' ? 'year' : null };
}

export async function planOfPrice(priceId: string): Promise<PricePlan | null> {
  return (await ourPricePlan(priceId)) ?? (await stripePricePlan(priceId));
}

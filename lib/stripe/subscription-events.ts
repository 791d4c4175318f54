import 'server-only';
import { z } from 'zod';
import { asService } from '@/lib/db';
import { stripeClient } from './client';
import type { EventRef } from './fulfilment';
import { ourPricePlan, stripePricePlan } from './plan-of-price';

/**
 * The subscription half of the webhook: each event is one service-only SQL function that locks
 * the subject's plan row, records the event id and acts, so replays and parallel deliveries
 * change nothing twice. Stripe objects are parsed with zod (the API version's shapes: periods on
 * the subscription item, the subscription on the invoice's parent).
 */

const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]+$`));
const ref = (prefix: string) =>
  z
    .union([id(prefix), z.object({ id: id(prefix) })])
    .transform((value) => (typeof value === 'string' ? value : value.id));
const metadata = z
  .record(z.string(), z.string())
  .nullish()
  .transform((value) => value ?? {});
const seconds = z.number().int().nonnegative();
const when = (value: number) => new Date(value * 1000);

export const subscriptionObject = z.object({
  id: id('sub'),
  customer: ref('cus'),
  status: z.enum([
    'incomplete',
    'incomplete_expired',
    'trialing',
    'active',
    'past_due',
    'canceled',
    'unpaid',
    'paused',
  ]),
  cancel_at_period_end: z.boolean().nullish(),
  trial_end: seconds.nullish(),
  metadata,
  items: z.object({
    data: z
      .array(
        z.object({
          current_period_start: seconds,
          current_period_end: seconds,
          price: z.object({
            id: z.string().max(255),
            recurring: z.object({ interval: z.enum(['month', 'year']) }).nullish(),
            metadata,
          }),
        }),
      )
      .min(1),
  }),
});
type SubscriptionObject = z.infer<typeof subscriptionObject>;

export const invoiceObject = z.object({
  id: id('in'),
  customer: ref('cus'),
  billing_reason: z.string().max(60).nullish(),
  amount_paid: z.number().int().nonnegative(),
  amount_due: z.number().int().nonnegative().nullish(),
  currency: z.string().regex(/^[a-zA-Z]{3}$/),
  hosted_invoice_url: z.string().max(2048).nullish(),
  invoice_pdf: z.string().max(2048).nullish(),
  total_taxes: z.array(z.object({ amount: z.number().int() })).nullish(),
  parent: z
    .object({
      subscription_details: z.object({ subscription: ref('sub').nullish(), metadata }).nullish(),
    })
    .nullish(),
  lines: z.object({
    data: z.array(
      z.object({
        period: z.object({ start: seconds, end: seconds }),
        metadata,
        // The line's price: `pricing.price_details.price` (current API versions) or `price`.
        pricing: z
          .object({ price_details: z.object({ price: z.string().max(255) }).nullish() })
          .nullish(),
        price: z.object({ id: z.string().max(255) }).nullish(),
      }),
    ),
  }),
});

/**
 * The plan a subscription is for: its price names it (a plan switched in the Stripe portal
 * changes the price, never our metadata), else our metadata on the subscription.
 */
function planOf(subscription: SubscriptionObject): string | null {
  return (
    subscription.items.data[0]!.price.metadata.tollgate_plan_id ??
    subscription.metadata.plan_id ??
    null
  );
}

type InvoiceLine = z.infer<typeof invoiceObject>['lines']['data'][number];

/**
 * The plan an invoice bills: the plan of its subscription line's price (ours, or named in the
 * price's metadata in Stripe), else the subscription's metadata at the time it was issued.
 */
async function invoicePlan(line: InvoiceLine | undefined, fallback: string | null) {
  const priceId = line?.pricing?.price_details?.price ?? line?.price?.id;
  if (!priceId) return fallback;
  // Stripe unreachable (or local mode): the metadata the invoice carries names the plan.
  const price = (await ourPricePlan(priceId)) ?? (await stripePricePlan(priceId).catch(() => null));
  return price?.planId ?? fallback;
}

/** The subscription's own line: the one that reaches furthest (prorations sit inside it). */
function subscriptionLine(invoice: z.infer<typeof invoiceObject>): InvoiceLine | undefined {
  return [...invoice.lines.data].sort(
    (a, b) => b.period.end - a.period.end || a.period.start - b.period.start,
  )[0];
}

/** Mirrors a subscription object (from a subscription event or a completed checkout). */
export async function mirrorSubscription(
  event: EventRef,
  subscription: SubscriptionObject,
): Promise<string> {
  const item = subscription.items.data[0]!;
  const [row] = await asService(
    (tx) => tx<{ outcome: string }[]>`
      select public.billing_subscription_sync(${event.id}, ${event.type},
        ${when(event.created ?? Math.floor(Date.now() / 1000))}, ${subscription.id},
        ${z.uuid().safeParse(subscription.metadata.account_id).data ?? null}::uuid,
        ${subscription.customer}, ${subscription.id.startsWith('sub_local_') ? 'local' : 'stripe'},
        ${planOf(subscription)}, ${item.price.id}, ${item.price.recurring?.interval ?? 'month'},
        ${subscription.status}, ${when(item.current_period_start)}, ${when(item.current_period_end)},
        ${subscription.cancel_at_period_end ?? false},
        ${subscription.trial_end ? when(subscription.trial_end) : null}) as outcome`,
  );
  return row!.outcome;
}

/**
 * checkout.session.completed in subscription mode: the subscription it created is mirrored (the
 * plan itself arrives with the paid invoice). Stripe sends the id; it is fetched, so the mirror
 * holds Stripe's current view. Local test checkouts send the object itself.
 */
export async function subscriptionCheckoutCompleted(
  event: EventRef,
  object: Record<string, unknown>,
): Promise<string> {
  const embedded = subscriptionObject.safeParse(object.subscription);
  if (embedded.success) return mirrorSubscription(event, embedded.data);
  const subscriptionId = ref('sub').parse(object.subscription);
  const fetched = await stripeClient().subscriptions.retrieve(subscriptionId);
  return mirrorSubscription(event, subscriptionObject.parse(fetched));
}

/**
 * invoice.paid: opens the plan period the invoice paid for (Stripe's billing period), with its
 * plan credit lot and the allowance refresh, exactly once per invoice.
 */
/** The subscription an invoice belongs to, or null for a one-off invoice. */
export function invoiceSubscription(object: Record<string, unknown>): string | null {
  const parsed = invoiceObject.safeParse(object);
  return parsed.success ? (parsed.data.parent?.subscription_details?.subscription ?? null) : null;
}

export async function openPaidPeriod(event: EventRef, object: Record<string, unknown>) {
  const invoice = invoiceObject.parse(object);
  const details = invoice.parent?.subscription_details;
  if (!details?.subscription) return 'not_a_subscription';
  const line = subscriptionLine(invoice);
  if (!line) return 'no_period';
  const period = line.period;
  const planId = await invoicePlan(
    line,
    details.metadata.plan_id ?? invoice.lines.data[0]?.metadata.plan_id ?? null,
  );
  const tax = (invoice.total_taxes ?? []).reduce((sum, item) => sum + item.amount, 0);
  const [row] = await asService(
    (tx) => tx<{ outcome: string }[]>`
      select public.billing_invoice_paid(${event.id}, ${event.type}, ${invoice.id},
        ${details.subscription ?? null},
        ${z.uuid().safeParse(details.metadata.account_id).data ?? null}::uuid, ${invoice.customer},
        ${planId}, ${invoice.billing_reason ?? null}, ${when(period.start)}, ${when(period.end)},
        ${invoice.amount_paid}::bigint, ${tax}::bigint, ${invoice.currency},
        ${invoice.hosted_invoice_url ?? null}, ${invoice.invoice_pdf ?? null}) as outcome`,
  );
  return row!.outcome;
}

/**
 * invoice.payment_failed: the subscription is past due and its managers are told; the plan keeps
 * working through the grace days, then falls back to the free plan unless a payment arrives.
 */
export async function recordFailedPayment(event: EventRef, object: Record<string, unknown>) {
  const invoice = invoiceObject.parse(object);
  const details = invoice.parent?.subscription_details;
  if (!details?.subscription) return 'not_a_subscription';
  const line = subscriptionLine(invoice);
  if (!line) return 'no_period';
  const period = line.period;
  const planId = await invoicePlan(line, details.metadata.plan_id ?? null);
  const [row] = await asService(
    (tx) => tx<{ outcome: string }[]>`
      select public.billing_invoice_failed(${event.id}, ${event.type}, ${invoice.id},
        ${details.subscription ?? null},
        ${z.uuid().safeParse(details.metadata.account_id).data ?? null}::uuid, ${invoice.customer},
        ${planId}, ${when(period.start)}, ${when(period.end)},
        ${invoice.amount_due ?? null}::bigint, ${invoice.currency},
        ${invoice.hosted_invoice_url ?? null}) as outcome`,
  );
  return row!.outcome;
}

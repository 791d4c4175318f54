import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { POST as purchase } from '../../app/api/credits/purchase/route';
import { POST as webhook } from '../../app/api/stripe/webhook/route';
import { db, request, type TestUser } from './fixtures';
import { startFakeStripe, type FakeStripe } from './fake-stripe';

/**
 * Stripe in tests: point the SDK at a fake API server, and deliver webhook events signed by the
 * SDK itself (stripe.webhooks.generateTestHeaderString) to the real route handler.
 */

export const WEBHOOK_SECRET = 'whsec_test_tollgate_0123456789abcdef';

/** Starts the fake API and sets the env the app reads; call before the first request. */
export async function useFakeStripe(): Promise<FakeStripe> {
  const fake = await startFakeStripe();
  process.env.STRIPE_SECRET_KEY = 'sk_test_tollgate_fake';
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.STRIPE_API_URL = fake.url;
  process.env.APP_URL = 'https://app.tollgate.test';
  return fake;
}

export function eventId(): string {
  return `evt_test_${randomBytes(10).toString('hex')}`;
}

export function stripeEvent(type: string, object: Record<string, unknown>, id = eventId()) {
  return {
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** Posts an event to the webhook route, signed with `secret` (the right one by default). */
export async function deliver(
  event: ReturnType<typeof stripeEvent>,
  secret = WEBHOOK_SECRET,
): Promise<Response> {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return webhook(
    new Request('http://localhost:3000/api/stripe/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    }),
  );
}

/** What checkout.session.completed carries for a payment row created by the purchase route. */
export async function completedSession(
  paymentId: string,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const [payment] = await db()<
    {
      checkout_session_id: string;
      amount: bigint;
      currency: string;
      account_id: string;
      package_id: string;
      buyer_id: string;
      customer_id: string | null;
    }[]
  >`
    select p.checkout_session_id, p.amount, p.currency, p.account_id, p.package_id, p.buyer_id,
           c.customer_id
    from public.payments p left join public.billing_customers c on c.account_id = p.account_id
    where p.id = ${paymentId}`;
  return {
    id: payment!.checkout_session_id,
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    amount_total: Number(payment!.amount),
    currency: payment!.currency,
    customer: payment!.customer_id,
    client_reference_id: paymentId,
    payment_intent: `pi_test_${paymentId.replaceAll('-', '').slice(0, 20)}`,
    metadata: {
      payment_id: paymentId,
      wallet_id: payment!.account_id,
      package_id: payment!.package_id,
      buyer_id: payment!.buyer_id,
      kind: 'checkout',
    },
    ...overrides,
  };
}

/** The seeded packages by slug (starter, growth, scale). */
export async function packageId(slug: string): Promise<string> {
  const [row] = await db()<
    { id: string }[]
  >`select id from public.credit_packages where slug = ${slug}`;
  return row!.id;
}

/** Starts a purchase of the package `slug` for `user`'s personal wallet; returns the payment id. */
export async function buy(user: TestUser, slug = 'growth'): Promise<string> {
  const response = await purchase(
    await request('/api/credits/purchase', { user, body: { packageId: await packageId(slug) } }),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { paymentId: string }).paymentId;
}

/** What a payment row records (status, refunds, clawback, dispute, Stripe ids, lots). */
export async function paymentRow(id: string) {
  const [row] = await db()`
    select status, amount_refunded, credits_clawed_back, clawback_shortfall, dispute_status,
           receipt_url, charge_id, payment_intent_id, purchase_lot_id, bonus_lot_id
    from public.payments where id = ${id}`;
  return row!;
}

export type { FakeStripe };

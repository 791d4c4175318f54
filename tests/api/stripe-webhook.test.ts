import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, ledgerCheck, walletOf } from '../helpers/ledger';
import {
  buy,
  completedSession,
  deliver,
  paymentRow,
  stripeEvent,
  useFakeStripe,
  type FakeStripe,
} from '../helpers/stripe';

/**
 * The webhook with real signatures (stripe.webhooks.generateTestHeaderString), against the real
 * database: exactly-once fulfilment, async payments, ignored events and bad signatures.
 */

let fake: FakeStripe;
let buyer: TestUser;
let wallet: string;

beforeAll(async () => {
  fake = await useFakeStripe();
  buyer = await createUser('Buyer');
  wallet = await walletOf({ userId: buyer.id });
});
afterAll(() => fake.close());

async function snapshot() {
  return db()`
    select (select count(*)::int from public.stripe_events) as events,
           (select count(*)::int from public.transfers) as transfers,
           (select string_agg(status, ',' order by id) from public.payments) as statuses,
           (select string_agg(coalesce(frozen_at::text, '-'), ',' order by id) from public.accounts) as frozen`;
}

describe('checkout.session.completed', () => {
  it('the same event delivered 20 times at once credits once: purchase lot, bonus lot, payment row', async () => {
    const paymentId = await buy(buyer, 'growth');
    const event = stripeEvent('checkout.session.completed', await completedSession(paymentId));
    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));

    expect(await available(wallet)).toBe(550n * CREDIT);
    const lots = await db()`
      select source, amount, expires_at from public.lots where account_id = ${wallet} order by id`;
    expect(lots.map((lot) => [lot.source, lot.amount])).toEqual([
      ['purchase', 500n * CREDIT],
      ['promo', 50n * CREDIT],
    ]);
    const days = (new Date(lots[1]!.expires_at as Date).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);
    expect(await paymentRow(paymentId)).toMatchObject({
      status: 'paid',
      charge_id: expect.stringMatching(/^ch_for_pi_test_/),
      receipt_url: expect.stringMatching(/^https:\/\/pay\.stripe\.com\/receipts\//),
    });
    const [card] = await db()`
      select payment_method_id, payment_method_label from public.billing_customers where account_id = ${wallet}`;
    expect(card).toEqual({
      payment_method_id: 'pm_card_visa',
      payment_method_label: 'Visa •••• 4242',
    });
    const [events] = await db()`
      select count(*)::int as n, min(status) as status from public.stripe_events where id = ${event.id}`;
    expect(events).toEqual({ n: 1, status: 'processed' });
    expect(
      fake.requestsTo('GET', `/v1/payment_intents/${String(event.data.object.payment_intent)}`)[0]!
        .body,
    ).toEqual({ expand: ['latest_charge', 'payment_method'] });
    expect(await ledgerCheck()).toEqual([]);

    // A later, different event for the same session (async_payment_succeeded) changes nothing.
    const late = stripeEvent(
      'checkout.session.async_payment_succeeded',
      await completedSession(paymentId),
    );
    expect((await deliver(late)).status).toBe(200);
    expect(await available(wallet)).toBe(550n * CREDIT);
  });

  it('a wrong signature, a tampered body or no signature → 400, and nothing is written', async () => {
    const paymentId = await buy(buyer, 'starter');
    const event = stripeEvent('checkout.session.completed', await completedSession(paymentId));
    const before = await snapshot();
    const wrong = await deliver(event, 'whsec_not_the_secret');
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');

    const { POST } = await import('../../app/api/stripe/webhook/route');
    const tampered = await POST(
      new Request('http://localhost/api/stripe/webhook', {
        method: 'POST',
        headers: { 'stripe-signature': 't=1,v1=deadbeef' },
        body: JSON.stringify(event),
      }),
    );
    expect(tampered.status).toBe(400);
    const unsigned = await POST(
      new Request('http://localhost/api/stripe/webhook', {
        method: 'POST',
        body: JSON.stringify(event),
      }),
    );
    expect(unsigned.status).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect((await paymentRow(paymentId)).status).toBe('pending');
  });

  it('a real failure answers 500 and records nothing, so Stripe retries; the retry fulfils', async () => {
    const paymentId = await buy(buyer, 'starter');
    const event = stripeEvent('checkout.session.completed', await completedSession(paymentId));
    const before = await available(wallet);
    fake.failPaymentIntentLookups = true;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failed = await deliver(event);
    fake.failPaymentIntentLookups = false;
    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining('stripe webhook failed'),
      expect.anything(),
    );
    logged.mockRestore();
    expect(failed.status).toBe(500);
    expect(await db()`select 1 from public.stripe_events where id = ${event.id}`).toHaveLength(0);
    expect(await available(wallet)).toBe(before);
    expect((await deliver(event)).status).toBe(200);
    expect(await available(wallet)).toBe(before + 100n * CREDIT);
  });

  it('events we do not act on get 200 and are recorded as ignored', async () => {
    const event = stripeEvent('customer.created', { id: 'cus_whatever', object: 'customer' });
    const response = await deliver(event);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'ignored' });
    const [row] = await db()`select status from public.stripe_events where id = ${event.id}`;
    expect(row!.status).toBe('ignored');
    const checkoutIntent = stripeEvent('payment_intent.succeeded', {
      id: 'pi_checkout_one',
      object: 'payment_intent',
      amount: 1000,
      currency: 'usd',
      metadata: { kind: 'checkout' },
    });
    expect((await deliver(checkoutIntent)).status).toBe(200);
  });
});

describe('asynchronous payments', () => {
  it('completed but unpaid → processing; async success credits once; async failure records it', async () => {
    const okId = await buy(buyer, 'starter');
    const failId = await buy(buyer, 'starter');
    const before = await available(wallet);
    await deliver(
      stripeEvent(
        'checkout.session.completed',
        await completedSession(okId, { payment_status: 'unpaid' }),
      ),
    );
    await deliver(
      stripeEvent(
        'checkout.session.completed',
        await completedSession(failId, { payment_status: 'unpaid' }),
      ),
    );
    expect((await paymentRow(okId)).status).toBe('processing');
    expect(await available(wallet)).toBe(before);

    const succeeded = stripeEvent(
      'checkout.session.async_payment_succeeded',
      await completedSession(okId),
    );
    await Promise.all([deliver(succeeded), deliver(succeeded), deliver(succeeded)]);
    expect((await paymentRow(okId)).status).toBe('paid');
    expect(await available(wallet)).toBe(before + 100n * CREDIT);

    const failed = stripeEvent(
      'checkout.session.async_payment_failed',
      await completedSession(failId, { payment_status: 'unpaid' }),
    );
    expect((await deliver(failed)).status).toBe(200);
    const row = await paymentRow(failId);
    expect(row.status).toBe('failed');
    expect(row.purchase_lot_id).toBeNull();
    expect(await available(wallet)).toBe(before + 100n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });
});

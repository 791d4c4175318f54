import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as webhook } from '../../app/api/stripe/webhook/route';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, ledgerCheck, walletOf } from '../helpers/ledger';
import {
  WEBHOOK_SECRET,
  buy,
  completedSession,
  deliver,
  paymentRow,
  stripeEvent,
  useFakeStripe,
  type FakeStripe,
} from '../helpers/stripe';

/**
 * The webhook under concurrency and with events that can never succeed: one lock order (the
 * payment row first) so parallel events for one payment queue instead of deadlocking; a
 * permanent failure answers 2xx with its outcome recorded; a transient one stays non-2xx; a
 * signature dated in the future is refused.
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

const eventRow = async (id: string) => {
  const [row] = await db()`select status, detail from public.stripe_events where id = ${id}`;
  return row;
};

describe('one lock order', () => {
  it('30 distinct events for one paid checkout at once: all 2xx, credited once', async () => {
    const paymentId = await buy(buyer, 'growth');
    const session = await completedSession(paymentId);
    const types = ['checkout.session.completed', 'checkout.session.async_payment_succeeded'];
    const events = Array.from({ length: 30 }, (_, i) => stripeEvent(types[i % 2]!, session));
    const before = await available(wallet);
    const responses = await Promise.all(events.map((event) => deliver(event)));
    expect(responses.map((response) => response.status)).toEqual(Array(30).fill(200));
    expect(await available(wallet)).toBe(before + 550n * CREDIT);
    expect((await paymentRow(paymentId)).status).toBe('paid');
    const [recorded] = await db()`
      select count(*)::int as n from public.stripe_events where payment_id = ${paymentId}`;
    expect(recorded!.n).toBe(30);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('two concurrent partial refunds never deadlock (20 rounds) and claw back once each', async () => {
    for (let round = 0; round < 20; round++) {
      const paymentId = await buy(buyer, 'starter');
      const session = await completedSession(paymentId);
      expect((await deliver(stripeEvent('checkout.session.completed', session))).status).toBe(200);
      const intent = String(session.payment_intent);
      const amount = Number(session.amount_total);
      const refund = (refunded: number) =>
        stripeEvent('charge.refunded', {
          id: `ch_for_${intent}`,
          object: 'charge',
          payment_intent: intent,
          amount,
          amount_refunded: refunded,
        });
      const responses = await Promise.all([
        deliver(refund(Math.floor(amount / 4))),
        deliver(refund(Math.floor(amount / 2))),
      ]);
      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      // Stripe's amount_refunded is cumulative: whichever came last, half is refunded.
      expect((await paymentRow(paymentId)).amount_refunded).toBe(BigInt(Math.floor(amount / 2)));
    }
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('events that can never succeed', () => {
  it('an amount that does not match the payment: 200 rejected, recorded with why, nothing credited', async () => {
    const paymentId = await buy(buyer, 'growth');
    const event = stripeEvent(
      'checkout.session.completed',
      await completedSession(paymentId, { amount_total: 1 }),
    );
    const before = await available(wallet);
    const response = await deliver(event);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'rejected' });
    expect(await available(wallet)).toBe(before);
    expect((await paymentRow(paymentId)).status).toBe('pending');
    expect(await eventRow(event.id)).toEqual({
      status: 'rejected',
      detail: expect.stringContaining('but the payment expects'),
    });
    // Stripe's retry is a replay: still 2xx, still nothing credited.
    expect((await deliver(event)).status).toBe(200);
    expect(await available(wallet)).toBe(before);
  });

  it('a malformed object: 200 rejected, the field named', async () => {
    const event = stripeEvent('checkout.session.completed', {
      id: 'cs_test_malformed',
      object: 'checkout.session',
      amount_total: 'a lot',
    });
    const response = await deliver(event);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'rejected' });
    expect(await eventRow(event.id)).toEqual({
      status: 'rejected',
      detail: expect.stringMatching(/^Malformed event: data\.object\./),
    });
  });

  it('an unknown checkout session: 200, recorded as ignored with why', async () => {
    const event = stripeEvent('checkout.session.completed', {
      id: 'cs_test_nobody',
      object: 'checkout.session',
      mode: 'payment',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 100,
      currency: 'usd',
      metadata: {},
    });
    const response = await deliver(event);
    expect(response.status).toBe(200);
    expect(await eventRow(event.id)).toEqual({
      status: 'ignored',
      detail: 'No payment matches this event.',
    });
  });
});

describe('signature timestamps', () => {
  const post = (payload: string, timestamp: number) =>
    webhook(
      new Request('http://localhost:3000/api/stripe/webhook', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({
            payload,
            secret: WEBHOOK_SECRET,
            timestamp,
          }),
        },
        body: payload,
      }),
    );

  it('a signature dated beyond the tolerance, in the past or the future, is refused and writes nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now + 3600, now + 301, now - 3600]) {
      const event = stripeEvent('customer.created', { id: 'cus_x', object: 'customer' });
      const response = await post(JSON.stringify(event), timestamp);
      expect(response.status, `t=${timestamp - now}`).toBe(400);
      expect(await eventRow(event.id)).toBeUndefined();
    }
    const fine = stripeEvent('customer.created', { id: 'cus_y', object: 'customer' });
    expect((await post(JSON.stringify(fine), now + 60)).status).toBe(200);
  });
});

describe('what platform admins see', () => {
  it('rejected events with their reason, to platform admins only', async () => {
    const { listStripeEvents } = await import('../../lib/admin');
    const admin = await createUser('Admin');
    await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
    const rejected = await listStripeEvents(admin.session, { status: 'rejected' });
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    expect(rejected.every((event) => event.status === 'rejected' && event.detail)).toBe(true);
    await expect(listStripeEvents(buyer.session)).rejects.toMatchObject({ code: 'not_found' });
  });
});

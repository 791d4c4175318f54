import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import {
  buy,
  completedSession,
  deliver,
  stripeEvent,
  useFakeStripe,
  type FakeStripe,
} from '../helpers/stripe';

/**
 * The payment events webhooks carry: credits.purchased exactly once when a purchase is
 * fulfilled (however often Stripe repeats itself), credits.refunded for each refund step.
 */

let fake: FakeStripe;
let buyer: TestUser;

beforeAll(async () => {
  fake = await useFakeStripe();
  buyer = await createUser('Event Buyer');
});
afterAll(() => fake.close());

const eventsOf = (userId: string) =>
  db()<{ type: string; data: Record<string, unknown>; org_id: string | null }[]>`
    select type, data, org_id from public.events where user_id = ${userId} order by created_at, id`;

describe('payment events', () => {
  it('emits credits.purchased once per fulfilled purchase and credits.refunded per refund', async () => {
    const paymentId = await buy(buyer, 'growth');
    expect(await eventsOf(buyer.id)).toEqual([]); // a checkout that is only started says nothing

    const session = await completedSession(paymentId);
    const completed = stripeEvent('checkout.session.completed', session);
    const responses = await Promise.all([deliver(completed), deliver(completed)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await deliver(stripeEvent('checkout.session.completed', session)); // a new event id, same payment

    const purchased = await eventsOf(buyer.id);
    expect(purchased).toHaveLength(1);
    expect(purchased[0]).toMatchObject({
      type: 'credits.purchased',
      org_id: null,
      data: {
        paymentId,
        kind: 'checkout',
        packageName: expect.any(String),
        credits: String(500n * 1_000_000n),
        bonusCredits: String(50n * 1_000_000n),
        currency: session.currency,
        amount: session.amount_total,
      },
    });

    const intent = String(session.payment_intent);
    const refund = (amountRefunded: number) =>
      stripeEvent('charge.refunded', {
        id: `ch_for_${intent}`,
        object: 'charge',
        payment_intent: intent,
        amount: session.amount_total,
        amount_refunded: amountRefunded,
      });
    const half = Number(session.amount_total) / 2;
    const first = refund(half);
    await Promise.all([deliver(first), deliver(first)]);
    await deliver(refund(Number(session.amount_total)));

    const all = await eventsOf(buyer.id);
    expect(all.map((event) => event.type)).toEqual([
      'credits.purchased',
      'credits.refunded',
      'credits.refunded',
    ]);
    expect(all[1]!.data).toMatchObject({
      paymentId,
      refundedNow: half,
      amountRefunded: half,
      fullyRefunded: false,
    });
    expect(all[2]!.data).toMatchObject({
      amountRefunded: session.amount_total,
      fullyRefunded: true,
    });
    const [clawed] = await db()<{ total: bigint }[]>`
      select credits_clawed_back as total from public.payments where id = ${paymentId}`;
    const reported = all
      .slice(1)
      .reduce((sum, event) => sum + BigInt(String(event.data.creditsClawedBack)), 0n);
    expect(reported).toBe(clawed!.total);
  });
});

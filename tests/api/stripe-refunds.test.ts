import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spendCredits } from '../../lib/credits';
import { createUser, db, outcome, type TestUser } from '../helpers/fixtures';
import { CREDIT, asUser, available, ledgerCheck, walletOf } from '../helpers/ledger';
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
 * Refunds and disputes through the webhook, with real signatures: charge.refunded claws back
 * (never below zero: the spent part is a shortfall), disputes freeze the wallet until closed.
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

const spend = (amount: bigint, key: string) =>
  spendCredits(buyer.session, {
    walletId: wallet,
    amount,
    category: 'ai_usage',
    idempotencyKey: key,
  });

describe('charge.refunded', () => {
  it('claws back the refunded share from its own lots; what was spent becomes shortfall', async () => {
    const other = await createUser('Refunded');
    const otherWallet = await walletOf({ userId: other.id });
    const paymentId = await buy(other, 'growth');
    const session = await completedSession(paymentId);
    await deliver(stripeEvent('checkout.session.completed', session));
    const intent = String(session.payment_intent);
    const spendAs = (amount: bigint, key: string) =>
      spendCredits(other.session, {
        walletId: otherWallet,
        amount,
        category: 'ai_usage',
        idempotencyKey: key,
      });
    const refund = (amountRefunded: number) =>
      stripeEvent('charge.refunded', {
        id: `ch_for_${intent}`,
        object: 'charge',
        payment_intent: intent,
        amount: 4500,
        amount_refunded: amountRefunded,
      });

    await spendAs(100n * CREDIT, 'r1'); // burns the 50 bonus first, then 50 purchased
    const half = refund(2250);
    await Promise.all([deliver(half), deliver(half)]);
    expect(await available(otherWallet)).toBe(175n * CREDIT); // 450 - 275 (half of 550)
    expect(await paymentRow(paymentId)).toMatchObject({
      status: 'paid',
      amount_refunded: 2250n,
      credits_clawed_back: 275n * CREDIT,
      clawback_shortfall: 0n,
    });

    await spendAs(150n * CREDIT, 'r2');
    await deliver(refund(4500));
    await deliver(refund(2250)); // an older state arriving late takes nothing
    expect(await available(otherWallet)).toBe(0n);
    expect(await paymentRow(paymentId)).toMatchObject({
      status: 'refunded',
      amount_refunded: 4500n,
      credits_clawed_back: 300n * CREDIT,
      clawback_shortfall: 250n * CREDIT,
    });
    const clawbacks = await db()`
      select t.amount from public.transfers t
      where t.debit_account_id = ${otherWallet} and t.kind = 'clawback'
        and t.credit_account_id = (select id from public.accounts where system_code = 'refunded')
      order by t.id`;
    expect(clawbacks.map((row) => row.amount)).toEqual([275n * CREDIT, 25n * CREDIT]);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('disputes', () => {
  it('charge.dispute.created freezes spending from the wallet; closing it (won) unfreezes', async () => {
    const paymentId = await buy(buyer, 'starter');
    const session = await completedSession(paymentId);
    await deliver(stripeEvent('checkout.session.completed', session));
    const dispute = (type: string, status: string) =>
      stripeEvent(type, {
        id: `dp_${paymentId.slice(0, 8)}`,
        object: 'dispute',
        payment_intent: session.payment_intent,
        charge: `ch_for_${String(session.payment_intent)}`,
        amount: 1000,
        reason: 'fraudulent',
        status,
      });

    await deliver(dispute('charge.dispute.created', 'needs_response'));
    const [frozen] =
      await db()`select frozen_at, frozen_reason from public.accounts where id = ${wallet}`;
    expect(frozen!.frozen_at).not.toBeNull();
    expect(await outcome(() => spend(CREDIT, 'while-frozen'))).toBe('forbidden');
    expect(
      await outcome(() =>
        asUser(
          buyer,
          (tx) => tx`select public.credit_reserve(${wallet}, 1000, 'ai_usage', 'hold-frozen')`,
        ),
      ),
    ).toBe('TG403');
    const notes = await db()`select kind from public.notifications where user_id = ${buyer.id}`;
    expect(notes.map((row) => row.kind)).toContain('billing.dispute_opened');
    expect((await paymentRow(paymentId)).dispute_status).toBe('open');

    await deliver(dispute('charge.dispute.closed', 'won'));
    const [thawed] = await db()`select frozen_at from public.accounts where id = ${wallet}`;
    expect(thawed!.frozen_at).toBeNull();
    expect((await spend(CREDIT, 'after-dispute')).replayed).toBe(false);
    expect((await paymentRow(paymentId)).dispute_status).toBe('won');
  });

  it('a lost dispute claws the credits back like a refund', async () => {
    const loser = await createUser('Loser');
    const loserWallet = await walletOf({ userId: loser.id });
    const paymentId = await buy(loser, 'starter');
    const session = await completedSession(paymentId);
    await deliver(stripeEvent('checkout.session.completed', session));
    const body = (status: string) => ({
      id: 'dp_lost_one',
      object: 'dispute',
      payment_intent: session.payment_intent,
      amount: 1000,
      reason: 'fraudulent',
      status,
    });
    await deliver(stripeEvent('charge.dispute.created', body('needs_response')));
    await deliver(stripeEvent('charge.dispute.closed', body('lost')));
    expect(await available(loserWallet)).toBe(0n);
    expect(await paymentRow(paymentId)).toMatchObject({
      status: 'refunded',
      dispute_status: 'lost',
    });
    const [row] = await db()`select frozen_at from public.accounts where id = ${loserWallet}`;
    expect(row!.frozen_at).toBeNull();
    expect(await ledgerCheck()).toEqual([]);
  });
});

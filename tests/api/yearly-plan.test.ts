import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addInterval } from '../../lib/stripe/local-subscription';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import { allowTestClock, clocked, CREDIT, ledgerCheck, walletOf } from '../helpers/ledger';
import { balances, consume } from '../helpers/plans';
import { deliver, stripeEvent, useFakeStripe, type FakeStripe } from '../helpers/stripe';

/**
 * A yearly plan is paid once a year and lived month by month: each calendar month of the paid
 * year opens with the plan's monthly credits (once, however often it is read), the allowances
 * refreshed and the rollover from the month before; the renewal waits through the grace days;
 * the next year's invoice opens its first month. Events are signed by the real SDK and go
 * through the webhook route; months pass on the database's test clock.
 */

const DAY = 86_400;
let fake: FakeStripe;
let user: TestUser;
let account: string;
const customer = 'cus_test_yearly0001';
const subscriptionId = 'sub_test_yearly0001';
const start = Math.floor(Date.now() / 1000) - DAY;
const yearEnd = addInterval(start, 'year');
const month = (n: number) => addInterval(start, 'month', n);
const at = (seconds: number) => new Date(seconds * 1000);

function subscription(period: [number, number]) {
  return {
    id: subscriptionId,
    object: 'subscription',
    customer,
    status: 'active',
    cancel_at_period_end: false,
    trial_end: null,
    metadata: { account_id: account, plan_id: 'pro' },
    items: {
      data: [
        {
          current_period_start: period[0],
          current_period_end: period[1],
          price: { id: 'price_pro_year', recurring: { interval: 'year' }, metadata: {} },
        },
      ],
    },
  };
}

function invoice(id: string, period: [number, number], reason: string) {
  return {
    id,
    object: 'invoice',
    customer,
    status: 'paid',
    billing_reason: reason,
    amount_paid: 29000,
    currency: 'usd',
    parent: {
      subscription_details: {
        subscription: subscriptionId,
        metadata: { account_id: account, plan_id: 'pro' },
      },
    },
    lines: { data: [{ period: { start: period[0], end: period[1] }, metadata: {} }] },
  };
}

/** The subject's plan period as the app reads it at `seconds` (settling it, as any call does). */
async function periodAt(seconds: number) {
  return clocked(at(seconds), async (tx) => {
    const [row] = await tx<{ plan_id: string; period_start: Date; period_end: Date }[]>`
      select plan_id, period_start, period_end from public.subscription_current('user', ${user.id})`;
    return row!;
  });
}

async function planLots() {
  return db()<{ amount: bigint; expires_at: Date; rolled_over: boolean }[]>`
    select l.amount, l.expires_at, coalesce((t.metadata ->> 'rollover')::boolean, false) as rolled_over
    from public.lots l join public.transfers t on t.id = l.origin_transfer_id
    where l.account_id = ${account} and l.source = 'plan' order by l.id`;
}

beforeAll(async () => {
  fake = await useFakeStripe();
  await allowTestClock();
  user = await createUser('Yearly buyer');
  account = await walletOf({ userId: user.id });
  await db()`select public.billing_customer_save(${account}, 'stripe', ${customer})`;
  await deliver(stripeEvent('customer.subscription.created', subscription([start, yearEnd])));
  const paid = await deliver(
    stripeEvent(
      'invoice.paid',
      invoice('in_test_yearly_first', [start, yearEnd], 'subscription_create'),
    ),
  );
  expect(paid.status).toBe(200);
});
afterAll(() => fake.close());

describe('a yearly plan', () => {
  it('opens its first month, not the whole year, with one month of plan credits', async () => {
    expect(await periodAt(start + DAY)).toEqual({
      plan_id: 'pro',
      period_start: at(start),
      period_end: at(month(1)),
    });
    expect(await planLots()).toEqual([
      { amount: 100n * CREDIT, expires_at: at(month(1)), rolled_over: false },
    ]);
    const [sub] = await db()`
      select paid_through, billed_until from public.subscriptions
      where subject_kind = 'user' and subject_id = ${user.id}`;
    // Pro's grace is 7 days past the paid year.
    expect(sub).toEqual({ paid_through: at(yearEnd), billed_until: at(yearEnd + 7 * DAY) });
    const allowance = await balances('user', user.id, at(start + DAY));
    expect(allowance.goal_generation).toMatchObject({ balance: 300n, refresh_at: at(month(1)) });
  });

  it('opens each next month once: its credits, the rollover, and the allowances refreshed', async () => {
    const used = await consume(
      user,
      'user',
      user.id,
      'goal_generation',
      1,
      'yearly-use-1',
      at(start + 2 * DAY),
    );
    expect(used.remaining).toBeLessThan(300n);

    // The second month, read many times at once: one grant, one rollover.
    const reads = await Promise.all(Array.from({ length: 8 }, () => periodAt(month(1) + DAY)));
    for (const read of reads) {
      expect(read).toEqual({
        plan_id: 'pro',
        period_start: at(month(1)),
        period_end: at(month(2)),
      });
    }
    expect((await planLots()).slice(1)).toEqual([
      // The first month's 100 unused credits come back (Pro's rollover cap is 100)…
      { amount: 100n * CREDIT, expires_at: at(month(2)), rolled_over: true },
      // …beside the second month's own.
      { amount: 100n * CREDIT, expires_at: at(month(2)), rolled_over: false },
    ]);
    const allowance = await balances('user', user.id, at(month(1) + DAY));
    expect(allowance.goal_generation).toMatchObject({ balance: 300n, refresh_at: at(month(2)) });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a month nobody used is skipped, not granted late; the month in force is', async () => {
    const before = (await planLots()).length;
    expect(await periodAt(month(5) + 3 * DAY)).toEqual({
      plan_id: 'pro',
      period_start: at(month(5)),
      period_end: at(month(6)),
    });
    expect((await planLots()).slice(before)).toEqual([
      { amount: 100n * CREDIT, expires_at: at(month(6)), rolled_over: false },
    ]);
  });

  it('the last month ends with the paid year; the renewal waits through the grace days', async () => {
    expect(await periodAt(month(11) + DAY)).toMatchObject({
      period_start: at(month(11)),
      period_end: at(yearEnd),
    });
    // The renewal is not paid yet: Pro holds through the grace days, and then it is Free.
    expect(await periodAt(yearEnd + 3 * DAY)).toMatchObject({
      plan_id: 'pro',
      period_end: at(yearEnd + 7 * DAY),
    });
    expect((await periodAt(yearEnd + 8 * DAY)).plan_id).toBe('free');
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('the months of a yearly plan, counted as Stripe counts them', () => {
  it('match the app’s own month arithmetic, month ends and leap days included', async () => {
    const anchors = ['2026-01-31T10:00:00Z', '2028-02-29T00:00:00Z', '2026-08-30T23:59:59Z'];
    for (const anchor of anchors) {
      const from = Date.parse(anchor) / 1000;
      const end = addInterval(from, 'year');
      const months = await db()<{ period_start: Date; period_end: Date }[]>`
        select b.period_start, b.period_end from generate_series(0, 11) n,
          private.month_bounds(${at(from)}, ${at(from)}::timestamptz + make_interval(days => n * 30 + 15),
                               ${at(end)}) b
        order by n`;
      expect(new Set(months.map((m) => m.period_start.getTime())).size).toBe(12);
      for (const [n, m] of months.entries()) {
        expect(m.period_start, `${anchor} month ${n}`).toEqual(at(addInterval(from, 'month', n)));
        expect(m.period_end, `${anchor} month ${n}`).toEqual(
          at(Math.min(addInterval(from, 'month', n + 1), end)),
        );
      }
    }
  });
});

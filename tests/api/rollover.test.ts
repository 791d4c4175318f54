import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLiveLots, listTransactions } from '../../lib/credits';
import { createUser, db } from '../helpers/fixtures';
import {
  allowTestClock,
  available,
  clocked,
  CREDIT,
  ledgerCheck,
  walletOf,
} from '../helpers/ledger';
import { deliver, stripeEvent, useFakeStripe, type FakeStripe } from '../helpers/stripe';

/**
 * Rollover: a paid renewal moves up to the plan's rollover cap of the ending period's unused plan
 * credits into a lot that lasts to the end of the new period; the rest expires. Once per
 * invoice, under replays and parallel delivery, and the books balance.
 */

let fake: FakeStripe;
beforeAll(async () => {
  fake = await useFakeStripe();
  await allowTestClock();
  // A plan like Pro (100 credits a month) whose rollover cap (40) is below its grant.
  await db().begin(async (tx) => {
    await tx`create temporary table rollover_plan on commit drop as
             select * from public.plans where id = 'pro'`;
    await tx`update rollover_plan set id = 'rollover_test', name = 'Rollover test', tier = 93,
             monthly_credit_grant = ${(100n * CREDIT).toString()}::bigint`;
    await tx`insert into public.plans select * from rollover_plan on conflict (id) do nothing`;
    await tx`insert into public.plan_billing (plan_id, currency, monthly_amount, grace_days, rollover_cap)
             values ('rollover_test', 'usd', 1900, 7, ${(40n * CREDIT).toString()}::bigint)
             on conflict (plan_id) do nothing`;
  });
});
afterAll(() => fake.close());

const DAY = 86_400;
const t0 = Math.floor(Date.now() / 1000) - 2 * DAY;
const t1 = t0 + 30 * DAY;
const t2 = t1 + 31 * DAY;

async function subscriber(name: string, plan: string) {
  const user = await createUser(name);
  const account = await walletOf({ userId: user.id });
  const customer = `cus_test_${user.id.slice(0, 8)}`;
  const subscriptionId = `sub_test_${user.id.slice(0, 8)}`;
  await db()`select public.billing_customer_save(${account}, 'stripe', ${customer})`;
  const metadata = { account_id: account, plan_id: plan };
  const invoice = (id: string, period: [number, number], reason: string) => ({
    id,
    object: 'invoice',
    customer,
    status: 'paid',
    billing_reason: reason,
    amount_paid: 2900,
    currency: 'usd',
    parent: { subscription_details: { subscription: subscriptionId, metadata } },
    lines: { data: [{ period: { start: period[0], end: period[1] }, metadata: {} }] },
  });
  await deliver(
    stripeEvent('customer.subscription.created', {
      id: subscriptionId,
      object: 'subscription',
      customer,
      status: 'active',
      cancel_at_period_end: false,
      trial_end: null,
      metadata,
      items: {
        data: [
          {
            current_period_start: t0,
            current_period_end: t1,
            price: { id: `price_${plan}_month`, recurring: { interval: 'month' }, metadata: {} },
          },
        ],
      },
    }),
  );
  const first = await deliver(
    stripeEvent(
      'invoice.paid',
      invoice(`in_${user.id.slice(0, 8)}_1`, [t0, t1], 'subscription_create'),
    ),
  );
  expect(first.status).toBe(200);
  return { user, account, invoice };
}

async function spend(account: string, credits: bigint) {
  await db()`select * from public.credit_spend(${account}, ${(credits * CREDIT).toString()}::bigint,
    'ai_usage', ${`rollover-spend-${account}-${credits}`})`;
}

async function lots(account: string) {
  return db()<{ amount: bigint; remaining: bigint; expires_at: Date; rolled: boolean }[]>`
    select l.amount, l.remaining, l.expires_at, t.idempotency_key like 'rollover:%' as rolled
    from public.lots l join public.transfers t on t.id = l.origin_transfer_id
    where l.account_id = ${account} and l.source = 'plan' order by l.id`;
}

async function rolloverTransfers(account: string) {
  return db()<{ amount: bigint; debit: string; kind: string }[]>`
    select t.amount, a.system_code as debit, t.kind from public.transfers t
    join public.accounts a on a.id = t.debit_account_id
    where t.credit_account_id = ${account} and t.idempotency_key like 'rollover:%'`;
}

describe('rollover of unused plan credits at renewal', () => {
  it('moves exactly the unused plan credits under the cap, once under 20 parallel replays', async () => {
    const { user, account, invoice } = await subscriber('Roller', 'pro'); // Pro: grant 100, cap 100
    await spend(account, 35n);
    const renewal = stripeEvent(
      'invoice.paid',
      invoice('in_roller_2', [t1, t2], 'subscription_cycle'),
    );
    const replays = await Promise.all(Array.from({ length: 20 }, () => deliver(renewal)));
    expect(replays.every((response) => response.status === 200)).toBe(true);
    const again = stripeEvent(
      'invoice.paid',
      invoice('in_roller_2', [t1, t2], 'subscription_cycle'),
    );
    expect((await deliver(again)).status).toBe(200);

    const [ending, rolled, opened] = await lots(account);
    expect(ending).toMatchObject({ amount: 100n * CREDIT, remaining: 0n, rolled: false });
    expect(rolled).toEqual({
      amount: 65n * CREDIT,
      remaining: 65n * CREDIT,
      expires_at: new Date(t2 * 1000),
      rolled: true,
    });
    expect(opened).toEqual({
      amount: 100n * CREDIT,
      remaining: 100n * CREDIT,
      expires_at: new Date(t2 * 1000),
      rolled: false,
    });
    expect(await rolloverTransfers(account)).toEqual([
      { amount: 65n * CREDIT, debit: 'expired', kind: 'grant' },
    ]);
    expect(await available(account)).toBe(165n * CREDIT);
    // The credits page lists the rolled-over lot with its own label and expiry, spent first.
    const shown = await listLiveLots(user.session, account);
    expect(shown.map((lot) => [lot.label, lot.rolledOver, lot.remaining, lot.expiresAt])).toEqual([
      ['Rolled-over plan credits', true, 65n * CREDIT, new Date(t2 * 1000)],
      ['Pro plan credits', false, 100n * CREDIT, new Date(t2 * 1000)],
    ]);
    // History files the carried credits as plan credits.
    const history = await listTransactions(user.session, account, { limit: 10 });
    const carried = history.items.filter((item) => item.description === 'Rolled-over plan credits');
    expect(carried.map((item) => [item.activity, item.amount])).toEqual([
      ['plan_grant', 65n * CREDIT],
    ]);
    const [bill] = await db()`
      select rollover_lot_id is not null as has_rollover from public.billing_invoices where id = 'in_roller_2'`;
    expect(bill).toEqual({ has_rollover: true });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('rolls over at most the cap; the rest expires', async () => {
    const { account, invoice } = await subscriber('Capped', 'rollover_test'); // grant 100, cap 40
    await spend(account, 10n);
    const renewal = stripeEvent(
      'invoice.paid',
      invoice('in_capped_2', [t1, t2], 'subscription_cycle'),
    );
    await Promise.all(Array.from({ length: 5 }, () => deliver(renewal)));

    expect((await lots(account)).map((lot) => [lot.amount, lot.remaining, lot.rolled])).toEqual([
      [100n * CREDIT, 0n, false],
      [40n * CREDIT, 40n * CREDIT, true],
      [100n * CREDIT, 100n * CREDIT, false],
    ]);
    const [expired] = await db()<{ amount: bigint }[]>`
      select coalesce(sum(amount), 0)::bigint as amount from public.transfers
      where debit_account_id = ${account} and kind = 'expire'`;
    expect(expired!.amount - 40n * CREDIT).toBe(50n * CREDIT); // 90 unused, 40 carried, 50 gone
    expect(await available(account)).toBe(140n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a renewal that arrives after the ending lot expired still carries its remainder', async () => {
    const { account, invoice } = await subscriber('Late renewal', 'rollover_test');
    await spend(account, 75n);
    // The maintenance tick expires the ending lot at its end, before Stripe's invoice.paid.
    await clocked(new Date((t1 + 60) * 1000), (tx) => tx`select private.settle_wallet(${account})`);
    expect((await lots(account))[0]).toMatchObject({ remaining: 0n });
    const renewal = stripeEvent(
      'invoice.paid',
      invoice('in_late_2', [t1, t2], 'subscription_cycle'),
    );
    await Promise.all([deliver(renewal), deliver(renewal), deliver(renewal)]);

    expect(await rolloverTransfers(account)).toEqual([
      { amount: 25n * CREDIT, debit: 'expired', kind: 'grant' },
    ]);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a plan without a rollover cap carries nothing', async () => {
    await db()`update public.plan_billing set rollover_cap = 0 where plan_id = 'rollover_test'`;
    try {
      const { account, invoice } = await subscriber('No rollover', 'rollover_test');
      const renewal = stripeEvent(
        'invoice.paid',
        invoice('in_none_2', [t1, t2], 'subscription_cycle'),
      );
      expect((await deliver(renewal)).status).toBe(200);
      expect(await rolloverTransfers(account)).toEqual([]);
      expect(await lots(account)).toHaveLength(2);
    } finally {
      await db()`update public.plan_billing set rollover_cap = ${(40n * CREDIT).toString()}::bigint
                 where plan_id = 'rollover_test'`;
    }
  });
});

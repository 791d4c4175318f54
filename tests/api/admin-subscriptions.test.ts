import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as overview } from '../../app/api/admin/subscriptions/route';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { walletOf } from '../helpers/ledger';
import { deliver, stripeEvent, useFakeStripe, type FakeStripe } from '../helpers/stripe';

/**
 * The admin subscriptions view: each mirrored subscription with its subject, plan, status,
 * interval and period; MRR (a yearly price counts a twelfth) in total and per plan; the past-due
 * list. Platform admins only: 403 for anyone else, 401 without a session.
 */

let fake: FakeStripe;
let admin: TestUser, plain: TestUser;
const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);

interface Sub {
  id: string;
  subjectKind: string;
  subjectName: string;
  planId: string;
  status: string;
  interval: string;
  periodEnd: string;
  cancelAtPeriodEnd: boolean;
  graceEndsAt: string | null;
  mrr: string;
}
interface Overview {
  subscriptions: Sub[];
  totals: { currency: string; mrr: string; subscriptions: number }[];
  perPlan: { planId: string; currency: string; subscriptions: number; mrr: string }[];
  pastDue: Sub[];
}

async function subscribe(
  account: string,
  id: string,
  plan: string,
  interval: 'month' | 'year',
  status: string,
  extra: Record<string, unknown> = {},
) {
  const customer = `cus_${id.slice(4)}`;
  await db()`select public.billing_customer_save(${account}, 'stripe', ${customer})`;
  const response = await deliver(
    stripeEvent('customer.subscription.created', {
      id,
      object: 'subscription',
      customer,
      status,
      cancel_at_period_end: false,
      trial_end: null,
      metadata: { account_id: account, plan_id: plan },
      items: {
        data: [
          {
            current_period_start: now - DAY,
            current_period_end: now + (interval === 'year' ? 364 : 29) * DAY,
            price: { id: `price_${plan}_${interval}`, recurring: { interval }, metadata: {} },
          },
        ],
      },
      ...extra,
    }),
  );
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  fake = await useFakeStripe();
  admin = await createUser('Subscriptions admin');
  plain = await createUser('Plain user');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  const monthly = await createUser('Monthly payer');
  const late = await createUser('Late payer');
  const trial = await createUser('Trial user');
  const org = await createOrg(await createUser('Yearly owner'));
  await subscribe(
    await walletOf({ userId: monthly.id }),
    'sub_adm_monthly',
    'pro',
    'month',
    'active',
    {
      cancel_at_period_end: true,
    },
  );
  await subscribe(
    await walletOf({ orgId: org.id }),
    'sub_adm_yearly',
    'enterprise',
    'year',
    'active',
  );
  await subscribe(await walletOf({ userId: late.id }), 'sub_adm_late', 'pro', 'month', 'past_due');
  await subscribe(
    await walletOf({ userId: trial.id }),
    'sub_adm_trial',
    'enterprise',
    'month',
    'trialing',
  );
});
afterAll(() => fake.close());

const read = async (user?: TestUser) =>
  overview(await request('/api/admin/subscriptions', { user }));

describe('GET /api/admin/subscriptions', () => {
  it('is 403 for a signed-in non-admin and 401 without a session', async () => {
    const denied = await read(plain);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: 'forbidden', status: 403 });
    expect((await read()).status).toBe(401);
  });

  it('lists each subscription with its MRR; yearly counts a twelfth, a trial nothing', async () => {
    const response = await read(admin);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Overview;
    const mine = Object.fromEntries(
      body.subscriptions.filter((sub) => sub.id.startsWith('sub_adm_')).map((sub) => [sub.id, sub]),
    );
    expect(mine.sub_adm_monthly).toMatchObject({
      subjectKind: 'user',
      subjectName: expect.stringMatching(/^monthly\.payer\./),
      planId: 'pro',
      status: 'active',
      interval: 'month',
      cancelAtPeriodEnd: true,
      mrr: '2900',
    });
    expect(mine.sub_adm_yearly).toMatchObject({
      subjectKind: 'org',
      planId: 'enterprise',
      interval: 'year',
      mrr: '8250', // 990.00 a year
    });
    expect(mine.sub_adm_late).toMatchObject({ status: 'past_due', mrr: '2900' });
    expect(mine.sub_adm_trial).toMatchObject({ status: 'trialing', mrr: '0' });

    // The past-due list holds exactly the past-due subscriptions.
    expect(body.pastDue.map((sub) => sub.id)).toContain('sub_adm_late');
    expect(body.pastDue.every((sub) => sub.status === 'past_due')).toBe(true);
    expect(body.pastDue.map((sub) => sub.id)).not.toContain('sub_adm_monthly');

    // Totals and per-plan figures add up the paying subscriptions listed.
    const paying = body.subscriptions.filter((sub) => ['active', 'past_due'].includes(sub.status));
    const sum = (subs: Sub[]) => subs.reduce((total, sub) => total + BigInt(sub.mrr), 0n);
    const usd = body.totals.find((total) => total.currency === 'usd')!;
    expect(BigInt(usd.mrr)).toBe(sum(paying));
    expect(usd.subscriptions).toBe(paying.length);
    const pro = body.perPlan.find((plan) => plan.planId === 'pro' && plan.currency === 'usd')!;
    expect(BigInt(pro.mrr)).toBe(sum(paying.filter((sub) => sub.planId === 'pro')));
    expect(BigInt(pro.mrr)).toBeGreaterThanOrEqual(5800n);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import Stripe from 'stripe';
import { listPlanPrices, savePlanPrice } from '../../lib/stripe';
import { syncPlansToStripe } from '../../lib/stripe/plan-sync';
import { createUser, db, outcome, type TestUser } from '../helpers/fixtures';
import { CREDIT } from '../helpers/ledger';
import { useFakeStripe, type FakeStripe } from '../helpers/stripe';

/**
 * Plan prices: the seeded price list, platform admins editing it (others refused, nothing
 * written), and `npm run stripe:sync` creating recurring Stripe prices and the Customer Portal
 * configuration through the real SDK against the fake Stripe API.
 */

let fake: FakeStripe;
let admin: TestUser, user: TestUser;

beforeAll(async () => {
  fake = await useFakeStripe();
  admin = await createUser('Platform Admin');
  user = await createUser('Plain User');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
});
afterAll(() => fake.close());

const pro = {
  planId: 'pro',
  currency: 'usd',
  monthlyAmount: 2900,
  yearlyAmount: 29000,
  trialDays: 14,
  graceDays: 7,
  rolloverCap: 100n * CREDIT,
};

describe('plan prices', () => {
  it('seeds Pro and Enterprise monthly and yearly; Free and Starter have no price', async () => {
    const prices = await listPlanPrices();
    expect([...prices.keys()].sort()).toEqual(['enterprise', 'pro']);
    expect(prices.get('pro')).toMatchObject({
      currency: 'usd',
      monthlyAmount: 2900n,
      yearlyAmount: 29000n,
      trialDays: 0,
      graceDays: 7,
      rolloverCap: 100n * CREDIT,
      syncedToStripe: false,
    });
    expect(prices.get('enterprise')).toMatchObject({ monthlyAmount: 9900n, trialDays: 14 });
  });

  it('platform admins edit prices; a plain user gets 403 and nothing changes', async () => {
    await expect(savePlanPrice(user.session, { ...pro, monthlyAmount: 100 })).rejects.toMatchObject(
      { code: 'TG403' },
    );
    expect((await listPlanPrices()).get('pro')!.monthlyAmount).toBe(2900n);
    await expect(
      savePlanPrice(admin.session, { ...pro, monthlyAmount: null }),
    ).rejects.toMatchObject({ code: 'TG422' });
    await expect(savePlanPrice(admin.session, { ...pro, monthlyAmount: 10 })).rejects.toThrow();
    const saved = await savePlanPrice(admin.session, {
      ...pro,
      planId: 'starter',
      yearlyAmount: null,
      monthlyAmount: 900,
      trialDays: 0,
    });
    expect(saved).toMatchObject({ planId: 'starter', monthlyAmount: 900n, yearlyAmount: null });
    expect(
      await outcome(
        () => db()`
        select 1 from (select set_config('role', 'authenticated', true)) r, public.plan_billing_set('pro', 'usd', 1, null, 0::smallint, 0::smallint, 0)`,
      ),
    ).not.toBe('ok');
    await savePlanPrice(admin.session, {
      ...pro,
      planId: 'starter',
      monthlyAmount: null,
      yearlyAmount: null,
    });
    expect((await listPlanPrices()).get('starter')!.monthlyAmount).toBeNull();
  });

  it('stripe:sync creates recurring prices and the portal configuration, then keeps them', async () => {
    const pool = postgres(process.env.DATABASE_URL!, {
      max: 1,
      onnotice: () => {},
      types: { bigint: postgres.BigInt },
    });
    const stripe = new Stripe('sk_test_tollgate_fake', {
      host: '127.0.0.1',
      port: new URL(fake.url).port,
      protocol: 'http',
    });
    try {
      const reports = await syncPlansToStripe(pool, stripe, 'https://app.tollgate.test/billing');
      expect(reports.map((r) => [r.planId, r.product, r.pricesCreated])).toEqual([
        ['starter', 'created', 0],
        ['pro', 'created', 2],
        ['enterprise', 'created', 2],
      ]);
      const prices = fake.requestsTo('POST', '/v1/prices').map((r) => r.body);
      expect(prices[0]).toMatchObject({
        unit_amount: '2900',
        currency: 'usd',
        recurring: { interval: 'month' },
        metadata: { tollgate_plan_id: 'pro' },
      });
      expect(prices[1]).toMatchObject({ unit_amount: '29000', recurring: { interval: 'year' } });
      const [portal] = fake.requestsTo('POST', '/v1/billing_portal/configurations');
      const proReport = reports.find((r) => r.planId === 'pro')!;
      expect(portal!.body).toMatchObject({
        default_return_url: 'https://app.tollgate.test/billing',
        metadata: { tollgate: 'customer_portal' },
        features: {
          subscription_cancel: { enabled: 'true', mode: 'at_period_end' },
          payment_method_update: { enabled: 'true' },
          invoice_history: { enabled: 'true' },
          subscription_update: {
            enabled: 'true',
            proration_behavior: 'create_prorations',
            products: [
              {
                product: proReport.productId,
                prices: [proReport.monthlyPriceId, proReport.yearlyPriceId],
              },
              expect.anything(),
            ],
          },
        },
      });
      const [row] = await db()`
        select stripe_monthly_price_id, stripe_yearly_price_id from public.plan_billing where plan_id = 'pro'`;
      expect(row).toEqual({
        stripe_monthly_price_id: proReport.monthlyPriceId,
        stripe_yearly_price_id: proReport.yearlyPriceId,
      });
      expect((await listPlanPrices()).get('pro')!.syncedToStripe).toBe(true);

      // Again: nothing new, and the same portal configuration is updated, not duplicated.
      const again = await syncPlansToStripe(pool, stripe, 'https://app.tollgate.test/billing');
      expect(again.every((r) => r.product === 'updated' && r.pricesCreated === 0)).toBe(true);
      expect(fake.requestsTo('POST', '/v1/billing_portal/configurations')).toHaveLength(1);

      // A new monthly price forgets the Stripe price; the next sync creates one, archives the old.
      await savePlanPrice(admin.session, { ...pro, monthlyAmount: 3500 });
      expect((await listPlanPrices()).get('pro')!.syncedToStripe).toBe(false);
      const repriced = (
        await syncPlansToStripe(pool, stripe, 'https://app.tollgate.test/billing')
      ).find((r) => r.planId === 'pro')!;
      expect(repriced.pricesCreated).toBe(1);
      expect(repriced.monthlyPriceId).not.toBe(proReport.monthlyPriceId);
      expect(repriced.yearlyPriceId).toBe(proReport.yearlyPriceId);
    } finally {
      await pool.end();
    }
  });
});

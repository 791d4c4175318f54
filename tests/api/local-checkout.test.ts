import { beforeAll, describe, expect, it } from 'vitest';
import { POST as purchase } from '../../app/api/credits/purchase/route';
import { POST as orgPurchase } from '../../app/api/orgs/[orgId]/credits/purchase/route';
import {
  completeLocalCheckout,
  configureAutoRecharge,
  dispatchAutoRecharges,
  getLocalCheckout,
} from '../../lib/stripe';
import {
  createOrg,
  createUser,
  db,
  outcome,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { CREDIT, asUser, available, ledgerCheck, walletOf } from '../helpers/ledger';
import { deliver, packageId, stripeEvent } from '../helpers/stripe';

/**
 * Local mode without Stripe keys: the purchase goes to the local test checkout, which completes
 * it by delivering a correctly signed checkout.session.completed event to the same webhook
 * handler, so local purchases take exactly the production fulfilment path.
 */

let buyer: TestUser;
let wallet: string;

beforeAll(async () => {
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.NEXT_PUBLIC_SUPABASE_URL;
  buyer = await createUser('Local buyer');
  wallet = await walletOf({ userId: buyer.id });
});

async function startPurchase(slug: string): Promise<{ paymentId: string; url: string }> {
  const response = await purchase(
    await request('/api/credits/purchase', {
      user: buyer,
      body: { packageId: await packageId(slug) },
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { paymentId: string; url: string };
}

const sessionIdOf = (url: string) => url.split('/').pop()!;

describe('local test checkout', () => {
  it('paying delivers a signed checkout.session.completed to the webhook handler, which fulfils once', async () => {
    const { paymentId, url } = await startPurchase('growth');
    expect(url).toMatch(/^\/checkout\/local\/cs_local_[0-9a-f]{24}$/);
    const checkout = await getLocalCheckout(buyer.session, sessionIdOf(url));
    expect(checkout).toMatchObject({
      paymentId,
      status: 'pending',
      packageName: 'Growth',
      amount: 4500n,
      credits: 500n * CREDIT,
      bonusCredits: 50n * CREDIT,
      walletLabel: 'your personal wallet',
    });

    const next = await completeLocalCheckout(buyer.session, sessionIdOf(url), 'pay');
    expect(next).toBe(`/credits?checkout=success&payment=${paymentId}`);
    expect(await available(wallet)).toBe(550n * CREDIT);
    const events = await db()`select id, type, status, payment_id from public.stripe_events`;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'checkout.session.completed',
      status: 'processed',
      payment_id: paymentId,
    });
    expect(String(events[0]!.id)).toMatch(/^evt_local_/);
    const [payment] =
      await db()`select status, provider, payment_intent_id from public.payments where id = ${paymentId}`;
    expect(payment).toMatchObject({ status: 'paid', provider: 'local' });
    expect(String(payment!.payment_intent_id)).toMatch(/^pi_local_/);

    // Paying again (a double click) changes nothing.
    expect(await completeLocalCheckout(buyer.session, sessionIdOf(url), 'pay')).toBe(next);
    expect(await available(wallet)).toBe(550n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('cancelling expires the checkout through the same handler; others cannot see it', async () => {
    const { paymentId, url } = await startPurchase('starter');
    const stranger = await createUser('Stranger');
    expect(await outcome(() => getLocalCheckout(stranger.session, sessionIdOf(url)))).toBe(
      'not_found',
    );
    expect(
      await outcome(() => completeLocalCheckout(stranger.session, sessionIdOf(url), 'pay')),
    ).toBe('not_found');
    const next = await completeLocalCheckout(buyer.session, sessionIdOf(url), 'cancel');
    expect(next).toBe(`/credits?checkout=cancelled&payment=${paymentId}`);
    const [payment] = await db()`select status from public.payments where id = ${paymentId}`;
    expect(payment!.status).toBe('expired');
    expect(await available(wallet)).toBe(550n * CREDIT);
  });

  it('the local webhook secret is not guessable: an event signed with another secret is refused', async () => {
    const { paymentId, url } = await startPurchase('starter');
    const forged = stripeEvent('checkout.session.completed', {
      id: sessionIdOf(url),
      object: 'checkout.session',
      payment_status: 'paid',
      amount_total: 1000,
      currency: 'usd',
      metadata: { payment_id: paymentId },
    });
    expect((await deliver(forged, 'whsec_guess')).status).toBe(400);
    expect(await available(wallet)).toBe(550n * CREDIT);
  });

  it('org purchases return to the org credits page; members are refused', async () => {
    const member = await createUser('Member');
    const org = await createOrg(buyer, [{ user: member, role: 'member' }]);
    const buy = async (user: TestUser) =>
      orgPurchase(
        await request(`/api/orgs/${org.id}/credits/purchase`, {
          user,
          body: { packageId: await packageId('starter') },
        }),
        routeParams({ orgId: org.id }),
      );
    expect((await buy(member)).status).toBe(403);
    const { url } = (await (await buy(buyer)).json()) as { url: string };
    const next = await completeLocalCheckout(buyer.session, sessionIdOf(url), 'pay');
    expect(next).toMatch(new RegExp(`^/organizations/${org.slug}/credits\\?checkout=success`));
    expect(await available(await walletOf({ orgId: org.id }))).toBe(100n * CREDIT);
  });

  it('auto-recharge works locally with the saved test card, through the webhook handler', async () => {
    await configureAutoRecharge(buyer.session, wallet, {
      enabled: true,
      threshold: (100n * CREDIT).toString(),
      packageId: await packageId('starter'),
    });
    await asUser(
      buyer,
      (tx) =>
        tx`select public.credit_spend(${wallet}, ${(500n * CREDIT).toString()}::bigint, 'ai_usage', 'big')`,
    );
    expect(await dispatchAutoRecharges()).toEqual({ dispatched: 1 });
    expect(await available(wallet)).toBe(150n * CREDIT);
    const [recharge] = await db()`
      select status, provider from public.payments where account_id = ${wallet} and kind = 'auto_recharge'`;
    expect(recharge).toEqual({ status: 'paid', provider: 'local' });
    expect(await ledgerCheck()).toEqual([]);
  });
});

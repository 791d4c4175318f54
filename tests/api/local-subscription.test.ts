import { beforeAll, describe, expect, it } from 'vitest';
import { POST as subscribe } from '../../app/api/billing/subscribe/route';
import { getSubscription } from '../../lib/plans';
import { completeLocalSubscription } from '../../lib/stripe';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, ledgerCheck, walletOf } from '../helpers/ledger';

/**
 * Local mode without Stripe keys: subscribing goes to the local test checkout, which delivers the
 * signed events Stripe would send (subscription created, checkout completed, first invoice paid)
 * to the same webhook handler, so the plan arrives through the production path.
 */

let buyer: TestUser, other: TestUser;

beforeAll(async () => {
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.NEXT_PUBLIC_SUPABASE_URL;
  buyer = await createUser('Local subscriber');
  other = await createUser('Someone else');
  // Pro has no trial (its first invoice is paid at checkout); Enterprise starts with one.
});

async function offerFor(user: TestUser, planId: string): Promise<string> {
  const response = await subscribe(
    await request('/api/billing/subscribe', { user, body: { planId } }),
  );
  expect(response.status).toBe(200);
  const { url } = (await response.json()) as { url: string };
  expect(url).toMatch(/^\/checkout\/subscribe\?offer=/);
  return new URL(url, 'http://localhost').searchParams.get('offer')!;
}

describe('local test subscription checkout', () => {
  it('subscribing opens the plan through the webhook: mirror, paid invoice, plan credits once', async () => {
    const offer = await offerFor(buyer, 'pro');
    // Someone else's session cannot use the offer; an altered one is refused too.
    await expect(completeLocalSubscription(other.session, offer)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      completeLocalSubscription(buyer.session, offer.replace(/.$/, 'x')),
    ).rejects.toMatchObject({ code: 'not_found' });

    expect(await completeLocalSubscription(buyer.session, offer)).toBe('/billing?checkout=success');
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe('pro');
    const wallet = await walletOf({ userId: buyer.id });
    const lots =
      await db()`select amount from public.lots where account_id = ${wallet} and source = 'plan'`;
    expect(lots).toEqual([{ amount: 100n * CREDIT }]);
    const [mirror] = await db()`
      select provider, status, plan_id from public.billing_subscriptions where account_id = ${wallet}`;
    expect(mirror).toEqual({ provider: 'local', status: 'active', plan_id: 'pro' });
    const events = await db()`select type, status from public.stripe_events order by received_at`;
    expect(events.map((e) => `${e.type}:${e.status}`)).toEqual([
      'customer.subscription.created:processed',
      'checkout.session.completed:processed',
      'invoice.paid:processed',
    ]);

    // A second checkout for a wallet that already subscribes is refused (409), nothing written.
    const again = await subscribe(
      await request('/api/billing/subscribe', { user: buyer, body: { planId: 'enterprise' } }),
    );
    expect(again.status).toBe(409);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a plan with a trial starts trialing with the plan and its credits, before any invoice', async () => {
    const offer = await offerFor(other, 'enterprise');
    await completeLocalSubscription(other.session, offer);
    const plan = await getSubscription('service', { kind: 'user', id: other.id });
    expect(plan.planId).toBe('enterprise');
    expect(plan.periodEnd.getTime() - plan.periodStart.getTime()).toBe(14 * 86_400_000);
    const [mirror] = await db()`
      select status, trial_end is not null as trial from public.billing_subscriptions
      where account_id = ${await walletOf({ userId: other.id })}`;
    expect(mirror).toEqual({ status: 'trialing', trial: true });
    expect(await ledgerCheck()).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { POST as cancel } from '../../app/api/billing/cancel/route';
import { POST as changePlan } from '../../app/api/billing/change-plan/route';
import { POST as resume } from '../../app/api/billing/resume/route';
import { POST as subscribe } from '../../app/api/billing/subscribe/route';
import { getSubscription } from '../../lib/plans';
import { completeLocalSubscription, runLocalPortalAction } from '../../lib/stripe';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, ledgerCheck, walletOf } from '../helpers/ledger';

/**
 * Plan changes in local mode (no Stripe keys), as `npm run dev` runs them: the upgrade charges
 * the proration its preview showed through a signed local proration invoice, a downgrade waits
 * for the local renewal, cancel and resume go through the same webhook handler.
 */

let buyer: TestUser;
let account: string;

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
const post = async (body: Record<string, unknown>) =>
  changePlan(await request('/api/billing/change-plan', { user: buyer, body }));

async function mirror() {
  const [row] = await db()`
    select plan_id, billing_interval, cancel_at_period_end, pending_plan_id, pending_interval,
           current_period_start, current_period_end
    from public.billing_subscriptions where account_id = ${account}`;
  return row!;
}

beforeAll(async () => {
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.NEXT_PUBLIC_SUPABASE_URL;
  buyer = await createUser('Local changer');
  account = await walletOf({ userId: buyer.id });
  const response = await subscribe(
    await request('/api/billing/subscribe', { user: buyer, body: { planId: 'pro' } }),
  );
  const { url } = (await response.json()) as { url: string };
  const offer = new URL(url, 'http://localhost').searchParams.get('offer')!;
  await completeLocalSubscription(buyer.session, offer);
});

describe('local plan changes', () => {
  it('an upgrade charges the previewed proration and grants the difference once', async () => {
    const quote = await json(
      await post({ planId: 'enterprise', interval: 'month', preview: true }),
    );
    const { current_period_start: start, current_period_end: end } = await mirror();
    const at = quote.prorationDate as number;
    const [s, e] = [start.getTime() / 1000, end.getTime() / 1000];
    const part = (amount: number) => Math.floor((2 * amount * (e - at) + (e - s)) / (2 * (e - s)));
    expect(quote).toMatchObject({
      change: 'upgrade',
      amountDueNow: part(9900) - part(2900),
      applied: false,
    });
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe('pro');

    const done = await post({ planId: 'enterprise', interval: 'month', prorationDate: at });
    expect(done.status).toBe(200);
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe(
      'enterprise',
    );
    const invoices = await db()`
      select billing_reason, amount_paid from public.billing_invoices where account_id = ${account}
      order by created_at`;
    expect(invoices).toEqual([
      { billing_reason: 'subscription_create', amount_paid: 2900n },
      { billing_reason: 'subscription_update', amount_paid: BigInt(quote.amountDueNow as number) },
    ]);
    const lots = await db()`
      select amount from public.lots where account_id = ${account} and source = 'plan' order by id`;
    expect(lots).toEqual([{ amount: 100n * CREDIT }, { amount: 400n * CREDIT }]);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a downgrade waits for the renewal; cancel and resume', async () => {
    const response = await post({ planId: 'pro', interval: 'month' });
    expect(await json(response)).toMatchObject({ change: 'downgrade' });
    expect(await mirror()).toMatchObject({ plan_id: 'enterprise', pending_plan_id: 'pro' });

    // Cancelling replaces the scheduled change; resuming keeps the current plan.
    expect(
      (await cancel(await request('/api/billing/cancel', { user: buyer, body: {} }))).status,
    ).toBe(200);
    expect(await mirror()).toMatchObject({ cancel_at_period_end: true, pending_plan_id: null });
    expect(
      (await resume(await request('/api/billing/resume', { user: buyer, body: {} }))).status,
    ).toBe(200);
    expect(await mirror()).toMatchObject({ cancel_at_period_end: false, plan_id: 'enterprise' });

    await post({ planId: 'pro', interval: 'month' });
    await runLocalPortalAction(buyer.session, account, 'renew');
    expect(await mirror()).toMatchObject({ plan_id: 'pro', pending_plan_id: null });
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe('pro');
    const [last] = await db()`
      select amount_paid from public.billing_invoices where account_id = ${account}
      order by period_start desc limit 1`;
    expect(last!.amount_paid).toBe(2900n);
    expect(await ledgerCheck()).toEqual([]);
  });
});

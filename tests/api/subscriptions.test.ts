import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as subscribe } from '../../app/api/billing/subscribe/route';
import { getSubscription } from '../../lib/plans';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { allowTestClock, clocked, CREDIT, ledgerCheck, walletOf } from '../helpers/ledger';
import { balances } from '../helpers/plans';
import { deliver, stripeEvent, useFakeStripe, type FakeStripe } from '../helpers/stripe';

/**
 * Subscriptions through Stripe Billing: the subscription checkout (permissions, prices, Stripe
 * down), and the webhook lifecycle — the mirror, each paid invoice opening exactly one plan
 * period aligned to Stripe's, under replays and parallel delivery — with events signed by the
 * real SDK, against the fake Stripe API.
 */

let fake: FakeStripe;
let buyer: TestUser, owner: TestUser, admin: TestUser, member: TestUser;
let org: { id: string; slug: string };

beforeAll(async () => {
  fake = await useFakeStripe();
  buyer = await createUser('Buyer');
  owner = await createUser('Owner');
  admin = await createUser('Admin');
  member = await createUser('Member');
  org = await createOrg(owner, [
    { user: admin, role: 'admin' },
    { user: member, role: 'member' },
  ]);
});
afterAll(() => fake.close());

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
const start = async (user: TestUser, body: Record<string, unknown>) =>
  subscribe(await request('/api/billing/subscribe', { user, body }));

const DAY = 86_400;
const t0 = Math.floor(Date.now() / 1000) - 2 * DAY;
const t1 = t0 + 30 * DAY;
const t2 = t1 + 31 * DAY;

function subscription(
  account: string,
  customer: string,
  overrides: Record<string, unknown> = {},
  period: [number, number] = [t0, t1],
) {
  return {
    id: 'sub_test_buyer0001',
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
          price: { id: 'price_pro_month', recurring: { interval: 'month' }, metadata: {} },
        },
      ],
    },
    ...overrides,
  };
}

function invoice(
  id: string,
  account: string,
  customer: string,
  period: [number, number],
  reason: string,
) {
  return {
    id,
    object: 'invoice',
    customer,
    status: 'paid',
    billing_reason: reason,
    amount_paid: 2900,
    currency: 'usd',
    hosted_invoice_url: `https://invoice.stripe.test/${id}`,
    invoice_pdf: `https://invoice.stripe.test/${id}.pdf`,
    total_taxes: [{ amount: 232 }],
    parent: {
      subscription_details: {
        subscription: 'sub_test_buyer0001',
        metadata: { account_id: account, plan_id: 'pro' },
      },
    },
    lines: { data: [{ period: { start: period[0], end: period[1] }, metadata: {} }] },
  };
}

async function planLots(account: string) {
  return db()<{ amount: bigint; expires_at: Date }[]>`
    select amount, expires_at from public.lots where account_id = ${account} and source = 'plan'
    order by id`;
}

describe('POST /api/billing/subscribe', () => {
  it('a plain org member gets 403 and nothing is sent or written', async () => {
    const response = await start(member, { planId: 'pro', orgId: org.id });
    expect(response.status).toBe(403);
    expect(fake.requestsTo('POST', '/v1/checkout/sessions')).toHaveLength(0);
    expect(fake.requestsTo('POST', '/v1/customers')).toHaveLength(0);
  });

  it('a plan with no price is 422, and so is a bad interval', async () => {
    const starter = await start(buyer, { planId: 'starter' });
    expect(starter.status).toBe(422);
    expect((await json(starter)).detail).toMatch(/no monthly price/);
    expect((await start(buyer, { planId: 'pro', interval: 'weekly' })).status).toBe(422);
    expect(fake.requestsTo('POST', '/v1/checkout/sessions')).toHaveLength(0);
  });

  it('Stripe down is a 503 and no checkout exists', async () => {
    fake.down = true;
    try {
      const response = await start(buyer, { planId: 'pro' });
      expect(response.status).toBe(503);
      expect((await json(response)).detail).toMatch(/Stripe could not be reached/);
    } finally {
      fake.down = false;
    }
    const rows = await db()`
      select (select count(*)::int from public.billing_subscriptions) as subscriptions,
             (select count(*)::int from public.billing_customers) as customers`;
    expect(rows[0]).toEqual({ subscriptions: 0, customers: 0 });
  });

  it('creates a subscription-mode Checkout Session with address and tax id collection', async () => {
    const response = await start(buyer, { planId: 'pro', interval: 'month' });
    expect(response.status).toBe(200);
    expect((await json(response)).url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const account = await walletOf({ userId: buyer.id });
    const [session] = fake.requestsTo('POST', '/v1/checkout/sessions');
    expect(session!.body).toMatchObject({
      mode: 'subscription',
      client_reference_id: account,
      line_items: [
        {
          quantity: '1',
          price_data: { currency: 'usd', unit_amount: '2900', recurring: { interval: 'month' } },
        },
      ],
      subscription_data: { metadata: { account_id: account, plan_id: 'pro' } },
      billing_address_collection: 'required',
      tax_id_collection: { enabled: 'true' },
    });
    expect(session!.body.automatic_tax).toBeUndefined();
    expect((session!.body.subscription_data as Record<string, unknown>).trial_period_days).toBe(
      undefined,
    );
  });

  it('an org admin subscribes the org (Enterprise, with its trial)', async () => {
    const response = await start(admin, { planId: 'enterprise', orgId: org.id, interval: 'year' });
    expect(response.status).toBe(200);
    const [, session] = fake.requestsTo('POST', '/v1/checkout/sessions');
    expect(session!.body).toMatchObject({
      mode: 'subscription',
      line_items: [{ price_data: { unit_amount: '99000', recurring: { interval: 'year' } } }],
      subscription_data: { trial_period_days: '14' },
      success_url: `https://app.tollgate.test/organizations/${org.slug}/billing?checkout=success`,
    });
  });
});

describe('the subscription lifecycle from webhooks', () => {
  let account: string;
  let customer: string;

  beforeAll(async () => {
    account = await walletOf({ userId: buyer.id });
    const [row] = await db()<{ customer_id: string }[]>`
      select customer_id from public.billing_customers where account_id = ${account}`;
    customer = row!.customer_id;
  });

  it('subscribe: the mirror, then the first paid invoice opens Pro with its credits, once', async () => {
    const created = await deliver(
      stripeEvent('customer.subscription.created', subscription(account, customer)),
    );
    expect(await json(created)).toMatchObject({ outcome: 'handled' });
    // The mirror alone grants nothing: the plan comes with the paid invoice.
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe('free');

    const paid = stripeEvent(
      'invoice.paid',
      invoice('in_test_first', account, customer, [t0, t1], 'subscription_create'),
    );
    for (let i = 0; i < 3; i += 1) expect((await deliver(paid)).status).toBe(200);
    const plan = await getSubscription('service', { kind: 'user', id: buyer.id });
    expect(plan).toMatchObject({
      planId: 'pro',
      periodStart: new Date(t0 * 1000),
      periodEnd: new Date(t1 * 1000),
    });
    expect(await planLots(account)).toEqual([
      { amount: 100n * CREDIT, expires_at: new Date(t1 * 1000) },
    ]);
    const allowance = await balances('user', buyer.id);
    expect(allowance.goal_generation).toMatchObject({
      balance: 300n,
      refresh_at: new Date(t1 * 1000),
    });

    const [mirror] = await db()`
      select status, plan_id, billing_interval, current_period_end, cancel_at_period_end
      from public.billing_subscriptions where id = 'sub_test_buyer0001'`;
    expect(mirror).toEqual({
      status: 'active',
      plan_id: 'pro',
      billing_interval: 'month',
      current_period_end: new Date(t1 * 1000),
      cancel_at_period_end: false,
    });
    const [bill] = await db()`
      select status, amount_paid, tax, hosted_invoice_url from public.billing_invoices where id = 'in_test_first'`;
    expect(bill).toEqual({
      status: 'paid',
      amount_paid: 2900n,
      tax: 232n,
      hosted_invoice_url: 'https://invoice.stripe.test/in_test_first',
    });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('renewal: invoice.paid replayed 20 times and beside subscription.updated opens one period', async () => {
    const renewal = invoice('in_test_renewal', account, customer, [t1, t2], 'subscription_cycle');
    const events = Array.from({ length: 20 }, () => stripeEvent('invoice.paid', renewal));
    const updated = stripeEvent(
      'customer.subscription.updated',
      subscription(account, customer, {}, [t1, t2]),
    );
    const first = events[0]!;
    const responses = await Promise.all([
      ...events.map((event) => deliver(event)),
      deliver(updated),
      deliver(first),
      deliver(updated),
    ]);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const lots = await planLots(account);
    // The ending period's unused 100 credits roll over (Pro's cap is 100), then the new grant.
    expect(lots.slice(1)).toEqual([
      { amount: 100n * CREDIT, expires_at: new Date(t2 * 1000) },
      { amount: 100n * CREDIT, expires_at: new Date(t2 * 1000) },
    ]);
    const [paidCount] = await db()<{ count: number }[]>`
      select count(*)::int as count from public.billing_invoices where account_id = ${account} and status = 'paid'`;
    expect(paidCount!.count).toBe(2);
    const [mirror] =
      await db()`select current_period_end from public.billing_subscriptions where id = 'sub_test_buyer0001'`;
    expect(mirror!.current_period_end).toEqual(new Date(t2 * 1000));
    expect(await ledgerCheck()).toEqual([]);
  });

  it('an older subscription event never overwrites a newer one; unknown customers are recorded, 2xx', async () => {
    const stale = stripeEvent(
      'customer.subscription.updated',
      subscription(account, customer, { status: 'past_due' }),
    );
    stale.created -= 3600;
    expect((await deliver(stale)).status).toBe(200);
    const [mirror] =
      await db()`select status from public.billing_subscriptions where id = 'sub_test_buyer0001'`;
    expect(mirror!.status).toBe('active');

    const stranger = stripeEvent('invoice.paid', {
      ...invoice(
        'in_test_stranger',
        '00000000-0000-0000-0000-000000000000',
        'cus_nobody',
        [t0, t1],
        'subscription_create',
      ),
    });
    const response = await deliver(stranger);
    expect(response.status).toBe(200);
    const [recorded] =
      await db()`select status from public.stripe_events where id = ${stranger.id}`;
    expect(recorded!.status).toBe('ignored');
  });

  it('customer.subscription.deleted returns the subject to the free plan', async () => {
    const deleted = stripeEvent(
      'customer.subscription.deleted',
      subscription(account, customer, { status: 'canceled' }, [t1, t2]),
    );
    expect((await deliver(deleted)).status).toBe(200);
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe('free');
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('a failed renewal: past due, grace, the free plan, and recovery', () => {
  it('keeps the plan through the grace days, then Free; a later payment restores Pro', async () => {
    await allowTestClock();
    const late = await createUser('Late payer');
    const account = await walletOf({ userId: late.id });
    const customer = 'cus_test_late0001';
    await db()`select public.billing_customer_save(${account}, 'stripe', ${customer})`;
    const now = Math.floor(Date.now() / 1000);
    const end = now + 2 * DAY;
    const next = end + 30 * DAY;
    const sub = (status: string, period: [number, number]) => ({
      ...subscription(account, customer, { status }, period),
      id: 'sub_test_late0001',
    });
    const bill = (id: string, period: [number, number]) => {
      const object = invoice(id, account, customer, period, 'subscription_cycle');
      object.parent.subscription_details.subscription = 'sub_test_late0001';
      return object;
    };
    await deliver(stripeEvent('customer.subscription.created', sub('active', [now, end])));
    await deliver(stripeEvent('invoice.paid', bill('in_test_late_first', [now, end])));

    const failed = stripeEvent('invoice.payment_failed', {
      ...bill('in_test_late_renewal', [end, next]),
      status: 'open',
      amount_paid: 0,
      amount_due: 2900,
    });
    for (let i = 0; i < 3; i += 1) expect((await deliver(failed)).status).toBe(200);
    const [mirror] = await db()`
      select status, past_due_since is not null as since from public.billing_subscriptions
      where id = 'sub_test_late0001'`;
    expect(mirror).toEqual({ status: 'past_due', since: true });
    const notes = await db()`
      select title from public.notifications where user_id = ${late.id} and kind = 'billing.payment_failed'`;
    expect(notes).toEqual([{ title: 'A subscription payment failed' }]);

    const planAt = async (seconds: number) =>
      clocked(new Date(seconds * 1000), async (tx) => {
        const [row] = await tx<{ plan_id: string }[]>`
          select plan_id from public.subscription_current('user', ${late.id})`;
        return row!.plan_id;
      });
    // Pro's grace is 7 days past the paid period: features keep working within it.
    expect(await planAt(end + 3 * DAY)).toBe('pro');
    expect(
      (await balances('user', late.id, new Date((end + 3 * DAY) * 1000))).goal_generation!.balance,
    ).toBe(300n);
    expect(await planAt(end + 8 * DAY)).toBe('free');

    // The card is fixed: the open invoice is paid and opens its period on Pro again.
    const paid = stripeEvent('invoice.paid', bill('in_test_late_renewal', [end, next]));
    expect((await deliver(paid)).status).toBe(200);
    expect(await planAt(end + 9 * DAY)).toBe('pro');
    const [restored] = await db()`
      select status, past_due_since from public.billing_subscriptions where id = 'sub_test_late0001'`;
    expect(restored).toEqual({ status: 'active', past_due_since: null });
    expect(await ledgerCheck()).toEqual([]);
  });
});

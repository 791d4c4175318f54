import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as cancel } from '../../app/api/billing/cancel/route';
import { POST as changePlan } from '../../app/api/billing/change-plan/route';
import { POST as resume } from '../../app/api/billing/resume/route';
import { getSubscription } from '../../lib/plans';
import { addInterval } from '../../lib/stripe/local-subscription';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, ledgerCheck, walletOf } from '../helpers/ledger';
import { balances, consume } from '../helpers/plans';
import { deliver, stripeEvent, useFakeStripe, type FakeStripe } from '../helpers/stripe';

/**
 * Changing the plan of a live Stripe subscription: the upgrade charges exactly the proration its
 * preview showed and grants the new plan once (replays, parallel delivery); a downgrade waits for
 * the period end in a subscription schedule; cancel and resume; monthly ↔ yearly; a plain org
 * member is refused with nothing sent or written; bad input is problem+json. Events are signed by
 * the real SDK; the fake Stripe API computes proration in whole cents.
 */

let fake: FakeStripe;
let buyer: TestUser, owner: TestUser, admin: TestUser, member: TestUser;
let org: { id: string; slug: string };

const DAY = 86_400;
const PRICES = {
  price_pro_month: ['pro', 2900, 'month'],
  price_pro_year: ['pro', 29000, 'year'],
  price_ent_month: ['enterprise', 9900, 'month'],
  price_ent_year: ['enterprise', 99000, 'year'],
} as const;

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
const post = async (user: TestUser, body: Record<string, unknown>) =>
  changePlan(await request('/api/billing/change-plan', { user, body }));

function price(id: keyof typeof PRICES) {
  const [plan, amount, interval] = PRICES[id];
  return {
    id,
    object: 'price',
    unit_amount: amount,
    currency: 'usd',
    recurring: { interval },
    metadata: { tollgate_plan_id: plan },
  };
}

/** A wallet subscribed in Stripe (the fake holds it) with its first invoice paid. */
async function subscribed(
  account: string,
  id: string,
  priceId: keyof typeof PRICES,
  period: [number, number],
) {
  const customer = `cus_test_${id}`;
  await db()`select public.billing_customer_save(${account}, 'stripe', ${customer})`;
  const subscription = {
    id: `sub_test_${id}`,
    object: 'subscription',
    customer,
    status: 'active',
    cancel_at_period_end: false,
    trial_end: null,
    schedule: null,
    metadata: { account_id: account, plan_id: PRICES[priceId][0] },
    items: {
      object: 'list',
      data: [
        {
          id: `si_test_${id}`,
          current_period_start: period[0],
          current_period_end: period[1],
          price: price(priceId),
        },
      ],
    },
  };
  fake.subscriptions.set(subscription.id, subscription);
  await deliver(stripeEvent('customer.subscription.created', structuredClone(subscription)));
  await deliver(
    stripeEvent('invoice.paid', {
      id: `in_test_${id}_first`,
      object: 'invoice',
      customer,
      status: 'paid',
      billing_reason: 'subscription_create',
      amount_paid: PRICES[priceId][1],
      currency: 'usd',
      parent: {
        subscription_details: { subscription: subscription.id, metadata: subscription.metadata },
      },
      lines: { data: [{ period: { start: period[0], end: period[1] }, metadata: {} }] },
    }),
  );
  return subscription.id;
}

/** What Stripe sends after a change: the subscription as it is now, and the invoice it issued. */
function eventsAfterChange(subscriptionId: string) {
  const subscription = structuredClone(fake.subscriptions.get(subscriptionId)!);
  const invoice = fake.invoices.get(String(subscription.latest_invoice))!;
  return {
    updated: stripeEvent('customer.subscription.updated', subscription),
    paid: stripeEvent('invoice.paid', invoice),
    invoice,
  };
}

async function mirror(subscriptionId: string) {
  const [row] = await db()`
    select plan_id, billing_interval, cancel_at_period_end, pending_plan_id, pending_interval,
           pending_at, schedule_id
    from public.billing_subscriptions where id = ${subscriptionId}`;
  return row!;
}

async function planLots(account: string) {
  return db()<{ amount: bigint; expires_at: Date }[]>`
    select amount, expires_at from public.lots where account_id = ${account} and source = 'plan'
    order by id`;
}

beforeAll(async () => {
  fake = await useFakeStripe();
  buyer = await createUser('Upgrader');
  owner = await createUser('Owner');
  admin = await createUser('Admin');
  member = await createUser('Member');
  org = await createOrg(owner, [
    { user: admin, role: 'admin' },
    { user: member, role: 'member' },
  ]);
  for (const id of Object.keys(PRICES) as (keyof typeof PRICES)[]) fake.put(price(id));
  await db()`select public.plan_billing_set_stripe_ids('pro', 'prod_pro', 'price_pro_month', 'price_pro_year')`;
  await db()`select public.plan_billing_set_stripe_ids('enterprise', 'prod_ent', 'price_ent_month', 'price_ent_year')`;
});
afterAll(() => fake.close());

describe('upgrade with proration', () => {
  const start = Math.floor(Date.now() / 1000) - 10 * DAY;
  const end = start + 30 * DAY;
  let account: string;
  let subscriptionId: string;
  let preview: Record<string, unknown>;
  let used: bigint;

  beforeAll(async () => {
    account = await walletOf({ userId: buyer.id });
    subscriptionId = await subscribed(account, 'upgrader', 'price_pro_month', [start, end]);
    // Some of Pro's allowance is used before the upgrade.
    await consume(buyer, 'user', buyer.id, 'goal_generation', 2, 'before-upgrade');
    used = (await balances('user', buyer.id)).goal_generation!.period_used;
    expect(used).toBeGreaterThan(0n);
  });

  it('the preview shows what is due now and the next invoice, and changes nothing', async () => {
    const response = await post(buyer, { planId: 'enterprise', interval: 'month', preview: true });
    expect(response.status).toBe(200);
    preview = await json(response);
    const at = preview.prorationDate as number;
    // Stripe's arithmetic: 20 unused days of Pro credited, 20 days of Enterprise charged.
    const part = (amount: number) =>
      Math.floor((2 * amount * (end - at) + (end - start)) / (2 * (end - start)));
    expect(preview).toMatchObject({
      change: 'upgrade',
      planId: 'enterprise',
      amountDueNow: part(9900) - part(2900),
      nextInvoiceAt: new Date(end * 1000).toISOString(),
      nextInvoiceAmount: 9900,
      applied: false,
    });
    expect(fake.requestsTo('POST', `/v1/subscriptions/${subscriptionId}`)).toHaveLength(0);
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe('pro');
  });

  it('confirming charges exactly the previewed proration; replayed and parallel events grant once', async () => {
    const response = await post(buyer, {
      planId: 'enterprise',
      interval: 'month',
      prorationDate: preview.prorationDate,
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ change: 'upgrade', applied: true });
    const [update] = fake.requestsTo('POST', `/v1/subscriptions/${subscriptionId}`);
    expect(update!.body).toMatchObject({
      items: [{ id: `si_test_upgrader`, price: 'price_ent_month' }],
      proration_behavior: 'always_invoice',
      proration_date: String(preview.prorationDate),
      metadata: { plan_id: 'enterprise' },
    });
    const { updated, paid, invoice } = eventsAfterChange(subscriptionId);
    expect(invoice.amount_paid).toBe(preview.amountDueNow);
    // Nothing is granted before the webhook says the proration invoice was paid.
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe('pro');

    const again = { ...stripeEvent('invoice.paid', invoice) };
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () => deliver(paid)),
      deliver(updated),
      deliver(again),
      deliver(updated),
      deliver(paid),
    ]);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    for (let i = 0; i < 3; i += 1) await deliver(paid);

    const plan = await getSubscription('service', { kind: 'user', id: buyer.id });
    expect(plan).toMatchObject({ planId: 'enterprise', periodEnd: new Date(end * 1000) });
    // Today's upgrade rules, once: the difference in plan credits for this period...
    expect(await planLots(account)).toEqual([
      { amount: 100n * CREDIT, expires_at: new Date(end * 1000) },
      { amount: 400n * CREDIT, expires_at: new Date(end * 1000) },
    ]);
    // ...and the Enterprise allowance, less what was used, for the rest of the period.
    expect((await balances('user', buyer.id)).goal_generation).toMatchObject({
      balance: 6000n - used,
      period_allowance: 6000n,
    });
    const upgrades = await db()`
      select count(*)::int as n from public.token_usage_log
      where subject_id = ${buyer.id} and kind = 'upgrade' and token_type = 'goal_generation'`;
    expect(upgrades[0]!.n).toBe(1);
    const [bill] = await db()`
      select status, amount_paid, billing_reason from public.billing_invoices where id = ${invoice.id as string}`;
    expect(bill).toEqual({
      status: 'paid',
      amount_paid: BigInt(preview.amountDueNow as number),
      billing_reason: 'subscription_update',
    });
    expect(await mirror(subscriptionId)).toMatchObject({ plan_id: 'enterprise' });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('monthly to yearly is an upgrade that starts a yearly period; yearly to monthly waits', async () => {
    const response = await post(buyer, { planId: 'enterprise', interval: 'year', preview: true });
    const quote = await json(response);
    expect(quote).toMatchObject({ change: 'upgrade', nextInvoiceAmount: 99000 });
    const confirm = await post(buyer, {
      planId: 'enterprise',
      interval: 'year',
      prorationDate: quote.prorationDate,
    });
    expect(confirm.status).toBe(200);
    const { updated, paid, invoice } = eventsAfterChange(subscriptionId);
    expect(invoice.amount_paid).toBe(quote.amountDueNow);
    const monthEnd = (await getSubscription('service', { kind: 'user', id: buyer.id })).periodEnd;
    await Promise.all([deliver(paid), deliver(updated), deliver(paid)]);
    const at = quote.prorationDate as number;
    const yearEnd = new Date(addInterval(at, 'year') * 1000);
    expect(await mirror(subscriptionId)).toMatchObject({
      plan_id: 'enterprise',
      billing_interval: 'year',
    });
    // The paid year is lived month by month: its first month is the plan period now.
    expect(await getSubscription('service', { kind: 'user', id: buyer.id })).toMatchObject({
      periodStart: new Date(at * 1000),
      periodEnd: new Date(addInterval(at, 'month') * 1000),
    });
    // Stripe credited the monthly period's unused time, so its plan credits end now; the
    // yearly term's first month brings Enterprise's.
    const account = await walletOf({ userId: buyer.id });
    const lots = await db()<{ expires_at: Date; expired: boolean; amount: bigint }[]>`
      select expires_at, expired_at is not null as expired, amount from public.lots
      where account_id = ${account} and source = 'plan' order by id`;
    expect(lots.filter((lot) => !lot.expired)).toEqual([
      {
        expires_at: new Date(addInterval(at, 'month') * 1000),
        expired: false,
        amount: 500n * CREDIT,
      },
    ]);
    expect(lots.some((lot) => lot.expires_at.getTime() === monthEnd.getTime())).toBe(false);

    const back = await post(buyer, { planId: 'enterprise', interval: 'month' });
    expect(await json(back)).toMatchObject({
      change: 'downgrade',
      effectiveAt: yearEnd.toISOString(),
    });
    expect(await mirror(subscriptionId)).toMatchObject({
      billing_interval: 'year',
      pending_plan_id: 'enterprise',
      pending_interval: 'month',
      pending_at: yearEnd,
    });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('cancel at the period end calls off the scheduled change; resume undoes the cancellation', async () => {
    const { schedule_id: scheduleId } = await mirror(subscriptionId);
    const cancelled = await cancel(await request('/api/billing/cancel', { user: buyer, body: {} }));
    expect(cancelled.status).toBe(200);
    expect(fake.schedules.get(scheduleId as string)!.status).toBe('released');
    expect(fake.subscriptions.get(subscriptionId)!.cancel_at_period_end).toBe(true);
    await deliver(
      stripeEvent(
        'customer.subscription.updated',
        structuredClone(fake.subscriptions.get(subscriptionId)!),
      ),
    );
    expect(await mirror(subscriptionId)).toMatchObject({
      cancel_at_period_end: true,
      pending_plan_id: null,
      schedule_id: null,
    });

    const resumed = await resume(await request('/api/billing/resume', { user: buyer, body: {} }));
    expect(resumed.status).toBe(200);
    expect(fake.subscriptions.get(subscriptionId)!.cancel_at_period_end).toBe(false);
    await deliver(
      stripeEvent(
        'customer.subscription.updated',
        structuredClone(fake.subscriptions.get(subscriptionId)!),
      ),
    );
    expect(await mirror(subscriptionId)).toMatchObject({ cancel_at_period_end: false });
    expect((await getSubscription('service', { kind: 'user', id: buyer.id })).planId).toBe(
      'enterprise',
    );
  });
});

describe('a plan switched in the Stripe portal', () => {
  it('follows the price, not the metadata the portal leaves as it was', async () => {
    const switcher = await createUser('Portal Switcher');
    const account = await walletOf({ userId: switcher.id });
    const start = Math.floor(Date.now() / 1000) - 5 * DAY;
    const end = start + 30 * DAY;
    const subscriptionId = await subscribed(account, 'portal', 'price_pro_month', [start, end]);
    fake.put(price('price_ent_month'));
    // The portal swaps the item's price; our metadata on the subscription still says Pro.
    const switched = structuredClone(fake.subscriptions.get(subscriptionId)!) as {
      metadata: Record<string, string>;
      items: { data: { price: unknown }[] };
    };
    switched.items.data[0]!.price = price('price_ent_month');
    expect(switched.metadata.plan_id).toBe('pro');
    fake.subscriptions.set(subscriptionId, switched);
    expect((await deliver(stripeEvent('customer.subscription.updated', switched))).status).toBe(
      200,
    );
    expect(await mirror(subscriptionId)).toMatchObject({ plan_id: 'enterprise' });

    const now = Math.floor(Date.now() / 1000);
    const invoiceId = 'in_test_portal_switch';
    const paid = await deliver(
      stripeEvent('invoice.paid', {
        id: invoiceId,
        object: 'invoice',
        customer: 'cus_test_portal',
        status: 'paid',
        billing_reason: 'subscription_update',
        amount_paid: 4667,
        currency: 'usd',
        parent: {
          subscription_details: { subscription: subscriptionId, metadata: switched.metadata },
        },
        lines: {
          data: [
            {
              period: { start: now, end },
              metadata: {},
              pricing: { price_details: { price: 'price_ent_month' } },
            },
          ],
        },
      }),
    );
    expect(paid.status).toBe(200);
    const [bill] = await db()`select plan_id from public.billing_invoices where id = ${invoiceId}`;
    expect(bill).toEqual({ plan_id: 'enterprise' });
    expect((await getSubscription('service', { kind: 'user', id: switcher.id })).planId).toBe(
      'enterprise',
    );
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('an org downgrade waits for the period end', () => {
  const start = Math.floor(Date.now() / 1000) - 5 * DAY;
  const end = start + 30 * DAY;
  let account: string;
  let subscriptionId: string;

  beforeAll(async () => {
    account = await walletOf({ orgId: org.id });
    subscriptionId = await subscribed(account, 'org', 'price_ent_month', [start, end]);
  });

  it('a plain member gets 403, and nothing is sent to Stripe or written', async () => {
    const before = fake.requests.length;
    const rows = async () => db()`
      select (select count(*)::int from public.billing_subscriptions where pending_plan_id is not null) as pending,
             (select count(*)::int from public.stripe_events) as events`;
    const written = await rows();
    for (const response of [
      await post(member, { planId: 'pro', interval: 'month', orgId: org.id }),
      await post(member, { planId: 'pro', interval: 'month', orgId: org.id, preview: true }),
      await cancel(await request('/api/billing/cancel', { user: member, body: { orgId: org.id } })),
    ]) {
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect(fake.requests.length).toBe(before);
    expect(await rows()).toEqual(written);
  });

  it('an admin schedules the downgrade; the renewal switches the plan', async () => {
    const response = await post(admin, { planId: 'pro', interval: 'month', orgId: org.id });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      change: 'downgrade',
      effectiveAt: new Date(end * 1000).toISOString(),
      amountDueNow: null,
      nextInvoiceAmount: 2900,
    });
    const { schedule_id: scheduleId } = await mirror(subscriptionId);
    const schedule = fake.schedules.get(scheduleId as string)!;
    expect(schedule).toMatchObject({
      end_behavior: 'release',
      phases: [
        { items: [{ price: 'price_ent_month' }], end_date: String(end) },
        { items: [{ price: 'price_pro_month' }], metadata: { plan_id: 'pro' } },
      ],
    });
    // Nothing is charged and the org keeps Enterprise until the period ends.
    expect(fake.requestsTo('POST', `/v1/subscriptions/${subscriptionId}`)).toHaveLength(0);
    expect((await getSubscription('service', { kind: 'org', id: org.id })).planId).toBe(
      'enterprise',
    );
    expect(await mirror(subscriptionId)).toMatchObject({
      plan_id: 'enterprise',
      pending_plan_id: 'pro',
      pending_at: new Date(end * 1000),
    });

    // Choosing the current plan calls the change off; then the owner schedules it again.
    const keep = await post(owner, { planId: 'enterprise', interval: 'month', orgId: org.id });
    expect(await json(keep)).toMatchObject({ change: 'keep' });
    expect(schedule.status).toBe('released');
    expect(await mirror(subscriptionId)).toMatchObject({
      pending_plan_id: null,
      schedule_id: null,
    });
    expect((await post(owner, { planId: 'pro', interval: 'month', orgId: org.id })).status).toBe(
      200,
    );

    const { subscription, invoice } = fake.renew(subscriptionId);
    expect(invoice).toMatchObject({ amount_paid: 2900, billing_reason: 'subscription_cycle' });
    const renewed = stripeEvent('invoice.paid', invoice!);
    await Promise.all([
      deliver(renewed),
      deliver(stripeEvent('customer.subscription.updated', subscription)),
      deliver(renewed),
    ]);
    expect((await getSubscription('service', { kind: 'org', id: org.id })).planId).toBe('pro');
    expect(await mirror(subscriptionId)).toMatchObject({
      plan_id: 'pro',
      pending_plan_id: null,
      schedule_id: null,
    });
    expect(await ledgerCheck()).toEqual([]);

    // The schedule stays attached through its last phase; changing plan again in this period
    // lets go of it first, as Stripe requires.
    const attached = String(fake.subscriptions.get(subscriptionId)!.schedule);
    expect(fake.schedules.get(attached)!.status).toBe('active');
    const back = await post(owner, { planId: 'enterprise', interval: 'month', orgId: org.id });
    expect(back.status).toBe(200);
    expect(await json(back)).toMatchObject({ change: 'upgrade' });
    expect(fake.schedules.get(attached)!.status).toBe('released');
    expect(fake.subscriptions.get(subscriptionId)!.schedule).toBeNull();
  });
});

describe('bad input', () => {
  it('answers problem+json and changes nothing', async () => {
    const stranger = await createUser('No subscription');
    const before = fake.requests.length;
    const cases: [Record<string, unknown>, number, TestUser][] = [
      [{ planId: 'Not a plan!', interval: 'month' }, 422, buyer],
      [{ planId: 'pro', interval: 'weekly' }, 422, buyer],
      [{ planId: 'pro' }, 422, buyer],
      [{ planId: 'pro', interval: 'month', surprise: true }, 422, buyer],
      [{ planId: 'pro', interval: 'month', orgId: 'nope' }, 422, buyer],
      [{ planId: 'starter', interval: 'month' }, 422, buyer],
      [{ planId: 'enterprise', interval: 'month', orgId: org.id, prorationDate: 1 }, 422, admin],
      [{ planId: 'nosuchplan', interval: 'month' }, 404, buyer],
      [{ planId: 'pro', interval: 'month' }, 404, stranger],
    ];
    for (const [body, status, user] of cases) {
      const response = await post(user, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(await json(response)).toMatchObject({ status, type: expect.any(String) });
    }
    expect((await changePlan(await request('/api/billing/change-plan', { body: {} }))).status).toBe(
      401,
    );
    expect(fake.requests.length).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBillingSubscription } from '../../lib/stripe';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import { walletOf } from '../helpers/ledger';
import {
  WEBHOOK_SECRET,
  deliver,
  stripeEvent,
  useFakeStripe,
  type FakeStripe,
} from '../helpers/stripe';

/**
 * Subscription schedules made, edited, released or canceled outside Tollgate (the Stripe
 * Dashboard, or Stripe itself) reach the mirror through subscription_schedule.* events signed by
 * the real SDK: the next phase is the pending change the billing page shows; replays, parallel
 * and late deliveries settle on one state; an ended schedule forgets only its own change.
 */

let fake: FakeStripe;
let user: TestUser;
let account: string;

const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);
const start = now - 5 * DAY;
const end = start + 30 * DAY;
const subscriptionId = 'sub_test_schedules';
const customer = 'cus_test_schedules';

function price(id: string, plan: string, amount: number, interval: 'month' | 'year') {
  return {
    id,
    object: 'price',
    unit_amount: amount,
    currency: 'usd',
    recurring: { interval },
    metadata: { tollgate_plan_id: plan },
  };
}

type Phase = { price: string; start: number; end: number };

/** A schedule as Stripe sends it: live on the subscription, its current phase the first one. */
function schedule(id: string, phases: Phase[], overrides: Record<string, unknown> = {}) {
  return {
    id,
    object: 'subscription_schedule',
    customer,
    status: 'active',
    end_behavior: 'release',
    subscription: subscriptionId,
    released_subscription: null,
    current_phase: { start_date: phases[0]!.start, end_date: phases[0]!.end },
    phases: phases.map((phase) => ({
      start_date: phase.start,
      end_date: phase.end,
      items: [{ price: phase.price, quantity: 1 }],
      metadata: {},
    })),
    ...overrides,
  };
}

/** An event Stripe created at `created` (seconds): the order the mirror follows. */
function at(created: number, type: string, object: Record<string, unknown>) {
  return { ...stripeEvent(type, object), created };
}

const current: Phase = { price: 'price_ent_month', start, end };
const toPro: Phase = { price: 'price_pro_month', start: end, end: end + 30 * DAY };
const toProYearly: Phase = { price: 'price_pro_year', start: end, end: end + 365 * DAY };

async function mirror(id = subscriptionId) {
  const [row] = await db()`
    select plan_id, billing_interval, pending_plan_id, pending_interval, pending_at, schedule_id
    from public.billing_subscriptions where id = ${id}`;
  return row!;
}

async function recorded(eventId: string) {
  return db()`select type, status, detail from public.stripe_events where id = ${eventId}`;
}

beforeAll(async () => {
  fake = await useFakeStripe();
  for (const object of [
    price('price_pro_month', 'pro', 2900, 'month'),
    price('price_pro_year', 'pro', 29000, 'year'),
    price('price_ent_month', 'enterprise', 9900, 'month'),
    price('price_ent_year', 'enterprise', 99000, 'year'),
    // A Pro price replaced since (its amount changed): only its metadata names the plan.
    price('price_pro_month_2025', 'pro', 2500, 'month'),
  ]) {
    fake.put(object);
  }
  await db()`select public.plan_billing_set_stripe_ids('pro', 'prod_pro', 'price_pro_month', 'price_pro_year')`;
  await db()`select public.plan_billing_set_stripe_ids('enterprise', 'prod_ent', 'price_ent_month', 'price_ent_year')`;

  user = await createUser('Schedule Owner');
  account = await walletOf({ userId: user.id });
  await db()`select public.billing_customer_save(${account}, 'stripe', ${customer})`;
  const subscription = {
    id: subscriptionId,
    object: 'subscription',
    customer,
    status: 'active',
    cancel_at_period_end: false,
    metadata: { account_id: account, plan_id: 'enterprise' },
    items: {
      object: 'list',
      data: [
        {
          id: 'si_test_schedules',
          current_period_start: start,
          current_period_end: end,
          price: price('price_ent_month', 'enterprise', 9900, 'month'),
        },
      ],
    },
  };
  fake.subscriptions.set(subscriptionId, subscription);
  const created = await deliver(at(now - 60, 'customer.subscription.created', subscription));
  expect(created.status).toBe(200);
});
afterAll(() => fake.close());

describe('a schedule made in the Stripe Dashboard', () => {
  const created = at(now, 'subscription_schedule.created', schedule('sub_sched_dash', [current]));
  const updated = at(
    now,
    'subscription_schedule.updated',
    schedule('sub_sched_dash', [current, toPro]),
  );

  it('refuses an event with a wrong signature, recording nothing', async () => {
    const response = await deliver(updated, `${WEBHOOK_SECRET}_wrong`);
    expect(response.status).toBe(400);
    expect(await recorded(updated.id)).toEqual([]);
    expect(await mirror()).toMatchObject({ pending_plan_id: null, schedule_id: null });
  });

  it('created and updated in the same second, each replayed 10× in parallel, shows one pending change', async () => {
    // The created event (one phase, no change yet) arriving after the updated one of the same
    // second must not wipe what that says; nor in whatever order the replays land.
    expect((await deliver(updated)).status).toBe(200);
    expect((await deliver(created)).status).toBe(200);
    expect(await mirror()).toMatchObject({ pending_plan_id: 'pro', schedule_id: 'sub_sched_dash' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => deliver(i % 2 === 0 ? updated : created)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (let i = 0; i < 3; i += 1) {
      expect((await deliver(created)).status).toBe(200);
      expect((await deliver(updated)).status).toBe(200);
    }
    expect(await mirror()).toEqual({
      plan_id: 'enterprise',
      billing_interval: 'month',
      pending_plan_id: 'pro',
      pending_interval: 'month',
      pending_at: new Date(end * 1000),
      schedule_id: 'sub_sched_dash',
    });
    expect(await recorded(created.id)).toEqual([
      { type: 'subscription_schedule.created', status: 'processed', detail: null },
    ]);
    expect(await recorded(updated.id)).toEqual([
      { type: 'subscription_schedule.updated', status: 'processed', detail: null },
    ]);
    expect(await db()`select id, status from public.billing_schedules`).toEqual([
      { id: 'sub_sched_dash', status: 'active' },
    ]);
  });

  it('the billing page says what changes and when, and what the next invoice charges', async () => {
    const billing = await getBillingSubscription(user.session, account);
    expect(billing).toMatchObject({
      planName: 'Enterprise',
      interval: 'month',
      pending: { planName: 'Pro', interval: 'month', at: new Date(end * 1000) },
      nextAmount: 2900n,
    });
  });

  it('an edit in the Dashboard moves it; an older edit delivered late changes nothing', async () => {
    const edited = at(
      now + 10,
      'subscription_schedule.updated',
      schedule('sub_sched_dash', [current, toProYearly]),
    );
    expect((await deliver(edited)).status).toBe(200);
    expect(await mirror()).toMatchObject({ pending_plan_id: 'pro', pending_interval: 'year' });

    // Sent earlier (a replaced price that names Pro monthly), delivered after the newer edit.
    const older = at(
      now + 5,
      'subscription_schedule.updated',
      schedule('sub_sched_dash', [current, { ...toPro, price: 'price_pro_month_2025' }]),
    );
    expect((await deliver(older)).status).toBe(200);
    expect(await recorded(older.id)).toEqual([
      { type: 'subscription_schedule.updated', status: 'processed', detail: null },
    ]);
    expect(await mirror()).toMatchObject({
      pending_plan_id: 'pro',
      pending_interval: 'year',
      pending_at: new Date(end * 1000),
      schedule_id: 'sub_sched_dash',
    });
    expect((await getBillingSubscription(user.session, account))?.pending).toEqual({
      planName: 'Pro',
      interval: 'year',
      at: new Date(end * 1000),
    });
  });

  it('a next phase priced in Stripe only (a replaced price) names its plan by the price metadata', async () => {
    const replaced = at(
      now + 12,
      'subscription_schedule.updated',
      schedule('sub_sched_dash', [current, { ...toPro, price: 'price_pro_month_2025' }]),
    );
    expect((await deliver(replaced)).status).toBe(200);
    expect(await mirror()).toMatchObject({ pending_plan_id: 'pro', pending_interval: 'month' });
  });

  it('a price that names no plan is recorded as ignored with why, and changes nothing', async () => {
    fake.put({
      id: 'price_addon',
      object: 'price',
      unit_amount: 500,
      recurring: { interval: 'month' },
      metadata: {},
    });
    const before = await mirror();
    for (const priceId of ['price_addon', 'price_nowhere']) {
      const event = at(
        now + 14,
        'subscription_schedule.updated',
        schedule('sub_sched_dash', [current, { ...toPro, price: priceId }]),
      );
      expect((await deliver(event)).status).toBe(200);
      expect(await recorded(event.id)).toEqual([
        {
          type: 'subscription_schedule.updated',
          status: 'ignored',
          detail: `The schedule's next phase has a price (${priceId}) that names no plan.`,
        },
      ]);
    }
    expect(await mirror()).toEqual(before);
  });

  it('a next phase on the current plan and interval clears the pending change, keeping the schedule', async () => {
    const same = at(
      now + 16,
      'subscription_schedule.updated',
      schedule('sub_sched_dash', [current, { ...toPro, price: 'price_ent_month' }]),
    );
    expect((await deliver(same)).status).toBe(200);
    expect(await mirror()).toMatchObject({
      pending_plan_id: null,
      pending_at: null,
      schedule_id: 'sub_sched_dash',
    });
    expect((await getBillingSubscription(user.session, account))?.pending).toBeNull();

    const back = at(
      now + 18,
      'subscription_schedule.updated',
      schedule('sub_sched_dash', [current, toPro]),
    );
    expect((await deliver(back)).status).toBe(200);
    expect(await mirror()).toMatchObject({ pending_plan_id: 'pro', pending_interval: 'month' });
  });

  it('released in the Dashboard clears it; a late edit of the released schedule changes nothing', async () => {
    const released = at(
      now + 20,
      'subscription_schedule.released',
      schedule('sub_sched_dash', [current, toPro], {
        status: 'released',
        subscription: null,
        released_subscription: subscriptionId,
        current_phase: null,
      }),
    );
    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(released)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(await mirror()).toMatchObject({
      plan_id: 'enterprise',
      pending_plan_id: null,
      pending_interval: null,
      pending_at: null,
      schedule_id: null,
    });
    expect(await recorded(released.id)).toEqual([
      { type: 'subscription_schedule.released', status: 'processed', detail: null },
    ]);
    expect((await getBillingSubscription(user.session, account))?.pending).toBeNull();

    // An edit sent in the same second as the release but delivered after it.
    const late = at(
      now + 20,
      'subscription_schedule.updated',
      schedule('sub_sched_dash', [current, toProYearly]),
    );
    expect((await deliver(late)).status).toBe(200);
    expect(await mirror()).toMatchObject({ pending_plan_id: null, schedule_id: null });
  });
});

describe('a newer schedule', () => {
  const next = schedule('sub_sched_new', [current, toProYearly]);

  it('shows its change; events of an old schedule, late or ending, leave it alone', async () => {
    expect((await deliver(at(now + 30, 'subscription_schedule.created', next))).status).toBe(200);
    expect(await mirror()).toMatchObject({
      pending_plan_id: 'pro',
      pending_interval: 'year',
      schedule_id: 'sub_sched_new',
    });

    // A canceled and an aborted event for other schedules, and a late live one for an old one
    // never seen before (sent before the newer schedule's events).
    const old = schedule('sub_sched_old', [current, toPro]);
    const events = [
      at(now + 40, 'subscription_schedule.canceled', {
        ...old,
        status: 'canceled',
        current_phase: null,
      }),
      at(now + 41, 'subscription_schedule.aborted', {
        ...schedule('sub_sched_dash', [current, toPro]),
        status: 'canceled',
        current_phase: null,
      }),
      at(now + 25, 'subscription_schedule.updated', schedule('sub_sched_other', [current, toPro])),
    ];
    for (const event of events) {
      expect((await deliver(event)).status).toBe(200);
      expect(await recorded(event.id)).toMatchObject([{ status: 'processed' }]);
    }
    expect(await mirror()).toMatchObject({
      pending_plan_id: 'pro',
      pending_interval: 'year',
      pending_at: new Date(end * 1000),
      schedule_id: 'sub_sched_new',
    });
  });

  it('completed by Stripe, it clears the change', async () => {
    const completed = at(now + 50, 'subscription_schedule.completed', {
      ...next,
      status: 'completed',
      current_phase: null,
    });
    expect((await deliver(completed)).status).toBe(200);
    expect(await mirror()).toMatchObject({ pending_plan_id: null, schedule_id: null });
  });
});

describe('a schedule of a subscription Tollgate does not mirror', () => {
  it('answers 200 and records the event as ignored, with why', async () => {
    const before =
      await db()`select id, pending_plan_id, schedule_id from public.billing_subscriptions order by id`;
    const event = at(
      now,
      'subscription_schedule.updated',
      schedule('sub_sched_stranger', [current, toPro], { subscription: 'sub_test_nobody' }),
    );
    const response = await deliver(event);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: true });
    expect(await recorded(event.id)).toEqual([
      {
        type: 'subscription_schedule.updated',
        status: 'ignored',
        detail: 'No mirrored subscription matches this schedule.',
      },
    ]);
    expect(
      await db()`select id, pending_plan_id, schedule_id from public.billing_subscriptions order by id`,
    ).toEqual(before);
    expect(
      await db()`select 1 from public.billing_schedules where id = 'sub_sched_stranger'`,
    ).toEqual([]);
  });

  it('a malformed schedule is recorded as rejected', async () => {
    const event = at(now, 'subscription_schedule.updated', { id: 'not_a_schedule', phases: [] });
    expect((await deliver(event)).status).toBe(200);
    expect(await recorded(event.id)).toMatchObject([{ status: 'rejected' }]);
  });
});

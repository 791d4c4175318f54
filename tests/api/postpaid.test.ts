import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spendCredits } from '../../lib/credits';
import { meterIdentifier, sendPostpaidMeterEvents } from '../../lib/stripe';
import { POST as assignPlan } from '../../app/api/admin/plan-assignments/route';
import { PUT as putCreditLimit } from '../../app/api/admin/credit-limits/route';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { available, CREDIT, grant, ledgerCheck, walletOf } from '../helpers/ledger';
import { deliver, stripeEvent, useFakeStripe, type FakeStripe } from '../helpers/stripe';

/**
 * Pay-as-you-go end to end against the fake Stripe API and the real webhook route: usage past
 * zero becomes exactly one meter event per usage row however sends fail or answers get lost, a
 * paid invoice settles the receivable once under replays, a failed one freezes the line, and the
 * admin routes set plans and limits with a required reason (audited), 403 for anyone else.
 */

let fake: FakeStripe;
let admin: TestUser;
let owner: TestUser;
let org: { id: string; slug: string };
let wallet: string;

beforeAll(async () => {
  fake = await useFakeStripe();
  admin = await createUser('Platform Admin');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  owner = await createUser('Owner');
  org = await createOrg(owner);
  wallet = await walletOf({ orgId: org.id });
  await db()`select public.billing_customer_save(${wallet}, 'stripe', 'cus_pp_org')`;
});
afterAll(() => fake.close());

async function spend(amount: bigint, key: string) {
  return spendCredits(owner.session, {
    walletId: wallet,
    amount,
    category: 'ai_usage',
    idempotencyKey: key,
  });
}

async function usageRows() {
  return db()<{ transfer_id: bigint; amount: bigint; meter_status: string }[]>`
    select transfer_id, amount, meter_status from public.postpaid_usage
    where account_id = ${wallet} order by transfer_id`;
}

/** Retries come due at once (the backoff itself is SQL's business). */
async function dueNow() {
  await db()`update public.postpaid_usage set meter_next_attempt_at = now() where meter_status = 'queued'`;
}

describe('admin routes', () => {
  it('set a wallet credit limit with a reason (audited); 422 without one, 403 for others', async () => {
    const before = await db()`select count(*)::int as n from public.admin_audit_log`;
    const noReason = await putCreditLimit(
      await request('/api/admin/credit-limits', {
        method: 'PUT',
        user: admin,
        body: { target: org.slug, limit: '50', reason: '' },
      }),
    );
    expect(noReason.status).toBe(422);
    expect(noReason.headers.get('content-type')).toContain('application/problem+json');
    expect(await noReason.json()).toMatchObject({ status: 422, code: 'validation_failed' });

    const stranger = await putCreditLimit(
      await request('/api/admin/credit-limits', {
        method: 'PUT',
        user: owner,
        body: { target: org.slug, limit: '50', reason: 'I would like more' },
      }),
    );
    expect(stranger.status).toBe(403);
    expect(await db()`select count(*)::int as n from public.admin_audit_log`).toEqual(before);
    const [untouched] = await db()`select credit_limit from public.accounts where id = ${wallet}`;
    expect(untouched!.credit_limit).toBe(0n);

    const ok = await putCreditLimit(
      await request('/api/admin/credit-limits', {
        method: 'PUT',
        user: admin,
        body: { target: org.slug, limit: '50', reason: 'Pay-as-you-go pilot' },
      }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      target: org.slug,
      limit: (50n * CREDIT).toString(),
      inForce: (50n * CREDIT).toString(),
      frozen: false,
    });
    const [audit] = await db()`
      select action, reason, actor_id, subject_id from public.admin_audit_log order by id desc limit 1`;
    expect(audit).toEqual({
      action: 'credit_limit.set',
      reason: 'Pay-as-you-go pilot',
      actor_id: admin.id,
      subject_id: org.id,
    });
  });

  it("set a user's or org's plan with a reason (audited); 422 without one, 403 for others", async () => {
    const user = await createUser('Comped');
    const noReason = await assignPlan(
      await request('/api/admin/plan-assignments', {
        user: admin,
        body: { target: user.email, planId: 'pro' },
      }),
    );
    expect(noReason.status).toBe(422);
    const forbidden = await assignPlan(
      await request('/api/admin/plan-assignments', {
        user: owner,
        body: { target: user.email, planId: 'pro', reason: 'Free upgrade please' },
      }),
    );
    expect(forbidden.status).toBe(403);
    const plan = async () =>
      (
        await db()`select plan_id from public.subscriptions where subject_kind = 'user' and subject_id = ${user.id}`
      )[0]!.plan_id;
    expect(await plan()).toBe('free');

    const ok = await assignPlan(
      await request('/api/admin/plan-assignments', {
        user: admin,
        body: { target: user.email, planId: 'pro', reason: 'Comped for the beta' },
      }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ planId: 'pro', change: 'upgraded' });
    expect(await plan()).toBe('pro');
    const [audit] = await db()`
      select action, reason, detail ->> 'from' as "from", detail ->> 'to' as "to"
      from public.admin_audit_log where subject_id = ${user.id}`;
    expect(audit).toEqual({
      action: 'plan.set',
      reason: 'Comped for the beta',
      from: 'free',
      to: 'pro',
    });
    // An org by slug, too.
    const other = await createOrg(owner);
    const orgPlan = await assignPlan(
      await request('/api/admin/plan-assignments', {
        user: admin,
        body: { target: other.slug, planId: 'enterprise', reason: 'Migration from the old plan' },
      }),
    );
    expect(orgPlan.status).toBe(200);
  });
});

describe('meter events', () => {
  it('one event per usage row, through failures, lost answers and two senders at once', async () => {
    await grant(wallet, 10n * CREDIT);
    await spend(8n * CREDIT, 'pp-api-1'); // 2 left
    await spend(5n * CREDIT, 'pp-api-2'); // 3 past zero
    for (let i = 3; i <= 6; i++) await spend(2n * CREDIT, `pp-api-${i}`); // 8 more past zero
    const rows = await usageRows();
    expect(rows.map((row) => row.amount)).toEqual([
      3n * CREDIT,
      2n * CREDIT,
      2n * CREDIT,
      2n * CREDIT,
      2n * CREDIT,
    ]);

    fake.failMeterEvents = 4; // the first sends fail outright (after the SDK's own retries)
    fake.loseMeterAnswers = 1; // one is recorded at Stripe but its answer never arrives
    for (let round = 0; round < 10; round++) {
      await Promise.all([sendPostpaidMeterEvents(), sendPostpaidMeterEvents()]);
      if ((await usageRows()).every((row) => row.meter_status === 'sent')) break;
      await dueNow();
    }
    expect((await usageRows()).map((row) => row.meter_status)).toEqual(Array(5).fill('sent'));
    const requests = fake.requestsTo('POST', '/v1/billing/meter_events').length;
    expect(requests).toBeGreaterThan(5); // there were retries

    expect([...fake.meterEvents.keys()].sort()).toEqual(
      rows.map((row) => meterIdentifier(row.transfer_id)).sort(),
    );
    for (const row of rows) {
      expect(fake.meterEvents.get(meterIdentifier(row.transfer_id))).toMatchObject({
        event_name: 'tollgate_postpaid_credits',
        payload: { stripe_customer_id: 'cus_pp_org', value: row.amount.toString() },
      });
    }
    // Nothing left to send: another run sends nothing.
    await sendPostpaidMeterEvents();
    expect(fake.requestsTo('POST', '/v1/billing/meter_events').length).toBe(requests);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('invoices', () => {
  const invoice = (id: string) => ({
    id,
    object: 'invoice',
    customer: 'cus_pp_org',
    status: 'paid',
    period_end: Math.floor(Date.now() / 1000) + 60,
  });

  it('invoice.payment_failed freezes the line; invoice.paid settles once under replays and lifts it', async () => {
    expect(await available(wallet)).toBe(-11n * CREDIT);
    const failed = await deliver(stripeEvent('invoice.payment_failed', invoice('in_pp_org_1')));
    expect(failed.status).toBe(200);
    await expect(spend(1n * CREDIT, 'pp-api-frozen')).rejects.toMatchObject({
      code: 'insufficient_credits',
    });

    const paid = stripeEvent('invoice.paid', invoice('in_pp_org_1'));
    const others = Array.from({ length: 10 }, () =>
      stripeEvent('invoice.paid', invoice('in_pp_org_1')),
    );
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () => deliver(paid)),
      ...others.map((event) => deliver(event)),
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await available(wallet)).toBe(0n);
    const settlements = await db()`
      select amount from public.transfers where kind = 'settlement' and key_account_id = ${wallet}`;
    expect(settlements).toEqual([{ amount: 11n * CREDIT }]);
    const [line] =
      await db()`select credit_limit, postpaid_frozen_at from public.accounts where id = ${wallet}`;
    expect(line).toEqual({ credit_limit: 50n * CREDIT, postpaid_frozen_at: null });
    const [event] = await db()`select status from public.stripe_events where id = ${paid.id}`;
    expect(event).toEqual({ status: 'processed' });

    await spend(1n * CREDIT, 'pp-api-after');
    expect(await available(wallet)).toBe(-1n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('an invoice of a customer without postpaid usage changes nothing', async () => {
    const response = await deliver(
      stripeEvent('invoice.payment_failed', { ...invoice('in_pp_other'), customer: 'cus_nobody' }),
    );
    expect(response.status).toBe(200);
    const [row] =
      await db()`select count(*)::int as n from public.postpaid_invoices where invoice_id = 'in_pp_other'`;
    expect(row!.n).toBe(0);
  });
});

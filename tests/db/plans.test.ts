import { beforeAll, describe, expect, it } from 'vitest';
import { changePlan, getSubscription, listPlans, listTokenTypes, savePlan } from '../../lib/plans';
import { as, claimsFor, createOrg, createUser, db, type TestUser } from '../helpers/fixtures';
import {
  allowTestClock,
  available,
  clocked,
  CREDIT,
  ledgerCheck,
  walletOf,
} from '../helpers/ledger';
import { anchorOf, balances, consume, DAY, failure, PERIOD, subscribe } from '../helpers/plans';

/**
 * Plans and subscriptions against the real database: the seeded price list, admin editing,
 * upgrades at once (new allowance less what was used, plus the credit difference), downgrades
 * at the period end, and the monthly credit grant issued exactly once per period.
 */

let admin: TestUser;

beforeAll(async () => {
  await allowTestClock();
  admin = await createUser('Platform Admin');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
});

describe('plans in the database', () => {
  it('seeds Free, Starter (no AI features), Pro (limited) and Enterprise (high limits)', async () => {
    const plans = await listPlans('service');
    expect(plans.map((plan) => plan.id)).toEqual(['free', 'starter', 'pro', 'enterprise']);
    expect(plans.map((plan) => plan.requestsPerHour)).toEqual([10, 100, 1000, 10_000]);
    const [free, starter, pro, enterprise] = plans;
    expect(free!.isDefault).toBe(true);
    expect(free!.allowances).toEqual({});
    expect(starter!.allowances).toEqual({});
    expect(pro!.allowances).toMatchObject({ lead_generation: 500, general: 1000 });
    expect(enterprise!.allowances).toMatchObject({ lead_generation: 10_000, general: 20_000 });
    expect(pro!.monthlyCreditGrant).toBe(100n * CREDIT);
    expect(pro!.overagePolicy).toBe('block');
    expect(enterprise!.overagePolicy).toBe('credits');
    expect(pro!.byokCountsTowardLimits).toBe(false);
    const costs = Object.fromEntries(
      (await listTokenTypes('service')).map((t) => [t.name, t.costPerAction]),
    );
    expect(costs).toEqual({
      lead_generation: 5,
      goal_generation: 3,
      strategy_analysis: 2,
      forecast: 4,
      general: 1,
    });
  });

  it('platform admins edit plans; others get 403 and nobody writes the tables directly', async () => {
    const pro = (await listPlans(admin.session)).find((plan) => plan.id === 'pro')!;
    const terms = {
      ...pro,
      description: 'Edited',
      requestsPerHour: 1200,
      monthlyLlmTokenLimit: null,
    };
    await savePlan(admin.session, terms);
    const edited = (await listPlans('service')).find((plan) => plan.id === 'pro')!;
    expect(edited).toMatchObject({
      description: 'Edited',
      requestsPerHour: 1200,
      monthlyLlmTokenLimit: null,
    });

    const user = await createUser('Not Admin');
    await expect(savePlan(user.session, { ...terms, requestsPerHour: 1 })).rejects.toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    const direct = await failure(() =>
      as(
        'authenticated',
        claimsFor(user.id),
        (tx) => tx`update public.plans set requests_per_hour = 1`,
      ),
    );
    expect(direct.code).toBe('42501');
    await savePlan(admin.session, pro); // restore
    expect((await listPlans('service')).find((plan) => plan.id === 'pro')!.requestsPerHour).toBe(
      1000,
    );
  });

  it('new users and orgs start on the default plan', async () => {
    const user = await createUser('Newcomer');
    const org = await createOrg(user);
    expect((await getSubscription(user.session, { kind: 'user', id: user.id })).planId).toBe(
      'free',
    );
    expect((await getSubscription(user.session, { kind: 'org', id: org.id })).planId).toBe('free');
  });
});

describe('subscriptions', () => {
  it('an upgrade takes effect at once: the new allowance less what was used, plus the credit difference', async () => {
    const user = await createUser('Upgrader');
    const wallet = await walletOf({ userId: user.id });
    expect((await subscribe('user', user.id, 'pro')).credits_granted).toBe(100n * CREDIT);
    await consume(user, 'user', user.id, 'lead_generation', 20, 'before-upgrade'); // 100 tokens

    const change = await changePlan(admin.session, { kind: 'user', id: user.id }, 'enterprise');
    expect(change).toMatchObject({
      change: 'upgraded',
      planId: 'enterprise',
      creditsGranted: 400n * CREDIT,
    });
    const lead = (await balances('user', user.id)).lead_generation!;
    expect(lead).toMatchObject({
      plan_id: 'enterprise',
      balance: 9_900n,
      period_used: 100n,
      period_allowance: 10_000n,
      total_allocated: 10_000n,
    });
    expect(await available(wallet)).toBe(500n * CREDIT);
    const lots =
      await db()`select amount, expires_at from public.lots where account_id = ${wallet} and source = 'plan'`;
    const periodEnd = new Date((await anchorOf('user', user.id)).getTime() + PERIOD);
    expect(lots.map((lot) => lot.expires_at)).toEqual([periodEnd, periodEnd]);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a downgrade waits for the period end; the next period runs on the new plan', async () => {
    const owner = await createUser('Org Owner');
    const org = await createOrg(owner);
    await subscribe('org', org.id, 'enterprise');
    await consume(owner, 'org', org.id, 'forecast', 10, 'enterprise-use'); // 40 tokens
    const anchor = await anchorOf('org', org.id);
    const end = new Date(anchor.getTime() + PERIOD);

    const scheduled = await subscribe('org', org.id, 'pro');
    expect(scheduled).toMatchObject({ change: 'downgrade_scheduled', pending_at: end });
    expect((await balances('org', org.id)).forecast).toMatchObject({
      plan_id: 'enterprise',
      balance: 8_000n - 40n,
    });
    const before = await consume(
      owner,
      'org',
      org.id,
      'forecast',
      1,
      'still-enterprise',
      new Date(end.getTime() - 60_000),
    );
    expect(before.remaining).toBe(8_000n - 44n);

    const next = new Date(end.getTime() + 3_600_000);
    expect((await balances('org', org.id, next)).forecast).toMatchObject({
      plan_id: 'pro',
      balance: 400n,
      period_used: 0n,
    });
    const after = await consume(owner, 'org', org.id, 'forecast', 1, 'now-pro', next);
    expect(after.remaining).toBe(396n);
    const [sub] =
      await db()`select plan_id, pending_plan_id from public.subscriptions where subject_id = ${org.id}`;
    expect(sub).toEqual({ plan_id: 'pro', pending_plan_id: null });
    const wallet = await walletOf({ orgId: org.id });
    const grants = await db()`
      select amount, expires_at from public.lots where account_id = ${wallet} and source = 'plan' order by id`;
    expect(grants).toEqual([
      { amount: 500n * CREDIT, expires_at: end },
      { amount: 100n * CREDIT, expires_at: new Date(end.getTime() + PERIOD) },
    ]);
  });

  it('choosing the current plan again cancels a pending downgrade', async () => {
    const user = await createUser('Changes Mind');
    await subscribe('user', user.id, 'pro');
    expect((await subscribe('user', user.id, 'starter')).change).toBe('downgrade_scheduled');
    expect((await getSubscription(user.session, { kind: 'user', id: user.id })).pendingPlanId).toBe(
      'starter',
    );
    expect((await subscribe('user', user.id, 'pro')).change).toBe('downgrade_canceled');
    const sub = await getSubscription(user.session, { kind: 'user', id: user.id });
    expect(sub).toMatchObject({ planId: 'pro', pendingPlanId: null, pendingAt: null });
  });

  it('each period grants the plan credits exactly once, however many callers settle it at once', async () => {
    const user = await createUser('Monthly');
    await subscribe('user', user.id, 'pro');
    const anchor = await anchorOf('user', user.id);
    const second = new Date(anchor.getTime() + PERIOD + DAY);
    await Promise.all(
      Array.from({ length: 12 }, () =>
        clocked(second, (tx) => tx`select * from public.subscription_current('user', ${user.id})`),
      ),
    );
    const wallet = await walletOf({ userId: user.id });
    const lots =
      await db()`select amount, expires_at from public.lots where account_id = ${wallet} and source = 'plan' order by id`;
    expect(lots).toEqual([
      { amount: 100n * CREDIT, expires_at: new Date(anchor.getTime() + PERIOD) },
      { amount: 100n * CREDIT, expires_at: new Date(anchor.getTime() + 2 * PERIOD) },
    ]);
    expect(await available(wallet, second)).toBe(100n * CREDIT); // the first period's lot expired
    expect(await ledgerCheck()).toEqual([]);
  });

  it('the maintenance pass settles due periods and refreshes balances ahead of use, once', async () => {
    const user = await createUser('Idle Pro');
    await subscribe('user', user.id, 'pro');
    await consume(user, 'user', user.id, 'general', 10, 'before-idle');
    const next = new Date((await anchorOf('user', user.id)).getTime() + PERIOD + DAY);
    const sweep = () =>
      clocked(next, (tx) => tx`select * from public.allowance_maintenance(100000)`);
    const [first] = await sweep();
    expect(first!.subscriptions_settled).toBeGreaterThanOrEqual(1);
    expect((await sweep())[0]).toMatchObject({ subscriptions_settled: 0, balances_refreshed: 0 });
    const [row] = await db()`
      select sum(balance)::int as balance, sum(period_used)::int as used, min(refresh_at) as refresh_at
      from public.token_balances where subject_id = ${user.id} and token_type = 'general'`;
    expect(row).toEqual({
      balance: 1000,
      used: 0,
      refresh_at: new Date(next.getTime() - DAY + PERIOD),
    });
    const wallet = await walletOf({ userId: user.id });
    const [grants] =
      await db()`select count(*)::int as n from public.lots where account_id = ${wallet} and source = 'plan'`;
    expect(grants!.n).toBe(2);
  });

  it('only platform admins and the service change plans', async () => {
    const user = await createUser('Self Upgrader');
    await expect(
      changePlan(user.session, { kind: 'user', id: user.id }, 'enterprise'),
    ).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      changePlan('service', { kind: 'user', id: user.id }, 'nope'),
    ).rejects.toMatchObject({ status: 404 });
    expect((await getSubscription('service', { kind: 'user', id: user.id })).planId).toBe('free');
  });
});

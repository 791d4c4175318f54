import { beforeAll, describe, expect, it } from 'vitest';
import { withFeature } from '../../lib/aiTokens';
import { listPlans, savePlan } from '../../lib/plans';
import { createOrg, createUser, db, type TestUser } from '../helpers/fixtures';
import {
  allowTestClock,
  asUser,
  available,
  CREDIT,
  grant,
  ledgerCheck,
  walletOf,
} from '../helpers/ledger';
import { balances, subscribe, writtenRows } from '../helpers/plans';

/**
 * withFeature, the gate for server actions: checks before fn, deducts only when fn succeeds,
 * nothing when it throws; Starter gets "upgrade"; Enterprise pays overage with a credit hold;
 * the hourly request limit applies.
 */

let admin: TestUser;

beforeAll(async () => {
  await allowTestClock();
  admin = await createUser('Admin');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
});

describe('withFeature', () => {
  it('deducts only after fn succeeds and returns the result with what remains', async () => {
    const user = await createUser('Gate Pro');
    await subscribe('user', user.id, 'pro');
    let balanceDuringFn: bigint | undefined;
    const outcome = await withFeature(
      'lead_generation',
      { session: user.session },
      async () => {
        balanceDuringFn = (await balances('user', user.id)).lead_generation!.reserved;
        return { leads: ['a', 'b'] };
      },
      { actions: 2, feature: 'lead-finder', metadata: { query: 'saas' } },
    );
    expect(balanceDuringFn).toBe(10n); // held while fn ran
    expect(outcome).toMatchObject({
      result: { leads: ['a', 'b'] },
      tokenType: 'lead_generation',
      charged: { source: 'allowance', tokens: 10, credits: 0n },
      remaining: 490,
    });
    expect((await balances('user', user.id)).lead_generation).toMatchObject({
      balance: 490n,
      reserved: 0n,
      period_used: 10n,
    });
    const log =
      await db()`select kind, feature, amount, remaining, metadata from public.token_usage_log where subject_id = ${user.id} and kind = 'deduct'`;
    expect(log).toEqual([
      {
        kind: 'deduct',
        feature: 'lead-finder',
        amount: 10n,
        remaining: 490n,
        metadata: { query: 'saas' },
      },
    ]);
  });

  it('deducts nothing when fn throws, and rethrows its error', async () => {
    const user = await createUser('Gate Failure');
    await subscribe('user', user.id, 'pro');
    const failing = withFeature('forecast', { session: user.session }, async () => {
      throw new Error('model timed out');
    });
    await expect(failing).rejects.toThrow('model timed out');
    expect((await balances('user', user.id)).forecast).toMatchObject({
      balance: 400n,
      reserved: 0n,
      period_used: 0n,
    });
    expect(
      await db()`select id from public.token_usage_log where subject_id = ${user.id} and kind = 'deduct'`,
    ).toEqual([]);
    const [reservation] =
      await db()`select status from public.token_reservations where subject_id = ${user.id}`;
    expect(reservation).toEqual({ status: 'released' });
  });

  it('Starter gets a clear "upgrade to use this" error and fn never runs', async () => {
    const user = await createUser('Gate Starter');
    await subscribe('user', user.id, 'starter');
    const before = await writtenRows();
    let ran = false;
    const refused = withFeature('goal_generation', { session: user.session }, async () => {
      ran = true;
    });
    await expect(refused).rejects.toMatchObject({
      status: 403,
      code: 'upgrade_required',
      message: 'Your Starter plan does not include Goal generation. Upgrade to Pro to use this.',
    });
    expect(ran).toBe(false);
    expect(await writtenRows()).toEqual(before); // not even a request of the hour is counted
  });

  it('past the allowance, Enterprise holds credits and charges them only on success', async () => {
    const owner = await createUser('Gate Enterprise');
    const member = await createUser('Gate Member');
    const org = await createOrg(owner, [{ user: member, role: 'member' }]);
    await subscribe('org', org.id, 'enterprise');
    const wallet = await walletOf({ orgId: org.id });
    await grant(wallet, 5n * CREDIT);
    const start = await available(wallet);
    await asUser(
      member,
      (tx) =>
        tx`select * from public.token_consume('org', ${org.id}, 'general', 10000, 'bulk', 'drain-1')`,
    );
    await asUser(
      member,
      (tx) =>
        tx`select * from public.token_consume('org', ${org.id}, 'general', 10000, 'bulk', 'drain-2')`,
    );

    const paid = await withFeature(
      'general',
      { session: member.session, orgId: org.id },
      async () => 'ok',
      { actions: 5 },
    );
    expect(paid.charged).toEqual({ source: 'credits', tokens: 5, credits: 5n * 20_000n });
    expect(await available(wallet)).toBe(start - 100_000n);

    await expect(
      withFeature(
        'general',
        { session: member.session, orgId: org.id },
        async () => {
          throw new Error('provider down');
        },
        { actions: 5 },
      ),
    ).rejects.toThrow('provider down');
    expect(await available(wallet)).toBe(start - 100_000n); // the hold was voided
    expect(await ledgerCheck()).toEqual([]);
  });

  it("counts each call against the plan's requests per hour and answers 429 with Retry-After", async () => {
    const pro = (await listPlans('service')).find((plan) => plan.id === 'pro')!;
    await savePlan(admin.session, {
      ...pro,
      id: 'tiny',
      name: 'Tiny',
      tier: 15,
      requestsPerHour: 3,
    });
    await db()`insert into public.plan_token_allowances (plan_id, token_type, monthly_allowance) values ('tiny', 'general', 100)`;
    const user = await createUser('Gate Limited');
    await subscribe('user', user.id, 'tiny');
    for (let i = 0; i < 3; i += 1)
      await withFeature('general', { session: user.session }, async () => i);
    const limited = withFeature('general', { session: user.session }, async () => 'too many');
    await expect(limited).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    const error = (await limited.catch((e: unknown) => e)) as {
      headers: Record<string, string>;
      retryAfter: number;
    };
    const expected = Math.ceil((Math.ceil(Date.now() / 3_600_000) * 3_600_000 - Date.now()) / 1000);
    expect(Math.abs(error.retryAfter - expected)).toBeLessThanOrEqual(2);
    expect(error.headers['Retry-After']).toBe(String(error.retryAfter));
    expect((await balances('user', user.id)).general!.balance).toBe(97n);
  });
});

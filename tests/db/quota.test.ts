import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkTokenLimit,
  enforceRateLimit,
  getMonthlyTokens,
  getOrgTokenUsage,
  getTokenUsage,
  takeRequest,
} from '../../lib/quota';
import { recordUsage } from '../../lib/usage';
import { claimsFor, createOrg, createUser, type TestUser } from '../helpers/fixtures';
import { allowTestClock } from '../helpers/ledger';
import { anchorOf, DAY, subscribe, writtenRows } from '../helpers/plans';

/**
 * Plan limits against the real database: the requests-per-hour limiter admits exactly the limit
 * out of a burst of three times as many requests on separate connections (as from many app
 * instances) and reports the right Retry-After; the monthly LLM-token limit and its pre-flight.
 */

let clients: postgres.Sql;

beforeAll(async () => {
  await allowTestClock();
  clients = postgres(process.env.DATABASE_URL!, {
    max: 100,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
  await Promise.all(Array.from({ length: 100 }, () => clients`select pg_sleep(0.05)`));
  return () => clients.end();
});

interface Hit {
  allowed: boolean;
  remaining: number;
  retry_after: number;
}

function burst(
  user: TestUser,
  kind: 'user' | 'org',
  id: string,
  count: number,
  at: Date,
  byok = false,
) {
  return Promise.allSettled(
    Array.from({ length: count }, () =>
      clients.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true),
                        set_config('request.jwt.claims', ${JSON.stringify(claimsFor(user.id))}, true),
                        set_config('tollgate.clock', ${at.toISOString()}, true)`;
        const [row] = await tx<
          Hit[]
        >`select * from public.rate_limit_hit(${kind}, ${id}, ${byok}, true)`;
        return row!;
      }),
    ),
  );
}

function todayAt(hours: number, minutes: number, seconds = 0, ms = 0): Date {
  const now = new Date();
  return new Date(
    Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth(),
      now.getUTCDate(),
      hours,
      minutes,
      seconds,
      ms,
    ),
  );
}

describe('requests-per-hour limiter', () => {
  it('admits exactly the limit out of a burst of 3× the limit, with a correct Retry-After', async () => {
    const sam = await createUser('Starter Burst');
    await subscribe('user', sam.id, 'starter'); // 100 requests per hour
    const at = todayAt(10, 20, 0, 250);
    const results = await burst(sam, 'user', sam.id, 300, at);
    const admitted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(admitted).toHaveLength(100);
    expect(refused).toHaveLength(200);
    for (const { reason } of refused) {
      const error = reason as { code: string; hint: string; message: string };
      expect(error.code).toBe('TG429');
      expect(JSON.parse(error.hint)).toMatchObject({ retryAfter: 2400, limit: 100 }); // 39 min 59.75 s, rounded up
    }
    expect(refused[0]!.reason.message).toBe(
      'Rate limit reached: your Starter plan allows 100 requests per hour. Try again in 2400 seconds.',
    );
    const remaining = admitted
      .map((r) => (r as PromiseFulfilledResult<Hit>).value.remaining)
      .sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => i)); // each slot handed out once

    // The next window admits again, from zero.
    const next = await burst(sam, 'user', sam.id, 1, todayAt(11, 0, 0, 1));
    expect(next[0]).toMatchObject({ status: 'fulfilled', value: { allowed: true, remaining: 99 } });
  });

  it('the free plan allows 10 an hour; org limits are shared by members', async () => {
    const owner = await createUser('Free Org Owner');
    const member = await createUser('Free Org Member');
    const org = await createOrg(owner, [{ user: member, role: 'member' }]);
    const at = todayAt(15, 59, 59, 500);
    const [a, b] = await Promise.all([
      burst(owner, 'org', org.id, 15, at),
      burst(member, 'org', org.id, 15, at),
    ]);
    expect([...a, ...b].filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const refused = [...a, ...b].find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(JSON.parse((refused.reason as { hint: string }).hint).retryAfter).toBe(1);
  });

  it('BYOK calls count only when the plan says so', async () => {
    const pro = await createUser('Pro BYOK');
    await subscribe('user', pro.id, 'pro'); // BYOK does not count on Pro
    const at = todayAt(8, 0);
    const byok = await burst(pro, 'user', pro.id, 50, at, true);
    expect(byok.every((r) => r.status === 'fulfilled')).toBe(true);
    const free = await createUser('Free BYOK'); // ... but does on Free
    const counted = await burst(free, 'user', free.id, 12, at, true);
    expect(counted.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
  });

  it('takeRequest reports without throwing; enforceRateLimit throws 429 with Retry-After', async () => {
    const user = await createUser('Lib Limiter');
    for (let i = 0; i < 10; i += 1)
      expect((await takeRequest(user.session, { kind: 'user', id: user.id })).allowed).toBe(true);
    const report = await takeRequest(user.session, { kind: 'user', id: user.id });
    expect(report).toMatchObject({ allowed: false, limit: 10, remaining: 0 });
    expect(report.retryAfter).toBeGreaterThan(0);
    const refused = await enforceRateLimit(user.session, { kind: 'user', id: user.id }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfter: report.retryAfter,
    });
    expect((refused as { headers: Record<string, string> }).headers).toEqual({
      'Retry-After': String(report.retryAfter),
    });
  });
});

describe('monthly LLM-token limit', () => {
  it('counts platform tokens (and BYOK when the plan does) against the limit, per period', async () => {
    const user = await createUser('Free Tokens');
    const subject = { kind: 'user' as const, id: user.id };
    const record = (source: 'platform' | 'byok', tokens: number, occurredAt?: Date) =>
      recordUsage({
        subject,
        source,
        provider: 'openai',
        model: 'gpt-4o-mini',
        operation: 'chat',
        inputTokens: tokens,
        outputTokens: 500,
        occurredAt,
      });
    await record('platform', 9_500);
    await record('byok', 4_500); // counts on Free: 15,000 of 20,000
    await record(
      'platform',
      99_500,
      new Date((await anchorOf('user', user.id)).getTime() - 5 * DAY),
    ); // last period

    const usage = await getTokenUsage(user.session, user.id);
    expect(usage).toMatchObject({
      planId: 'free',
      used: 15_000,
      platformTokens: 10_000,
      byokTokens: 5_000,
      limit: 20_000,
      remaining: 5_000,
      percentUsed: 75,
      requests: { limit: 10, used: 0 },
    });
    expect(await checkTokenLimit(user.session, subject, 5_000)).toMatchObject({
      allowed: true,
      reason: 'ok',
    });
    expect(await checkTokenLimit(user.session, subject, 5_001)).toMatchObject({
      allowed: false,
      reason: 'limit_reached',
    });

    const periods = await getMonthlyTokens(user.session, subject);
    expect(periods.map((p) => p.platformTokens + p.byokTokens)).toEqual([15_000, 100_000]);
    expect(periods[0]!.periodStart).toEqual(usage.periodStart);

    await subscribe('user', user.id, 'pro'); // Pro: 2,000,000 and BYOK does not count
    expect(await getTokenUsage(user.session, user.id)).toMatchObject({
      used: 10_000,
      limit: 2_000_000,
      byokTokens: 5_000,
    });
    expect(await checkTokenLimit(user.session, subject, 10_000_000, { byok: true })).toMatchObject({
      allowed: true,
      reason: 'byok_exempt',
    });
  });

  it('orgs: members read the org usage; past the limit, a credits plan allows overage', async () => {
    const owner = await createUser('Token Org Owner');
    const stranger = await createUser('Token Stranger');
    const org = await createOrg(owner);
    await subscribe('org', org.id, 'enterprise');
    await recordUsage({
      subject: { kind: 'org', id: org.id },
      actorId: owner.id,
      provider: 'anthropic',
      model: 'claude-sonnet-4',
      operation: 'chat',
      inputTokens: 49_000_000,
      outputTokens: 999_000,
    });
    expect(await getOrgTokenUsage(owner.session, org.id)).toMatchObject({
      used: 49_999_000,
      remaining: 1_000,
      overagePolicy: 'credits',
    });
    expect(await checkTokenLimit(owner.session, { kind: 'org', id: org.id }, 5_000)).toMatchObject({
      allowed: true,
      reason: 'overage_credits',
    });
    await expect(getOrgTokenUsage(stranger.session, org.id)).rejects.toMatchObject({ status: 404 });
    const before = await writtenRows();
    await expect(
      checkTokenLimit(owner.session, { kind: 'org', id: org.id }, -1),
    ).rejects.toMatchObject({ status: 422 });
    expect(await writtenRows()).toEqual(before);
  });
});

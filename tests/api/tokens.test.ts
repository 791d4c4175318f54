import { beforeAll, describe, expect, it } from 'vitest';
import { POST as checkBalance } from '../../app/api/v1/tokens/check-balance/route';
import { GET as tokenStats } from '../../app/api/v1/tokens/stats/route';
import { GET as widget } from '../../app/api/credits/tokens/route';
import { recordUsage } from '../../lib/usage';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { subscribe, writtenRows } from '../helpers/plans';

/** The token API: check and deduct, stats, and the widget's plan-limit read, as problem+json. */

let pro: TestUser, starter: TestUser, member: TestUser, stranger: TestUser;
let org: { id: string };

beforeAll(async () => {
  pro = await createUser('Api Pro');
  starter = await createUser('Api Starter');
  member = await createUser('Api Member');
  stranger = await createUser('Api Stranger');
  org = await createOrg(pro, [{ user: member, role: 'member' }]);
  await subscribe('user', pro.id, 'pro');
  await subscribe('user', starter.id, 'starter');
  await subscribe('org', org.id, 'pro');
});

const post = (user: TestUser | undefined, body: unknown, headers: Record<string, string> = {}) =>
  request('/api/v1/tokens/check-balance', { user, body, headers }).then((req) => checkBalance(req));

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as Record<string, unknown>;
}

describe('POST /api/v1/tokens/check-balance', () => {
  it('401 when signed out', async () => {
    const response = await post(undefined, { action: 'check', tokenType: 'general' });
    expect(response.status).toBe(401);
    expect(await problem(response)).toMatchObject({ code: 'unauthorized' });
  });

  it('check says whether the allowance covers it, and deduct uses it once per Idempotency-Key', async () => {
    const check = await post(pro, { action: 'check', tokenType: 'forecast', actions: 2 });
    expect(check.status).toBe(200);
    expect(await check.json()).toMatchObject({
      action: 'check',
      allowed: true,
      reason: 'ok',
      needed: 8,
      balance: 400,
    });

    const first = await post(
      pro,
      { action: 'deduct', tokenType: 'forecast', actions: 2, feature: 'fc' },
      { 'idempotency-key': 'api-1' },
    );
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      action: 'deduct',
      amount: 8,
      remaining: 392,
      source: 'allowance',
      replayed: false,
    });
    const retry = await post(
      pro,
      { action: 'deduct', tokenType: 'forecast', actions: 2, feature: 'fc' },
      { 'idempotency-key': 'api-1' },
    );
    // The retry gets the first answer back as it was, marked as a replay.
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toMatchObject({ amount: 8, remaining: 392, replayed: false });
  });

  it('403 "upgrade" for Starter, 402 when the allowance is spent, 404 for a stranger\'s org', async () => {
    const upgrade = await post(starter, { action: 'deduct', tokenType: 'lead_generation' });
    expect(upgrade.status).toBe(403);
    expect(await problem(upgrade)).toMatchObject({
      code: 'upgrade_required',
      detail: 'Your Starter plan does not include Lead generation. Upgrade to Pro to use this.',
      upgradeTo: 'pro',
    });
    const check = await post(starter, { action: 'check', tokenType: 'lead_generation' });
    expect(await check.json()).toMatchObject({ allowed: false, reason: 'upgrade_required' });

    await post(
      member,
      { action: 'deduct', tokenType: 'strategy_analysis', actions: 100, orgId: org.id },
      { 'idempotency-key': 'all' },
    );
    const spent = await post(member, {
      action: 'deduct',
      tokenType: 'strategy_analysis',
      orgId: org.id,
    });
    expect(spent.status).toBe(402);
    expect(await problem(spent)).toMatchObject({
      code: 'insufficient_allowance',
      needed: 2,
      available: 0,
      tokenType: 'strategy_analysis',
    });

    const foreign = await post(stranger, { action: 'check', tokenType: 'general', orgId: org.id });
    expect(foreign.status).toBe(404);
  });

  it('422 for bad input, and nothing is written', async () => {
    const before = await writtenRows();
    for (const body of [
      { action: 'spend', tokenType: 'general' },
      { action: 'deduct', tokenType: 'General!' },
      { action: 'deduct', tokenType: 'general', actions: 0 },
      { action: 'deduct', tokenType: 'general', actions: 2.5 },
      { action: 'deduct', tokenType: 'general', orgId: 'not-a-uuid' },
      { action: 'deduct', tokenType: 'unknown_type' },
    ]) {
      const response = await post(pro, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      await problem(response);
    }
    const longKey = await post(
      pro,
      { action: 'deduct', tokenType: 'general' },
      { 'idempotency-key': 'k'.repeat(201) },
    );
    expect(longKey.status).toBe(422);
    expect(await writtenRows()).toEqual(before);
  });

  it('429 with Retry-After once the hourly request limit is used up', async () => {
    const user = await createUser('Api Limited');
    await subscribe('user', user.id, 'pro');
    await db()`
      insert into public.rate_limit_counters (subject_kind, subject_id, bucket, window_start, hits)
      values ('user', ${user.id}, 'requests', date_trunc('hour', now(), 'UTC'), 1000)`;
    const response = await post(user, { action: 'deduct', tokenType: 'general' });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    const expected = Math.ceil((Math.ceil(Date.now() / 3_600_000) * 3_600_000 - Date.now()) / 1000);
    expect(Math.abs(retryAfter - expected)).toBeLessThanOrEqual(2);
    expect(await problem(response)).toMatchObject({
      code: 'rate_limited',
      retryAfter,
      limit: 1000,
    });
  });
});

describe('GET /api/v1/tokens/stats', () => {
  it('balances and usage for the caller or their org; 404 for strangers', async () => {
    const mine = await tokenStats(await request('/api/v1/tokens/stats?period=7d', { user: pro }));
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as {
      balances: { tokenType: string; balance: number }[];
      usage: { total: { tokens: number } };
    };
    expect(body.balances.find((b) => b.tokenType === 'forecast')).toMatchObject({ balance: 392 });
    expect(body.usage.total.tokens).toBe(8);
    const orgStats = await tokenStats(
      await request(`/api/v1/tokens/stats?orgId=${org.id}`, { user: member }),
    );
    expect(
      ((await orgStats.json()) as { usage: { total: { tokens: number } } }).usage.total.tokens,
    ).toBe(200);
    expect(
      (await tokenStats(await request(`/api/v1/tokens/stats?orgId=${org.id}`, { user: stranger })))
        .status,
    ).toBe(404);
    expect(
      (await tokenStats(await request('/api/v1/tokens/stats?period=1y', { user: pro }))).status,
    ).toBe(422);
  });
});

describe('GET /api/credits/tokens', () => {
  it("the assistant widget: this period's LLM tokens against the plan limit", async () => {
    await recordUsage({
      subject: { kind: 'user', id: pro.id },
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'chat',
      inputTokens: 1200,
      outputTokens: 300,
    });
    const response = await widget(await request('/api/credits/tokens', { user: pro }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      planId: 'pro',
      planName: 'Pro',
      used: 1500,
      limit: 2_000_000,
      remaining: 1_998_500,
      percentUsed: 0,
      requests: { limit: 1000 },
    });
    expect(
      (await widget(await request(`/api/credits/tokens?orgId=${org.id}`, { user: stranger })))
        .status,
    ).toBe(404);
    expect((await widget(await request('/api/credits/tokens'))).status).toBe(401);
  });
});

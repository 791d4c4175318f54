import { beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as submitBatch } from '../../app/api/ai/batch/route';
import { POST as completions } from '../../app/api/ai/completions/route';
import { POST as checkBalance } from '../../app/api/v1/tokens/check-balance/route';
import { POST as allowancesCheckBalance } from '../../app/api/v1/allowances/check-balance/route';
import { startLocalSession } from '../../lib/auth/local-sessions';
import { generateChat } from '../../lib/gateway';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, asUser, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';
import { subscribe } from '../helpers/plans';

/**
 * Each refusal has its own problem+json `code` (and what a client needs to act on it), and the
 * paywall holds on every door: a Starter user is refused a paid feature by the server action,
 * a batch, the REST API and the metered call itself, and nothing is written.
 */

let cookieJar: { name: string; value: string }[] = [];
vi.mock('next/headers', () => ({ cookies: async () => ({ getAll: () => cookieJar }) }));
const { runFeatureAction } = await import('../../app/(dashboard)/ai/actions');

let starter: TestUser, pro: TestUser, broke: TestUser, owner: TestUser, member: TestUser;
let org: { id: string; slug: string };

interface Problem {
  status: number;
  code: string;
  detail: string;
  [extension: string]: unknown;
}

async function problem(response: Response): Promise<Problem> {
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  return (await response.json()) as Problem;
}

const complete = async (user: TestUser, extra: Record<string, unknown> = {}) =>
  completions(
    await request('/api/ai/completions', {
      user,
      body: { model: 'local-demo', prompt: 'Say hi', maxOutputTokens: 12, ...extra },
    }),
  );

async function writtenRows(): Promise<Record<string, number>> {
  const [row] = await db()<Record<string, number>[]>`
    select (select count(*)::int from public.ai_batches) as batches,
           (select count(*)::int from public.holds) as holds,
           (select count(*)::int from public.transfers) as transfers,
           (select count(*)::int from public.token_usage_log) as deductions`;
  return row!;
}

beforeAll(async () => {
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  starter = await createUser('Door Starter');
  pro = await createUser('Door Pro');
  broke = await createUser('Door Broke'); // Free: no plan credits
  owner = await createUser('Door Owner');
  member = await createUser('Door Member');
  await subscribe('user', starter.id, 'starter');
  await subscribe('user', pro.id, 'pro');
  await grant(await walletOf({ userId: starter.id }), 50n * CREDIT);
  await grant(await walletOf({ userId: pro.id }), 50n * CREDIT);
  org = await createOrg(owner, [{ user: member, role: 'member' }]);
  await subscribe('org', org.id, 'pro');
  await grant(await walletOf({ orgId: org.id }), 1000n * CREDIT);
});

describe('the paywall, door by door, for a Starter user', () => {
  it('the feature server action refuses with upgrade_required', async () => {
    cookieJar = [
      {
        name: 'tollgate-session',
        value: await startLocalSession({ id: starter.id, email: starter.email }),
      },
    ];
    const before = await writtenRows();
    const result = await runFeatureAction({ feature: 'lead_generation', brief: 'SaaS founders' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'upgrade_required', status: 403 });
      expect(result.error.upgradeTo).toBe('pro');
    }
    expect(await writtenRows()).toEqual(before);
  });

  it('a batch of a paid feature is refused with upgrade_required and nothing is written', async () => {
    const before = await writtenRows();
    const wallet = await walletOf({ userId: starter.id });
    const funds = await available(wallet);
    const response = await submitBatch(
      await request('/api/ai/batch', {
        user: starter,
        body: { model: 'local-demo', feature: 'lead_generation', items: ['One', 'Two'] },
      }),
    );
    expect(response.status).toBe(403);
    expect(await problem(response)).toMatchObject({
      code: 'upgrade_required',
      tokenType: 'lead_generation',
    });
    expect(await writtenRows()).toEqual(before);
    expect(await available(wallet)).toBe(funds);
  });

  it('the batch SQL function refuses too, for a client that goes around submitBatch', async () => {
    const failure = await asUser(
      starter,
      (tx) => tx`
        select * from public.ai_batch_create(null, 'local-demo', 'forecast', 100,
          ${tx.json([{ input: 'x', redacted: 'x', tokens: 5 }])}, null)`,
    ).catch((error: { code?: string }) => error.code);
    expect(failure).toBe('TG413');
  });

  it('the REST allowance API refuses a deduction (old and new paths)', async () => {
    for (const [handler, path] of [
      [checkBalance, '/api/v1/tokens/check-balance'],
      [allowancesCheckBalance, '/api/v1/allowances/check-balance'],
    ] as const) {
      const response = await handler(
        await request(path, {
          user: starter,
          body: { action: 'deduct', tokenType: 'forecast', actions: 1 },
        }),
      );
      expect(response.status).toBe(403);
      expect((await problem(response)).code).toBe('upgrade_required');
    }
  });

  it('the metered call itself refuses a paid feature, so any future endpoint inherits it', async () => {
    await expect(
      generateChat(starter.session, {
        model: 'local-demo',
        feature: 'strategy_analysis',
        prompt: [{ role: 'user', content: 'Analyse this' }],
      }),
    ).rejects.toMatchObject({ code: 'upgrade_required' });
    // What is no plan feature (the assistant) stays open to Starter, paid with credits.
    const response = await complete(starter);
    expect(response.status).toBe(200);
  });

  it('a Pro user passes the same doors', async () => {
    const response = await submitBatch(
      await request('/api/ai/batch', {
        user: pro,
        body: { model: 'local-demo', feature: 'lead_generation', items: ['One'] },
      }),
    );
    expect(response.status).toBe(200);
  });
});

describe('each refusal has its own code', () => {
  it('not enough credits: insufficient_credits with needed and available', async () => {
    const response = await complete(broke);
    expect(response.status).toBe(402);
    const body = await problem(response);
    expect(body.code).toBe('insufficient_credits');
    expect(BigInt(body.available as string)).toBe(0n);
  });

  it('the member monthly limit: member_limit_reached with the limit and when it resets', async () => {
    await asUser(
      owner,
      (tx) => tx`select public.org_set_member_limit(${org.id}, ${member.id}, 1::bigint)`,
    );
    const before = await writtenRows();
    const response = await complete(member, { orgId: org.id });
    expect(response.status).toBe(402);
    const body = await problem(response);
    expect(body).toMatchObject({ code: 'member_limit_reached', limit: '1', used: '0' });
    const resets = new Date(body.resetsAt as string);
    expect(resets.getUTCDate()).toBe(1);
    expect(resets.getTime()).toBeGreaterThan(Date.now());
    expect((await writtenRows()).transfers).toBe(before.transfers);
    await asUser(
      owner,
      (tx) => tx`select public.org_set_member_limit(${org.id}, ${member.id}, null::bigint)`,
    );
  });

  it('an allowance used up: insufficient_allowance with when it refreshes', async () => {
    const response = await checkBalance(
      await request('/api/v1/tokens/check-balance', {
        user: pro,
        body: { action: 'deduct', tokenType: 'forecast', actions: 1000 },
      }),
    );
    expect(response.status).toBe(402);
    const body = await problem(response);
    expect(body.code).toBe('insufficient_allowance');
    expect(body.detail).toMatch(/^Forecast allowance used up/);
    expect(Number.isNaN(new Date(body.refreshAt as string).getTime())).toBe(false);
  });

  it('a kill switch: ai_disabled with the reason given', async () => {
    await db()`
      insert into public.ai_feature_flags (scope, key, enabled, reason)
      values ('model', 'local-demo', false, 'Provider incident: back at 14:00 UTC.')`;
    try {
      const response = await complete(pro);
      expect(response.status).toBe(403);
      expect(await problem(response)).toMatchObject({
        code: 'ai_disabled',
        detail: 'Provider incident: back at 14:00 UTC.',
      });
      const batch = await submitBatch(
        await request('/api/ai/batch', {
          user: pro,
          body: { model: 'local-demo', feature: 'forecast', items: ['One'] },
        }),
      );
      expect((await problem(batch)).code).toBe('ai_disabled');
    } finally {
      await db()`delete from public.ai_feature_flags where key = 'local-demo'`;
    }
  });

  it('the ledger still balances', async () => {
    expect(await ledgerCheck()).toEqual([]);
  });
});

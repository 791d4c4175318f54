import { beforeAll, describe, expect, it } from 'vitest';
import { POST as completions } from '../../app/api/ai/completions/route';
import { GET as usage } from '../../app/api/ai/usage/route';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';

/** The non-streaming completion endpoint and the usage read, on the local model. */

let user: TestUser;

beforeAll(async () => {
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  user = await createUser('Completer');
  await grant(await walletOf({ userId: user.id }), 2n * CREDIT);
});

describe('POST /api/ai/completions', () => {
  it('answers with text, usage, credits used and the new balance', async () => {
    const wallet = await walletOf({ userId: user.id });
    const before = await available(wallet);
    const response = await completions(
      await request('/api/ai/completions', {
        user,
        body: { model: 'local-demo', prompt: 'Say hi', system: 'Be brief', maxOutputTokens: 12 },
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      text: string;
      status: string;
      creditsUsed: string;
      balance: string;
      usage: { outputTokens: number };
    };
    expect(body.text.length).toBeGreaterThan(0);
    expect(body).toMatchObject({ status: 'charged', usage: { outputTokens: 12 } });
    expect(BigInt(body.balance)).toBe(before - BigInt(body.creditsUsed));
    expect(await available(wallet)).toBe(BigInt(body.balance));
  });

  it('bad input is a 422 and changes nothing', async () => {
    const wallet = await walletOf({ userId: user.id });
    const before = await available(wallet);
    const response = await completions(
      await request('/api/ai/completions', { user, body: { model: 'local-demo', prompt: '' } }),
    );
    expect(response.status).toBe(422);
    expect(await available(wallet)).toBe(before);
  });
});

describe('GET /api/ai/usage', () => {
  it('reports the recorded AI usage of the caller', async () => {
    const response = await usage(await request('/api/ai/usage?period=7d', { user }));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('local-demo');
    expect(await db()`select 1 from public.holds where status = 'pending'`).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });
});

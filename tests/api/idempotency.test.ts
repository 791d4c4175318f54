import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as submitBatch } from '../../app/api/ai/batch/route';
import { POST as purchase } from '../../app/api/credits/purchase/route';
import { POST as transfer } from '../../app/api/credits/transfer/route';
import { processBatch } from '../../lib/ai';
import { stopWorker } from '../../lib/jobs';
import { createOrg, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, fundedUser, ledgerCheck, walletOf } from '../helpers/ledger';
import { subscribe } from '../helpers/plans';
import { serveMockOpenAI } from '../helpers/gateway';
import { packageId } from '../helpers/stripe';

/**
 * Concurrent retries with one Idempotency-Key: every request gets the first one's answer (same
 * status, same body), the effect happens once, and only a different request with the key is a
 * 409. Sequential retries replay too; a 5xx is not kept, so its retry runs again.
 */

serveMockOpenAI();
const RETRIES = 20;
let user: TestUser;
let wallet: string;

beforeAll(async () => {
  ({ user, wallet } = await fundedUser('Retrier', 100n * CREDIT));
  // The batch below runs a paid feature: the Pro plan includes it.
  await subscribe('user', user.id, 'pro');
});
afterAll(async () => {
  await stopWorker(1_000);
});

async function all(make: () => Promise<Request>, handler: (request: Request) => Promise<Response>) {
  const requests = await Promise.all(Array.from({ length: RETRIES }, make));
  const responses = await Promise.all(requests.map((request) => handler(request)));
  return Promise.all(
    responses.map(async (response) => ({ status: response.status, body: await response.text() })),
  );
}

describe('one Idempotency-Key, 20 requests at once', () => {
  it('/api/ai/batch: one batch, one reservation, 20 identical answers', async () => {
    const body = { model: 'gpt-4o-mini', items: ['alpha', 'beta'], maxOutputTokens: 20 };
    const answers = await all(
      () => request('/api/ai/batch', { user, body, headers: { 'idempotency-key': 'batch-1' } }),
      submitBatch,
    );
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    const { batch } = JSON.parse(answers[0]!.body) as { batch: { id: string } };
    const [counted] = await db()<{ batches: number; holds: number }[]>`
      select (select count(*)::int from public.ai_batches where user_id = ${user.id}) as batches,
             (select count(*)::int from public.holds where account_id = ${wallet}) as holds`;
    expect(counted).toEqual({ batches: 1, holds: 2 });
    await processBatch(batch.id);
  });

  it('/api/credits/purchase: one checkout, 20 identical answers', async () => {
    const body = { packageId: await packageId('starter') };
    const answers = await all(
      () =>
        request('/api/credits/purchase', {
          user,
          body,
          headers: { 'idempotency-key': 'purchase-1' },
        }),
      purchase,
    );
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    const [payments] = await db()<{ n: number }[]>`
      select count(*)::int as n from public.payments where buyer_id = ${user.id}`;
    expect(payments!.n).toBe(1);
  });

  it('/api/credits/transfer: moved once, 20 identical answers; another amount is a 409', async () => {
    const org = await createOrg(user);
    const orgWallet = await walletOf({ orgId: org.id });
    const before = await available(wallet);
    const move = (amount: number) => () =>
      request('/api/credits/transfer', {
        user,
        body: { to: { orgId: org.id }, amount },
        headers: { 'idempotency-key': 'move-1' },
      });
    const answers = await all(move(3_000_000), transfer);
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    expect(await available(orgWallet)).toBe(3n * CREDIT);
    expect(await available(wallet)).toBe(before - 3n * CREDIT);

    const other = await transfer(await move(4_000_000)());
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ code: 'idempotency_conflict' });
    expect(await available(orgWallet)).toBe(3n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a refusal is an answer too: the retry gets the same 402', async () => {
    const org = await createOrg(user);
    const move = () =>
      request('/api/credits/transfer', {
        user,
        body: { to: { orgId: org.id }, amount: 10_000_000_000 },
        headers: { 'idempotency-key': 'too-much' },
      });
    const answers = await all(move, transfer);
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([402]));
    // Bodies carry each attempt's request id only when they ran; replays are byte-identical.
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
  });
});

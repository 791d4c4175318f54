import { beforeAll, describe, expect, it } from 'vitest';
import { POST as chat } from '../../app/api/ai/chat/route';
import { POST as complete } from '../../app/api/ai/completions/route';
import { POST as embed } from '../../app/api/ai/embeddings/route';
import { GET as health } from '../../app/api/health/route';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, fundedUser, ledgerCheck, walletOf } from '../helpers/ledger';
import { serveMockOpenAI } from '../helpers/gateway';

/**
 * No request can hold the event loop: the largest inputs the schemas accept, built to be the
 * worst for a tokenizer (one repeated letter, random CJK, lone-surrogate-free random bytes), sent
 * several at once by a caller with no credits and by one who can pay, while /api/health is polled.
 * Health keeps answering, the refused caller is refused before its input is counted, and the
 * paying one is charged as usual.
 */

serveMockOpenAI();
let broke: TestUser;
let payer: TestUser;
let payerWallet: string;

const random = (length: number, pick: () => number) =>
  Array.from({ length }, () => String.fromCodePoint(pick())).join('');
const PROMPTS = {
  repeated: 'a'.repeat(100_000),
  cjk: random(100_000, () => 0x4e00 + Math.floor(Math.random() * 20_000)),
  latin1: random(100_000, () => 0x21 + Math.floor(Math.random() * 0xde)),
};

beforeAll(async () => {
  broke = await createUser('No credits');
  ({ user: payer, wallet: payerWallet } = await fundedUser('Payer', 10_000n * CREDIT));
});

/** Polls the health handler every 10 ms while `work` runs; returns the slowest answer. */
async function whilePolling(work: () => Promise<unknown>) {
  let done = false;
  const latencies: number[] = [];
  const statuses = new Set<number>();
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await health(new Request('http://localhost:3000/api/health'));
      latencies.push(performance.now() - started);
      statuses.add(response.status);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = performance.now();
  await work();
  const elapsed = performance.now() - started;
  done = true;
  await poller;
  return { slowest: Math.max(...latencies), polls: latencies.length, statuses, elapsed };
}

describe('pathological input never stalls the server', () => {
  it('a caller with 0 credits is refused before counting; health keeps answering', async () => {
    const before = await ledgerCheck();
    const responses: Response[] = [];
    const run = await whilePolling(async () => {
      const made = await Promise.all(
        Object.values(PROMPTS).flatMap((text) => [
          request('/api/ai/completions', {
            user: broke,
            body: { model: 'gpt-4o-mini', prompt: text, maxOutputTokens: 10 },
          }).then(complete),
          request('/api/ai/chat', {
            user: broke,
            body: {
              model: 'gpt-4o-mini',
              messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }],
            },
          }).then((made) => chat(made)),
          request('/api/ai/embeddings', {
            user: broke,
            body: { model: 'text-embedding-3-small', values: [text.slice(0, 30_000)] },
          }).then(embed),
        ]),
      );
      responses.push(...made);
    });
    for (const response of responses) {
      expect(response.status).toBe(402);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem).toMatchObject({ code: 'insufficient_credits' });
      expect(problem.detail).toMatch(/^Insufficient credits: at least/);
    }
    expect(run.statuses).toEqual(new Set([200]));
    expect(run.polls).toBeGreaterThan(1);
    // Refused on a byte-length bound: no tokenizer ran, so every answer came at once.
    expect(run.slowest).toBeLessThan(1_000);
    expect(await ledgerCheck()).toEqual(before);
    expect(await available(await walletOf({ userId: broke.id }))).toBe(0n);
  });

  it('a caller who can pay is counted in linear time: charged as usual, health keeps answering', async () => {
    const before = await available(payerWallet);
    const answers: { http: number; creditsUsed?: string; detail?: string }[] = [];
    const run = await whilePolling(async () => {
      const calls = Object.values(PROMPTS).map(async (text) => {
        const response = await complete(
          await request('/api/ai/completions', {
            user: payer,
            body: {
              model: 'gpt-4o-mini',
              prompt: `mode=ok chunks=3 ${text.slice(0, 99_980)}`,
              maxOutputTokens: 10,
            },
          }),
        );
        answers.push({ ...((await response.json()) as object), http: response.status });
      });
      await Promise.all(calls);
    });
    // Each prompt was counted: it fits the model and is charged, or it is too long for it.
    for (const answer of answers) {
      if (answer.http !== 200) {
        expect(answer).toMatchObject({
          http: 422,
          detail: 'The input is too long for this model.',
        });
      }
    }
    expect(answers.some((answer) => answer.http === 200)).toBe(true);
    const charged = answers.reduce((sum, answer) => sum + BigInt(answer.creditsUsed ?? 0), 0n);
    expect(charged).toBeGreaterThan(0n);
    expect(await available(payerWallet)).toBe(before - charged);
    expect(run.statuses).toEqual(new Set([200]));
    // Each count of 100,000 characters takes tens of milliseconds at most, never seconds.
    expect(run.slowest).toBeLessThan(2_000);
    expect(
      await db()`select 1 from public.holds where account_id = ${payerWallet} and status = 'pending'`,
    ).toHaveLength(0);
  });
});

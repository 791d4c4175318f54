import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as submit, GET as list } from '../../app/api/ai/batch/route';
import { GET as read, DELETE as remove } from '../../app/api/ai/batch/[id]/route';
import { POST as cancel } from '../../app/api/ai/batch/[id]/cancel/route';
import { processBatch } from '../../lib/ai';
import { stopWorker } from '../../lib/jobs';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, fundedUser, grant, ledgerCheck, walletOf } from '../helpers/ledger';
import { serveMockOpenAI } from '../helpers/gateway';

/**
 * Batches against the real database and a real OpenAI-compatible HTTP server: reserved up front
 * (all or nothing), processed with per-item retries, settled per item by real usage with zero
 * drift, cancellable, and private to whom they bill.
 */

serveMockOpenAI();
let user: TestUser;
let wallet: string;
const MODEL = 'gpt-4o-mini';

beforeAll(async () => {
  // These tests are about the mechanics of batches: here the default plan includes lead
  // generation. The paywall in front of batches has its own test (refusals.test.ts).
  await db()`
    insert into public.plan_token_allowances (plan_id, token_type, monthly_allowance)
    select id, 'lead_generation', 1 from public.plans where is_default`;
  ({ user, wallet } = await fundedUser('Batcher', 50n * CREDIT));
});

afterAll(async () => {
  await stopWorker(1_000);
});

interface Problem {
  status: number;
  code: string;
  detail: string;
  needed?: string;
  available?: string;
}

async function post(who: TestUser, body: unknown, headers: Record<string, string> = {}) {
  return submit(await request('/api/ai/batch', { user: who, body, headers }));
}

async function submitted(who: TestUser, items: string[], extra: Record<string, unknown> = {}) {
  const response = await post(who, { model: MODEL, items, maxOutputTokens: 50, ...extra });
  expect(response.status).toBe(200);
  const { batch } = (await response.json()) as {
    batch: { id: string; itemCount: number; creditsReserved: string; replayed: boolean };
  };
  return batch;
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function getBatch(who: TestUser, id: string, query = '') {
  return read(await request(`/api/ai/batch/${id}${query}`, { user: who }), params(id));
}

async function pendingHolds(account: string): Promise<number> {
  const [row] = await db()<{ n: number }[]>`
    select count(*)::int as n from public.holds where account_id = ${account} and status = 'pending'`;
  return row!.n;
}

async function batchHoldsPending(batchId: string): Promise<number> {
  const [row] = await db()<{ n: number }[]>`
    select count(*)::int as n from public.ai_batch_items i join public.holds h on h.id = i.hold_id
    where i.batch_id = ${batchId} and h.status = 'pending'`;
  return row!.n;
}

async function itemsOf(batchId: string) {
  return db()<
    {
      index: number;
      status: string;
      attempts: number;
      input: string | null;
      input_redacted: string;
      credits_held: bigint;
      credits_charged: bigint;
      expected: bigint | null;
      output_tokens: number | null;
      hold_status: string;
      error: string | null;
    }[]
  >`
    select i.index, i.status, i.attempts, i.input, i.input_redacted, i.credits_held, i.credits_charged,
           h.status as hold_status, i.output_tokens, i.error,
           -- Independent of the TypeScript pricing: usage × the batch's price in SQL numeric.
           case when i.input_tokens is not null then
             ceil((((i.input_tokens - i.cached_tokens)::numeric * b.input_per_mtok
                    + i.cached_tokens::numeric * b.cached_input_per_mtok
                    + i.output_tokens::numeric * b.output_per_mtok) * b.credits_per_usd * b.markup_bps) / 1e10)::bigint
           end as expected
    from public.ai_batch_items i
    join public.ai_batches b on b.id = i.batch_id
    join public.holds h on h.id = i.hold_id
    where i.batch_id = ${batchId} order by i.index`;
}

async function batchRow(batchId: string) {
  const [row] = await db()<
    {
      status: string;
      done_count: number;
      failed_count: number;
      cancelled_count: number;
      credits_charged: bigint;
      credits_reserved: bigint;
    }[]
  >`select status, done_count, failed_count, cancelled_count, credits_charged, credits_reserved
    from public.ai_batches where id = ${batchId}`;
  return row!;
}

describe('batch processing', () => {
  it('200 items with injected failures: every item ends, charges = Σ usage × price, no hold left', async () => {
    const items = Array.from({ length: 200 }, (_, i) => {
      if (i % 10 === 3) return `item ${i} mode=error-before`; // fails every attempt
      if (i % 10 === 5) return `item ${i} fail=1 chunks=${(i % 6) + 1}`; // recovers on retry
      if (i % 10 === 7) return `item ${i} mode=no-usage chunks=4`; // output, usage unknown
      return `item ${i} chunks=${(i % 9) + 1} contact me at jane.doe@example.com`;
    });
    const before = await available(wallet);
    const batch = await submitted(user, items);
    expect(batch.itemCount).toBe(200);
    // Reserved up front: one pending hold per item, the whole worst case off the balance.
    expect(await pendingHolds(wallet)).toBe(200);
    expect(await available(wallet)).toBe(before - BigInt(batch.creditsReserved));
    // The job was queued for the worker.
    const [job] = await db()<{ n: number }[]>`
      select count(*)::int as n from pgboss.job where name = 'ai.batch' and data->>'batchId' = ${batch.id}`;
    expect(job!.n).toBe(1);

    const result = await processBatch(batch.id, { concurrency: 4, backoffMs: 1 });
    expect(result).toMatchObject({ status: 'completed', processed: 200 });
    // Resumable and idempotent: a second run finds nothing to do and changes nothing.
    expect(await processBatch(batch.id)).toMatchObject({ status: 'completed', processed: 0 });

    const rows = await itemsOf(batch.id);
    expect(rows.every((r) => r.status === 'done' || r.status === 'failed')).toBe(true);
    let expectedTotal = 0n;
    for (const r of rows) {
      expect(r.input).toBeNull(); // the original text is gone once the item ended
      if (r.index % 10 === 3) {
        expect(r).toMatchObject({ status: 'failed', attempts: 3, credits_charged: 0n });
        expect(r.hold_status).toBe('voided');
      } else if (r.index % 10 === 7) {
        expect(r).toMatchObject({ status: 'done', hold_status: 'posted' });
        expect(r.credits_charged).toBe(r.credits_held);
        expectedTotal += r.credits_held;
      } else {
        expect(r).toMatchObject({ status: 'done', hold_status: 'posted' });
        expect(r.attempts).toBe(r.index % 10 === 5 ? 2 : 1);
        expect(r.credits_charged).toBe(r.expected);
        expect(r.credits_charged).toBeLessThanOrEqual(r.credits_held);
        expectedTotal += r.expected!;
      }
    }
    expect(rows.find((r) => r.index === 0)!.input_redacted).toBe(
      'item 0 chunks=1 contact me at [email]',
    );

    const after = await available(wallet);
    expect(before - after).toBe(expectedTotal);
    const totals = await batchRow(batch.id);
    expect(totals).toMatchObject({
      done_count: 180,
      failed_count: 20,
      credits_charged: expectedTotal,
    });
    expect(await pendingHolds(wallet)).toBe(0);
    expect(await ledgerCheck()).toEqual([]);

    // One usage event per provider call: 3 per failing item, 2 per flaky one, 1 otherwise.
    const [events] = await db()<{ n: number; charged: bigint }[]>`
      select count(*)::int as n, sum(credits_charged)::bigint as charged from public.usage_events
      where metadata->>'batchId' = ${batch.id}`;
    expect(events).toEqual({ n: 20 * 3 + 20 * 2 + 160, charged: expectedTotal });

    // The API shows status, progress and results.
    const response = await getBatch(user, batch.id, '?offset=0&limit=10');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      batch: { status: string; progress: Record<string, number>; creditsCharged: string };
      items: { index: number; status: string; result: string | null; input: string }[];
    };
    expect(body.batch).toMatchObject({
      status: 'completed',
      progress: { pending: 0, running: 0, done: 180, failed: 20, cancelled: 0 },
      creditsCharged: expectedTotal.toString(),
    });
    expect(body.items).toHaveLength(10);
    expect(body.items[1]).toMatchObject({ index: 1, status: 'done', result: 'tok tok ' });
    expect(body.items[0]!.input).not.toContain('@example.com');

    const listed = await list(await request('/api/ai/batch', { user }));
    const { batches } = (await listed.json()) as { batches: { id: string }[] };
    expect(batches.map((b) => b.id)).toContain(batch.id);
  });

  it('cancelling mid-batch releases the rest; running items still settle', async () => {
    const before = await available(wallet);
    const items = Array.from({ length: 30 }, (_, i) => `slow ${i} chunks=3 latency=40`);
    const batch = await submitted(user, items);
    const running = processBatch(batch.id, { concurrency: 2 });
    for (let i = 0; i < 200 && (await batchRow(batch.id)).done_count < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const response = await cancel(
      await request(`/api/ai/batch/${batch.id}/cancel`, { user, method: 'POST' }),
      params(batch.id),
    );
    expect(response.status).toBe(200);
    const { batch: cancelled } = (await response.json()) as {
      batch: { status: string; cancelled: number; released: string };
    };
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelled).toBeGreaterThan(10);
    expect(BigInt(cancelled.released)).toBeGreaterThan(0n);
    await running;

    const rows = await itemsOf(batch.id);
    expect(rows.every((r) => ['done', 'cancelled'].includes(r.status))).toBe(true);
    const charged = rows.reduce((sum, r) => sum + r.credits_charged, 0n);
    for (const r of rows.filter((r) => r.status === 'done'))
      expect(r.credits_charged).toBe(r.expected);
    for (const r of rows.filter((r) => r.status === 'cancelled'))
      expect(r.hold_status).toBe('voided');
    expect(await batchRow(batch.id)).toMatchObject({
      status: 'cancelled',
      cancelled_count: cancelled.cancelled,
      credits_charged: charged,
    });
    expect(before - (await available(wallet))).toBe(charged);
    expect(await batchHoldsPending(batch.id)).toBe(0);
    expect(await ledgerCheck()).toEqual([]);

    // DELETE is the same cancel and replays; a finished batch cannot be cancelled.
    const again = await remove(
      await request(`/api/ai/batch/${batch.id}`, { user, method: 'DELETE' }),
      params(batch.id),
    );
    expect(await again.json()).toMatchObject({ batch: { replayed: true, cancelled: 0 } });
  });

  it("a dead worker's item is reclaimed once its lease lapses, and charged once", async () => {
    const before = await available(wallet);
    const batch = await submitted(user, ['d0 chunks=2', 'd1 chunks=3', 'd2 chunks=4']);
    // A worker claims item 0 (as the processor does) and dies without finishing it.
    const [claimed] = await db()<{ item_index: number }[]>`
      select item_index from public.ai_batch_claim(${batch.id}::uuid, 1, 600)`;
    expect(claimed!.item_index).toBe(0);
    const first = await processBatch(batch.id, { backoffMs: 1 });
    expect(first).toMatchObject({ status: 'running', processed: 2 });
    expect(first.retryAfterSeconds).toBeGreaterThan(500);
    await db()`update public.ai_batch_items set lease_until = now() - interval '1 second'
               where batch_id = ${batch.id} and index = 0`;
    const second = await processBatch(batch.id, { backoffMs: 1 });
    expect(second).toMatchObject({ status: 'completed', processed: 1, retryAfterSeconds: null });
    const rows = await itemsOf(batch.id);
    expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    const charged = rows.reduce((sum, r) => sum + r.expected!, 0n);
    expect(before - (await available(wallet))).toBe(charged);
    expect(await batchRow(batch.id)).toMatchObject({ credits_charged: charged, done_count: 3 });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('an item whose hold expired fails uncharged, the others settle', async () => {
    const before = await available(wallet);
    const batch = await submitted(user, ['a chunks=2', 'b chunks=2', 'c chunks=2']);
    await db()`
      update public.holds set expires_at = now() - interval '1 second'
      where id = (select hold_id from public.ai_batch_items where batch_id = ${batch.id} and index = 1)`;
    await db()`update public.accounts set next_expiry_at = now() - interval '1 second' where id = ${wallet}`;
    await db()`select * from public.credit_maintenance()`;
    await processBatch(batch.id, { backoffMs: 1 });
    const rows = await itemsOf(batch.id);
    expect(rows.map((r) => r.status)).toEqual(['done', 'failed', 'done']);
    expect(rows[1]).toMatchObject({ credits_charged: 0n, hold_status: 'expired' });
    expect(rows[1]!.error).toMatch(/hold_expired/);
    expect(before - (await available(wallet))).toBe(rows[0]!.expected! + rows[2]!.expected!);
    expect(await batchHoldsPending(batch.id)).toBe(0);
    expect(await ledgerCheck()).toEqual([]);
    const finished = await remove(
      await request(`/api/ai/batch/${batch.id}`, { user, method: 'DELETE' }),
      params(batch.id),
    );
    expect(finished.status).toBe(409);
  });
});

describe('batch admission and kill switches', () => {
  it('a 1,000-item batch is admitted as one request of the hour', async () => {
    const big = await createUser('Big Batch');
    await grant(await walletOf({ userId: big.id }), 100n * CREDIT);
    const batch = await submitted(
      big,
      Array.from({ length: 1000 }, (_, i) => `lead ${i}`),
      { maxOutputTokens: 10 },
    );
    expect(batch.itemCount).toBe(1000);
    const [row] = await db()<{ hits: number }[]>`
      select hits from public.rate_limit_counters where subject_id = ${big.id}`;
    expect(row!.hits).toBe(1);
    expect(await batchHoldsPending(batch.id)).toBe(1000);
    const response = await remove(
      await request(`/api/ai/batch/${batch.id}`, { user: big, method: 'DELETE' }),
      params(batch.id),
    );
    expect(await response.json()).toMatchObject({ batch: { cancelled: 1000 } });
    expect(await batchHoldsPending(batch.id)).toBe(0);
    expect(await available(await walletOf({ userId: big.id }))).toBe(100n * CREDIT);
  });

  it('a kill switch turned on mid-batch cancels the rest and releases its holds', async () => {
    const before = await available(wallet);
    const batch = await submitted(user, ['k1 chunks=1', 'k2 chunks=1', 'k3 chunks=1']);
    await db()`insert into public.ai_feature_flags (scope, key, enabled, reason)
               values ('model', ${MODEL}, false, 'Paused for maintenance')`;
    try {
      const refused = await post(user, { model: MODEL, items: ['blocked'] });
      expect(refused.status).toBe(403);
      expect(await processBatch(batch.id)).toMatchObject({ status: 'cancelled', processed: 0 });
    } finally {
      await db()`delete from public.ai_feature_flags where scope = 'model' and key = ${MODEL}`;
    }
    const response = await getBatch(user, batch.id);
    expect(await response.json()).toMatchObject({
      batch: { status: 'cancelled', error: 'Paused for maintenance', progress: { cancelled: 3 } },
    });
    expect(await batchHoldsPending(batch.id)).toBe(0);
    expect(await available(wallet)).toBe(before);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('batch admission', () => {
  async function written(who: TestUser) {
    const [row] = await db()<{ batches: number; holds: number; hits: number }[]>`
      select (select count(*)::int from public.ai_batches where user_id = ${who.id}) as batches,
             (select count(*)::int from public.holds where actor_id = ${who.id}) as holds,
             coalesce((select sum(hits)::int from public.rate_limit_counters where subject_id = ${who.id}), 0) as hits`;
    return row!;
  }

  it('bad input gets 422/404 and writes nothing', async () => {
    const fresh = await createUser('Validator');
    await grant(await walletOf({ userId: fresh.id }), 10n * CREDIT);
    const stranger = await createUser('Stranger');
    const org = await createOrg(stranger);
    const cases: [unknown, number][] = [
      [{ model: MODEL, items: [] }, 422],
      [{ model: MODEL, items: Array.from({ length: 1001 }, (_, i) => `x${i}`) }, 422],
      [{ model: MODEL, items: ['ok', '   '] }, 422],
      [{ model: 'no-such-model', items: ['hello'] }, 404],
      [{ model: MODEL, items: ['hello'], orgId: org.id }, 404],
      [{ model: MODEL, items: ['hello'], orgId: crypto.randomUUID() }, 404],
    ];
    for (const [body, status] of cases) {
      const response = await post(fresh, body);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await written(fresh)).toEqual({ batches: 0, holds: 0, hits: 0 });
  });

  it('402 with needed/available when the wallet cannot cover the whole batch', async () => {
    const poor = await createUser('Poor');
    const poorWallet = await walletOf({ userId: poor.id });
    await grant(poorWallet, 1000n);
    const response = await post(poor, {
      model: MODEL,
      maxOutputTokens: 1000,
      items: Array.from({ length: 50 }, (_, i) => `lead ${i}`),
    });
    expect(response.status).toBe(402);
    const problem = (await response.json()) as Problem;
    expect(problem.code).toBe('insufficient_credits');
    expect(BigInt(problem.needed!)).toBeGreaterThan(1000n);
    expect(problem.available).toBe('1000');
    expect(await written(poor)).toEqual({ batches: 0, holds: 0, hits: 0 });
    expect(await available(poorWallet)).toBe(1000n);
  });

  it('another user can neither read nor cancel a batch (404); the org admin can', async () => {
    const owner = await createUser('Org Owner');
    const member = await createUser('Member');
    const other = await createUser('Other Member');
    const org = await createOrg(owner, [
      { user: member, role: 'member' },
      { user: other, role: 'member' },
    ]);
    await grant(await walletOf({ orgId: org.id }), 10n * CREDIT);
    const personal = await submitted(user, ['private chunks=1']);
    const shared = await submitted(member, ['org item chunks=1', 'org item 2'], { orgId: org.id });

    for (const [who, id] of [
      [other, personal.id],
      [owner, personal.id],
      [other, shared.id],
    ] as const) {
      expect((await getBatch(who, id)).status).toBe(404);
      const denied = await cancel(
        await request(`/api/ai/batch/${id}/cancel`, { user: who, method: 'POST' }),
        params(id),
      );
      expect(denied.status).toBe(404);
    }
    expect((await batchRow(personal.id)).status).toBe('queued');
    expect((await getBatch(member, shared.id)).status).toBe(200);
    expect((await getBatch(owner, shared.id)).status).toBe(200);
    const byAdmin = await cancel(
      await request(`/api/ai/batch/${shared.id}/cancel`, { user: owner, method: 'POST' }),
      params(shared.id),
    );
    expect(await byAdmin.json()).toMatchObject({ batch: { status: 'cancelled', cancelled: 2 } });
    expect(await batchHoldsPending(shared.id)).toBe(0);
    // The original input is never selectable through the API role.
    await expect(
      db().begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true),
          set_config('request.jwt.claims', ${JSON.stringify(member.session.claims)}, true)`;
        return tx`select input from public.ai_batch_items`;
      }),
    ).rejects.toMatchObject({ code: '42501' });
    await processBatch(personal.id);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('an Idempotency-Key replays the same batch without a second reservation', async () => {
    const body = { model: MODEL, items: ['same chunks=1', 'same 2'], maxOutputTokens: 20 };
    const first = await post(user, body, { 'idempotency-key': 'batch-key-1' });
    const second = await post(user, body, { 'idempotency-key': 'batch-key-1' });
    const a = (await first.json()) as { batch: { id: string; replayed: boolean } };
    const b = (await second.json()) as { batch: { id: string; replayed: boolean } };
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(b).toEqual(a);
    const [row] = await db()<{ n: number }[]>`
      select count(*)::int as n from public.ai_batch_items where batch_id = ${a.batch.id}`;
    expect(row!.n).toBe(2);
    const conflict = await post(
      user,
      { ...body, items: ['different'] },
      { 'idempotency-key': 'batch-key-1' },
    );
    expect(conflict.status).toBe(409);
    await processBatch(a.batch.id);
    expect(await batchHoldsPending(a.batch.id)).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as submit } from '../../app/api/ai/batch/route';
import { GET as exportBatch } from '../../app/api/ai/batch/[id]/export/route';
import { processBatch } from '../../lib/ai';
import { stopWorker } from '../../lib/jobs';
import { createUser, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, fundedUser } from '../helpers/ledger';
import { serveMockOpenAI } from '../helpers/gateway';
import { subscribe } from '../helpers/plans';

/** A batch's results download as CSV and JSON Lines, for whom the batch bills only. */

serveMockOpenAI();
let user: TestUser, stranger: TestUser;
let batchId: string;
const items = ['=SUM(A1) looks like a formula', 'Second, with "quotes"', 'Third'];

beforeAll(async () => {
  ({ user } = await fundedUser('Exporter', 50n * CREDIT));
  // Batches run paid features: the Pro plan includes lead generation.
  await subscribe('user', user.id, 'pro');
  stranger = await createUser('Stranger');
  const response = await submit(
    await request('/api/ai/batch', {
      user,
      body: { model: 'gpt-4o-mini', items, maxOutputTokens: 50 },
    }),
  );
  expect(response.status).toBe(200);
  batchId = ((await response.json()) as { batch: { id: string } }).batch.id;
  await processBatch(batchId, { concurrency: 2, backoffMs: 1 });
});

afterAll(async () => {
  await stopWorker(1_000);
});

const download = async (who: TestUser | undefined, query: string) =>
  exportBatch(await request(`/api/ai/batch/${batchId}/export${query}`, { user: who }), {
    params: Promise.resolve({ id: batchId }),
  });

describe('batch export', () => {
  it('CSV: a header and one quoted, formula-safe row per item, in order', async () => {
    const response = await download(user, '?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/\.csv"$/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      'index,status,input,result,error,attempts,input_tokens,output_tokens,credits_charged,micro_credits_charged',
    );
    expect(lines[1]).toMatch(/^1,done,'=SUM\(A1\) looks like a formula,/);
    expect(lines[2]).toMatch(/^2,done,"Second, with ""quotes""",/);
    expect(lines[3]).toMatch(/^3,done,Third,/);
  });

  it('JSONL: one JSON object per item with its result and charge', async () => {
    const response = await download(user, '?format=jsonl');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jsonl; charset=utf-8');
    const records = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.input)).toEqual(items);
    for (const record of records) {
      expect(record.status).toBe('done');
      expect(typeof record.result).toBe('string');
      expect(BigInt(record.creditsCharged as string)).toBeGreaterThan(0n);
    }
  });

  it('is a 404 for anyone else, 401 signed out, 422 for an unknown format', async () => {
    expect((await download(stranger, '?format=csv')).status).toBe(404);
    expect((await download(undefined, '')).status).toBe(401);
    expect((await download(user, '?format=xlsx')).status).toBe(422);
  });
});

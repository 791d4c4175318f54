import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as chat } from '../../app/api/ai/chat/route';
import { POST as complete } from '../../app/api/ai/completions/route';
import { saveProviderKey } from '@/lib/gateway';
import { getUsageStats } from '../../lib/usage';
import { db, request, type TestUser } from '../helpers/fixtures';
import { serveMockOpenAI } from '../helpers/gateway';
import { CREDIT, available, fundedUser, ledgerCheck } from '../helpers/ledger';
import { finishMetadata, readUiStream, readUntilText } from '../helpers/ui-stream';

/**
 * The anchor rule at volume: 1,000 calls through the app's routes, mixed the way traffic mixes
 * (streamed, one-shot, aborted mid-stream, failed before or during the stream, without usage,
 * rate-limited by the provider, answered from the cache, made with the subject's own key), 25 at a
 * time, against a real OpenAI-compatible HTTP server and the real @ai-sdk/openai client. Afterwards
 * every micro-credit that left the wallet is explained by a usage row priced independently in SQL,
 * the client was told exactly what it paid, and no hold is left pending.
 */

const CALLS = 1000;
const CONCURRENCY = 25;
const MODEL = 'gpt-4o-mini';

serveMockOpenAI();
let payer: TestUser;
let byokUser: TestUser;
let payerWallet: string;
let byokWallet: string;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY = 'ef'.repeat(32);
  ({ user: payer, wallet: payerWallet } = await fundedUser('Mixed payer', 100n * CREDIT));
  ({ user: byokUser, wallet: byokWallet } = await fundedUser('Mixed BYOK', 1n * CREDIT));
  await saveProviderKey(byokUser.session, { provider: 'openai', apiKey: 'sk-own-key-0001' });
});

afterAll(() => {
  delete process.env.ENCRYPTION_KEY;
});

type Kind =
  | 'stream'
  | 'completion'
  | 'abort'
  | 'error-before'
  | 'rate-limit'
  | 'error-mid'
  | 'no-usage'
  | 'cache'
  | 'byok';

/** Twenty slots, so the mix is 35 % streamed, 15 % one-shot and 5–10 % of each of the rest. */
const MIX: Kind[] = [
  ...Array<Kind>(7).fill('stream'),
  ...Array<Kind>(3).fill('completion'),
  'abort',
  'abort',
  'error-before',
  'rate-limit',
  'error-mid',
  'no-usage',
  'cache',
  'cache',
  'byok',
  'byok',
];

interface Told {
  kind: Kind;
  /** What the response said the call cost (micro-credits), and its status. */
  creditsUsed: bigint;
  status: string;
}

const chatBody = (text: string) => ({
  model: MODEL,
  maxOutputTokens: 200,
  messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }],
});

async function streamed(user: TestUser, text: string, kind: Kind, stopAfter = 1): Promise<Told> {
  let chunks;
  if (kind === 'abort') {
    const controller = new AbortController();
    const aborted = new Request(await request('/api/ai/chat', { user, body: chatBody(text) }), {
      signal: controller.signal,
    });
    chunks = await readUntilText(await chat(aborted), () => controller.abort(), stopAfter);
  } else {
    const response = await chat(await request('/api/ai/chat', { user, body: chatBody(text) }));
    expect(response.status).toBe(200);
    chunks = await readUiStream(response);
  }
  const meta = finishMetadata(chunks) as { status: string; creditsUsed: string } | undefined;
  expect(meta, `${kind}: no finish metadata`).toBeDefined();
  return { kind, status: meta!.status, creditsUsed: BigInt(meta!.creditsUsed) };
}

async function oneShot(text: string, kind: Kind, cache: boolean): Promise<Told> {
  const response = await complete(
    await request('/api/ai/completions', {
      user: payer,
      body: { model: MODEL, prompt: text, maxOutputTokens: 200, cache },
    }),
  );
  const json = (await response.json()) as { status?: string; creditsUsed?: string };
  if (response.status === 503) {
    return { kind, status: 'voided', creditsUsed: BigInt(json.creditsUsed ?? '0') };
  }
  expect(response.status).toBe(200);
  return { kind, status: json.status!, creditsUsed: BigInt(json.creditsUsed!) };
}

function call(index: number): Promise<Told> {
  const kind = MIX[index % MIX.length]!;
  const chunks = 1 + (index % 9);
  const cached = index % 3 === 0 ? 4 : 0;
  const tag = `#${index}`;
  switch (kind) {
    case 'stream':
      return streamed(payer, `${tag} mode=ok chunks=${chunks} cached=${cached}`, kind);
    case 'completion':
      return oneShot(`${tag} mode=ok chunks=${chunks}`, kind, false);
    case 'abort':
      // The client stops after 1 to 25 of the 25 chunks, a different point for each call; the
      // provider then stalls until the client has gone, so it never finishes first.
      return streamed(
        payer,
        `${tag} mode=ok chunks=25 latency=5 stall=1`,
        kind,
        1 + ((index * 7) % 25),
      );
    case 'error-before':
    case 'no-usage':
      return streamed(payer, `${tag} mode=${kind} chunks=${chunks}`, kind);
    case 'error-mid':
      // At least two chunks, so some output comes before the connection drops.
      return streamed(payer, `${tag} mode=error-mid chunks=${chunks + 1}`, kind);
    case 'rate-limit':
      return oneShot(`${tag} mode=rate-limit`, kind, false);
    case 'cache':
      // Five distinct prompts: the first of each is a miss (charged), the rest are hits.
      return oneShot(`cached question ${Math.floor(index / 20) % 5} mode=ok chunks=6`, kind, true);
    case 'byok':
      return streamed(byokUser, `${tag} mode=ok chunks=${chunks}`, kind);
  }
}

async function runAll(): Promise<Told[]> {
  const results: Told[] = new Array<Told>(CALLS);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) {
        const index = next++;
        results[index] = await call(index);
      }
    }),
  );
  return results;
}

describe('1,000 mixed metered calls', () => {
  it('charge exactly Σ usage × price (or the hold when usage is unknown), with zero drift', async () => {
    const payerBefore = await available(payerWallet);
    const byokBefore = await available(byokWallet);

    const told = await runAll();

    // What each kind of call came to.
    const statuses = new Map<Kind, Set<string>>();
    for (const t of told) statuses.set(t.kind, (statuses.get(t.kind) ?? new Set()).add(t.status));
    expect([...statuses.get('stream')!]).toEqual(['charged']);
    expect([...statuses.get('completion')!]).toEqual(['charged']);
    // Without the provider's usage, the gateway's own count is charged (never the whole hold).
    expect([...statuses.get('abort')!]).toEqual(['counted']);
    expect([...statuses.get('error-before')!]).toEqual(['voided']);
    expect([...statuses.get('rate-limit')!]).toEqual(['voided']);
    expect([...statuses.get('error-mid')!]).toEqual(['counted']);
    expect([...statuses.get('no-usage')!]).toEqual(['counted']);
    expect([...statuses.get('cache')!].sort()).toEqual(['cached', 'charged']);
    // Each prompt misses once (twice at most when two identical requests race in flight).
    const misses = told.filter((t) => t.kind === 'cache' && t.status === 'charged').length;
    expect(misses).toBeGreaterThanOrEqual(5);
    expect(misses).toBeLessThanOrEqual(10);
    expect([...statuses.get('byok')!]).toEqual(['byok']);
    for (const t of told) {
      if (['voided', 'cached', 'byok'].includes(t.status)) expect(t.creditsUsed).toBe(0n);
      else expect(t.creditsUsed).toBeGreaterThan(0n);
    }

    // One usage row per call that reached a model (cache hits are recorded as cached usage).
    const rows = await db()<
      {
        status: string;
        source: string;
        error_code: string | null;
        success: boolean;
        input_tokens: number;
        output_tokens: number;
        credits_charged: bigint;
        priced: bigint | null;
        hold_amount: bigint | null;
        hold_status: string | null;
        posted_amount: bigint | null;
      }[]
    >`
      select e.metadata->>'status' as status, e.source, e.error_code, e.success, e.input_tokens,
             e.output_tokens, e.credits_charged, h.amount as hold_amount,
             h.status as hold_status, h.posted_amount,
             ceil(((e.input_tokens - e.cached_tokens)::numeric * p.input_per_mtok
                   + e.cached_tokens::numeric * p.cached_input_per_mtok
                   + e.output_tokens::numeric * p.output_per_mtok) * s.credits_per_usd * s.markup_bps
                  / 1e10)::bigint as priced
      from public.usage_events e
      left join public.holds h on h.id = (e.metadata->>'holdId')::bigint
      left join public.ai_model_prices p on p.id = (e.metadata->>'priceId')::bigint
      cross join public.ai_settings s
      where e.subject_id in (${payer.id}, ${byokUser.id})`;
    expect(rows).toHaveLength(CALLS);
    for (const row of rows) {
      if (row.status === 'charged') expect(row.credits_charged).toBe(row.priced);
      else if (row.status === 'counted') {
        // The counted tokens are in the row, so the same independent pricing applies, capped
        // at the hold; a stop costs what was used, far below the hold.
        const cap = row.priced! < row.hold_amount! ? row.priced! : row.hold_amount!;
        expect(row.credits_charged).toBe(cap);
        expect(row.input_tokens).toBeGreaterThan(0);
      } else if (row.status === 'held') expect(row.credits_charged).toBe(row.hold_amount);
      else expect(row.credits_charged).toBe(0n);
      if (row.hold_status !== null) expect(row.hold_status).not.toBe('pending');
      if (row.hold_status === 'posted') expect(row.posted_amount).toBe(row.credits_charged);
      expect(row.source).toBe(row.status === 'byok' ? 'byok' : 'platform');
    }
    // A stop by the client is recorded as such, and is no provider error.
    const stops = rows.filter((row) => row.error_code === 'client_aborted');
    const codes = Object.fromEntries(
      [...new Set(rows.map((row) => row.error_code))].map((code) => [
        String(code),
        rows.filter((row) => row.error_code === code).length,
      ]),
    );
    // On a mismatch, the rows per error code say which way the odd call was recorded.
    expect(stops.length, JSON.stringify(codes)).toBe(told.filter((t) => t.kind === 'abort').length);
    expect(stops.every((row) => row.success && row.status === 'counted')).toBe(true);
    expect(stops.every((row) => row.credits_charged < row.hold_amount!)).toBe(true);
    expect(new Set(stops.map((row) => row.output_tokens)).size).toBeGreaterThan(5);

    // The ledger, the usage rows and what the clients were told all agree, to the micro-credit.
    const recorded = rows.reduce((sum, row) => sum + row.credits_charged, 0n);
    const toldTotal = told.reduce((sum, t) => sum + t.creditsUsed, 0n);
    const [posted] = await db()<{ total: bigint }[]>`
      select coalesce(sum(amount), 0)::bigint as total from public.transfers
      where debit_account_id = ${payerWallet} and kind = 'hold_post'`;
    expect(toldTotal).toBe(recorded);
    expect(posted!.total).toBe(recorded);
    expect(payerBefore - (await available(payerWallet))).toBe(recorded);
    expect(await available(byokWallet)).toBe(byokBefore);

    expect(
      await db()`select 1 from public.holds where account_id in (${payerWallet}, ${byokWallet})
                 and status = 'pending'`,
    ).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);

    // The usage statistics show the cache's hit rate from the same rows.
    const hits = told.filter((t) => t.status === 'cached').length;
    const payerCalls = told.filter((t) => t.kind !== 'byok').length;
    const stats = await getUsageStats(payer.session, { kind: 'user', id: payer.id }, '7d');
    expect(stats.total.events).toBe(payerCalls);
    expect(stats.total.cachedEvents).toBe(hits);
    expect(stats.total.cacheHitRate).toBeCloseTo(hits / payerCalls, 10);
  }, 240_000);
});

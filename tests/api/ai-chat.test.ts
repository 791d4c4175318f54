import {
  parseJsonEventStream,
  readUIMessageStream,
  uiMessageChunkSchema,
  type UIMessage,
  type UIMessageChunk,
} from 'ai';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST as chat } from '../../app/api/ai/chat/route';
import { GET as models } from '../../app/api/ai/models/route';
import {
  countPromptTokens,
  creditsFor,
  setAiSettings,
  setFeatureFlag,
  setModelPrice,
} from '@/lib/gateway';
import { splitTokens } from '../../lib/gateway/tokenizer';
import { localReply } from '../../lib/gateway/local-model';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';
import { subscribe } from '../helpers/plans';
import { finishMetadata, readUiStream } from '../helpers/ui-stream';

/** The chat and catalog routes on the built-in local model: protocol, wallets, switches, limits. */

let owner: TestUser, member: TestUser, stranger: TestUser;
let org: { id: string };

beforeAll(async () => {
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  owner = await createUser('Owner');
  member = await createUser('Member');
  stranger = await createUser('Stranger');
  org = await createOrg(owner, [{ user: member, role: 'member' }]);
  await grant(await walletOf({ userId: owner.id }), 5n * CREDIT);
  await grant(await walletOf({ userId: member.id }), 5n * CREDIT);
  await grant(await walletOf({ orgId: org.id }), 5n * CREDIT);
});

const say = (text: string, extra: Record<string, unknown> = {}) => ({
  model: 'local-demo',
  messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text }] }],
  ...extra,
});

async function post(user: TestUser, payload: unknown) {
  return chat(await request('/api/ai/chat', { user, body: payload }));
}

async function priceOf(model: string) {
  const [row] = await db()<
    {
      input_per_mtok: bigint;
      cached_input_per_mtok: bigint;
      output_per_mtok: bigint;
      credits_per_usd: bigint;
      markup_bps: number;
    }[]
  >`select p.input_per_mtok, p.cached_input_per_mtok, p.output_per_mtok, s.credits_per_usd, s.markup_bps
    from public.ai_model_prices p cross join public.ai_settings s
    where p.model_id = ${model} and p.effective_from <= now() order by p.effective_from desc limit 1`;
  return {
    inputPerMtok: row!.input_per_mtok,
    cachedInputPerMtok: row!.cached_input_per_mtok,
    outputPerMtok: row!.output_per_mtok,
    creditsPerUsd: row!.credits_per_usd,
    markupBps: BigInt(row!.markup_bps),
  };
}

describe('POST /api/ai/chat (local model)', () => {
  it('streams token by token and charges real token counts × price on the personal wallet', async () => {
    const wallet = await walletOf({ userId: owner.id });
    const before = await available(wallet);
    const response = await post(owner, say('What is Tollgate?'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    // Where the gateway spent its time before the provider, step by step.
    expect(response.headers.get('server-timing')).toMatch(
      /^route;dur=[\d.]+, context;dur=[\d.]+, moderation;dur=[\d.]+, admit;dur=[\d.]+$/,
    );
    const chunks = await readUiStream(response);
    const deltas = chunks.filter((c) => c.type === 'text-delta');
    const prompt = [{ role: 'user' as const, content: 'What is Tollgate?' }];
    const reply = splitTokens(localReply(prompt));
    expect(deltas.length).toBe(reply.pieces.length);
    const usage = {
      inputTokens: countPromptTokens(prompt),
      cachedInputTokens: 0,
      outputTokens: reply.tokens,
    };
    const charge = creditsFor(await priceOf('local-demo'), usage);
    expect(charge).toBeGreaterThan(0n);
    expect(finishMetadata(chunks)).toEqual({
      model: 'local-demo',
      callId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      modelChoice: { reason: 'requested', detail: 'The model asked for.' },
      status: 'charged',
      creditsUsed: charge.toString(),
      balance: (before - charge).toString(),
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cachedTokens: 0,
    });
    expect(await available(wallet)).toBe(before - charge);
  });

  it('the stream is what useChat reads: every chunk passes the AI SDK schema and builds the message', async () => {
    const response = await post(owner, say('Hello again'));
    const chunks = parseJsonEventStream({ stream: response.body!, schema: uiMessageChunkSchema });
    let last: UIMessage | undefined;
    const valid = chunks.pipeThrough(
      new TransformStream<
        { success: true; value: UIMessageChunk } | { success: false; error: unknown },
        UIMessageChunk
      >({
        transform(result, controller) {
          if (!result.success) throw result.error;
          controller.enqueue(result.value);
        },
      }),
    );
    for await (const message of readUIMessageStream({ stream: valid })) last = message;
    const text = last!.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
    expect(text).toBe(localReply([{ role: 'user', content: 'Hello again' }]));
    expect(last!.metadata).toMatchObject({ model: 'local-demo', status: 'charged' });
  });

  it('max_tokens caps the reply and the hold', async () => {
    const chunks = await readUiStream(
      await post(owner, say('Short please', { maxOutputTokens: 5 })),
    );
    expect(finishMetadata(chunks)).toMatchObject({ outputTokens: 5, status: 'charged' });
  });

  it('an orgId spends the org wallet only; a stranger cannot name it', async () => {
    const personal = await available(await walletOf({ userId: member.id }));
    const orgWallet = await walletOf({ orgId: org.id });
    const orgBefore = await available(orgWallet);
    const chunks = await readUiStream(await post(member, say('Org call', { orgId: org.id })));
    const used = BigInt(String(finishMetadata(chunks)?.creditsUsed));
    expect(used).toBeGreaterThan(0n);
    expect(await available(orgWallet)).toBe(orgBefore - used);
    expect(await available(await walletOf({ userId: member.id }))).toBe(personal);
    expect((await post(stranger, say('Org call', { orgId: org.id }))).status).toBe(404);
  });

  it('402 problem+json says what was needed and what is available; nothing is held', async () => {
    const response = await post(stranger, say('I have no credits'));
    expect(response.status).toBe(402);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as Record<string, string>;
    expect(problem.code).toBe('insufficient_credits');
    expect(BigInt(problem.needed!)).toBeGreaterThan(0n);
    expect(problem.available).toBe('0');
    // A refused call counts no request of the hour (admission is one transaction).
    expect(
      await db()`select 1 from public.rate_limit_counters where subject_id = ${stranger.id} and hits > 0`,
    ).toHaveLength(0);
  });

  it("the plan's monthly token limit answers 402 insufficient_allowance", async () => {
    const capped = await createUser('Capped');
    await grant(await walletOf({ userId: capped.id }), CREDIT);
    await subscribe('user', capped.id, 'starter');
    await db()`update public.plans set monthly_llm_token_limit = 10, overage_policy = 'block' where id = 'starter'`;
    const response = await post(capped, say('hi'));
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({ code: 'insufficient_allowance' });
  });

  it('kill switches answer 403 per model and per feature, before any hold', async () => {
    await setFeatureFlag('service', {
      scope: 'model',
      key: 'local-demo',
      enabled: false,
      reason: 'Paused for maintenance.',
    });
    const blocked = await post(owner, say('hi'));
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({
      detail: 'Paused for maintenance.',
      scope: 'model',
    });
    await setFeatureFlag('service', { scope: 'model', key: 'local-demo', enabled: true });
    await setFeatureFlag('service', { scope: 'feature', key: 'assistant', enabled: false });
    expect((await post(owner, say('hi'))).status).toBe(403);
    await setFeatureFlag('service', { scope: 'feature', key: 'assistant', enabled: true });
    const allowed = await post(owner, say('hi'));
    expect(allowed.status).toBe(200);
    expect(finishMetadata(await readUiStream(allowed))).toMatchObject({ status: 'charged' });
    await expect(
      setFeatureFlag(owner.session, { scope: 'model', key: 'local-demo', enabled: false }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('the rate limit answers 429 with Retry-After', async () => {
    const busy = await createUser('Busy');
    await db()`insert into public.rate_limit_counters (subject_kind, subject_id, bucket, window_start, hits)
      values ('user', ${busy.id}, 'requests', date_trunc('hour', now(), 'UTC'), 1000000)`;
    const response = await post(busy, say('hi'));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a model whose provider has no key is 503, never served by the local model', async () => {
    const response = await post(owner, say('hi', { model: 'claude-haiku-4-5' }));
    expect(response.status).toBe(503);
    expect((await post(owner, say('hi', { model: 'no-such-model' }))).status).toBe(404);
  });

  it('no hold outlives its call and the books balance', async () => {
    expect(await db()`select 1 from public.holds where status = 'pending'`).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('catalog and prices', () => {
  it('GET /api/ai/models lists prices in credits per 1K tokens and availability', async () => {
    const response = await models(await request('/api/ai/models', { user: owner }));
    const { models: list } = (await response.json()) as { models: Record<string, unknown>[] };
    const local = list.find((m) => m.id === 'local-demo');
    expect(local).toMatchObject({
      provider: 'local',
      available: true,
      creditsPer1k: { input: '37500', output: '150000' },
    });
    expect(list.find((m) => m.id === 'claude-haiku-4-5')).toMatchObject({ available: false });
  });

  it('a new price applies to new calls only; back-dating and non-admins are refused', async () => {
    await expect(
      setModelPrice(owner.session, {
        modelId: 'local-demo',
        inputPerMtok: 1,
        cachedInputPerMtok: 1,
        outputPerMtok: 1,
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      setModelPrice('service', {
        modelId: 'local-demo',
        inputPerMtok: 1,
        cachedInputPerMtok: 1,
        outputPerMtok: 1,
        effectiveFrom: new Date(Date.now() - 86_400_000),
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    const old = await priceOf('local-demo');
    const admin = await createUser('Platform Admin');
    await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
    await setModelPrice(admin.session, {
      modelId: 'local-demo',
      inputPerMtok: old.inputPerMtok * 2n,
      cachedInputPerMtok: old.cachedInputPerMtok,
      outputPerMtok: old.outputPerMtok * 2n,
    });
    const chunks = await readUiStream(await post(owner, say('Price check')));
    const meta = finishMetadata(chunks)!;
    const usage = {
      inputTokens: Number(meta.inputTokens),
      cachedInputTokens: 0,
      outputTokens: Number(meta.outputTokens),
    };
    expect(meta.creditsUsed).toBe(creditsFor(await priceOf('local-demo'), usage).toString());
    expect(meta.creditsUsed).not.toBe(creditsFor(old, usage).toString());
    const [versions] = await db()<
      { n: bigint }[]
    >`select count(*) as n from public.ai_model_prices where model_id = 'local-demo'`;
    expect(versions!.n).toBe(2n);
  });

  it('credit settings are for platform admins only', async () => {
    await expect(
      setAiSettings(owner.session, { creditsPerUsd: 1000n, markupBps: 10_000 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await setAiSettings('service', { creditsPerUsd: 10n, markupBps: 15_000 });
    const [row] = await db()<
      { credits_per_usd: bigint }[]
    >`select credits_per_usd from public.ai_settings`;
    expect(row!.credits_per_usd).toBe(10n);
  });
});

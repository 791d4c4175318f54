import { createOpenAI } from '@ai-sdk/openai';
import { embed, generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as chatRoute from '../../app/api/v1/chat/completions/route';
import * as creditsRoute from '../../app/api/v1/credits/route';
import * as embeddingsRoute from '../../app/api/v1/embeddings/route';
import * as modelsRoute from '../../app/api/v1/models/route';
import * as usageRoute from '../../app/api/v1/usage/route';
import { createApiKey, revokeApiKey } from '@/lib/api-keys';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { createOrg, createUser, db, type TestUser } from '../helpers/fixtures';
import { serveMockOpenAI } from '../helpers/gateway';
import { CREDIT, available, fundedUser, grant, ledgerCheck, walletOf } from '../helpers/ledger';
import { MOCK_PROMPT_TOKENS } from '../helpers/mock-openai';

/**
 * The OpenAI-compatible API through a real HTTP server, called by the official `openai` SDK and
 * by `@ai-sdk/openai`, with the local OpenAI-compatible mock behind the gateway. Every figure is
 * read back from the database: balances, ledger transfers and usage rows carrying the key's id.
 */

serveMockOpenAI();
let app: AppServer;
let base: string;
const MODEL = 'gpt-4o-mini';

beforeAll(async () => {
  app = await startAppServer({
    '/api/v1/chat/completions': chatRoute,
    '/api/v1/embeddings': embeddingsRoute,
    '/api/v1/models': modelsRoute,
    '/api/v1/credits': creditsRoute,
    '/api/v1/usage': usageRoute,
  });
  base = `${app.url}/api/v1`;
});
afterAll(() => app.close());

type KeyInput = Parameters<typeof createApiKey>[1];

async function keyFor(user: TestUser, input: Partial<KeyInput> = {}) {
  const made = await createApiKey(user.session, {
    name: 'Test key',
    scopes: ['ai:chat', 'ai:embeddings', 'credits:read', 'usage:read'],
    ...input,
  });
  return { id: made.key.id, secret: made.secret };
}

const client = (secret: string) => new OpenAI({ baseURL: base, apiKey: secret, maxRetries: 0 });

async function expectedCharge(model: string, input: number, output: number): Promise<bigint> {
  const [row] = await db()<{ charge: bigint }[]>`
    select ceil(((${input}::numeric * p.input_per_mtok + ${output}::numeric * p.output_per_mtok)
                 * s.credits_per_usd * s.markup_bps) / 1e10)::bigint as charge
    from public.ai_model_prices p cross join public.ai_settings s
    where p.model_id = ${model} order by p.effective_from desc limit 1`;
  return row!.charge;
}

async function keyTotals(keyId: string) {
  const [row] = await db()<{ usage: bigint; debits: bigint; calls: number }[]>`
    select (select coalesce(sum(credits_charged), 0)::bigint from public.usage_events
            where api_key_id = ${keyId}) as usage,
           (select coalesce(sum(amount), 0)::bigint from public.transfers
            where api_key_id = ${keyId} and kind = 'hold_post') as debits,
           (select count(*)::int from public.usage_events where api_key_id = ${keyId}) as calls`;
  return row!;
}

async function pendingHolds(wallet: string): Promise<number> {
  const [row] = await db()<{ n: number }[]>`
    select count(*)::int as n from public.holds where account_id = ${wallet} and status = 'pending'`;
  return row!.n;
}

/** Waits until every call of the wallet is settled (a stopped stream settles after the stop). */
async function settledCalls(wallet: string, calls: number, keyId: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if ((await pendingHolds(wallet)) === 0 && (await keyTotals(keyId)).calls >= calls) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('calls did not settle');
}

async function errorOf(run: () => Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await run();
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected an API error');
}

describe('chat completions with the openai SDK', () => {
  it('answers one completion and charges the reported usage to the key', async () => {
    const { user, wallet } = await fundedUser('V1 Plain', 10n * CREDIT);
    const key = await keyFor(user);
    const before = await available(wallet);
    const answer = await client(key.secret).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Say hello. chunks=6' }],
      max_tokens: 100,
    });
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0]!.message.content).toBe('tok '.repeat(6));
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(answer.usage).toMatchObject({ prompt_tokens: MOCK_PROMPT_TOKENS, completion_tokens: 6 });
    const charge = await expectedCharge(MODEL, MOCK_PROMPT_TOKENS, 6);
    expect(before - (await available(wallet))).toBe(charge);
    expect(await keyTotals(key.id)).toEqual({ usage: charge, debits: charge, calls: 1 });
    expect(await pendingHolds(wallet)).toBe(0);
    // The secret is nowhere in what the call wrote.
    const [leak] = await db()<{ n: number }[]>`
      select ((select count(*) from public.usage_events e where e::text like ${`%${key.secret}%`})
            + (select count(*) from public.transfers t where t::text like ${`%${key.secret}%`}))::int as n`;
    expect(leak!.n).toBe(0);
  });

  it('streams chunks and ends with the usage chunk when include_usage is set', async () => {
    const { user, wallet } = await fundedUser('V1 Stream', 10n * CREDIT);
    const key = await keyFor(user);
    const before = await available(wallet);
    const stream = await client(key.secret).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Stream please. chunks=8' }],
      max_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('tok '.repeat(8));
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: MOCK_PROMPT_TOKENS, completion_tokens: 8 });
    const charge = await expectedCharge(MODEL, MOCK_PROMPT_TOKENS, 8);
    expect(before - (await available(wallet))).toBe(charge);
    expect(await keyTotals(key.id)).toEqual({ usage: charge, debits: charge, calls: 1 });
  });

  it('passes tools through and returns the tool call', async () => {
    const { user } = await fundedUser('V1 Tools', 10n * CREDIT);
    const key = await keyFor(user);
    const answer = await client(key.secret).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'What is the weather? tool=1 chunks=0' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      response_format: { type: 'json_object' },
    });
    const choice = answer.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'weather', arguments: '{"city":"Paris"}' },
    });
  });

  it('charges a stream stopped half-way by the gateway’s count, with no hold left', async () => {
    const { user, wallet } = await fundedUser('V1 Stop', 10n * CREDIT);
    const key = await keyFor(user);
    const before = await available(wallet);
    const stream = await client(key.secret).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Long answer. chunks=60 latency=20 stall=1' }],
      max_tokens: 200,
      stream: true,
      stream_options: { include_usage: true },
    });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received += 1;
      if (received === 5) break;
    }
    await settledCalls(wallet, 1, key.id);
    const [event] = await db()<{ error_code: string; output_tokens: bigint; charged: bigint }[]>`
      select error_code, output_tokens, credits_charged as charged from public.usage_events
      where api_key_id = ${key.id}`;
    expect(event!.error_code).toBe('client_aborted');
    expect(Number(event!.output_tokens)).toBeGreaterThanOrEqual(5);
    expect(Number(event!.output_tokens)).toBeLessThanOrEqual(60);
    expect(event!.charged).toBeGreaterThan(0n);
    expect(before - (await available(wallet))).toBe(event!.charged);
    expect(await pendingHolds(wallet)).toBe(0);
  });
});

describe('the AI SDK (@ai-sdk/openai) pointed at Tollgate', () => {
  it('generates, streams and embeds through the same metered call', async () => {
    const { user, wallet } = await fundedUser('V1 AI SDK', 10n * CREDIT);
    const key = await keyFor(user);
    const before = await available(wallet);
    const provider = createOpenAI({ baseURL: base, apiKey: key.secret });
    const one = await generateText({ model: provider.chat(MODEL), prompt: 'Hi. chunks=3' });
    expect(one.text).toBe('tok '.repeat(3));
    expect(one.usage.outputTokens).toBe(3);
    const streamed = streamText({ model: provider.chat(MODEL), prompt: 'Hi. chunks=4' });
    expect(await streamed.text).toBe('tok '.repeat(4));
    const vector = await embed({
      model: provider.embedding('text-embedding-3-small'),
      value: 'embed me',
    });
    expect(vector.embedding.length).toBeGreaterThan(0);
    await settledCalls(wallet, 3, key.id);
    const totals = await keyTotals(key.id);
    expect(totals.calls).toBe(3);
    expect(totals.usage).toBe(totals.debits);
    expect(before - (await available(wallet))).toBe(totals.debits);
  });
});

describe('refusals in OpenAI’s error shape', () => {
  it('402 when the wallet runs dry, with nothing written', async () => {
    const { user, wallet } = await fundedUser('V1 Dry', 10n);
    const key = await keyFor(user);
    const error = await errorOf(() =>
      client(key.secret).chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'hello' }],
      }),
    );
    expect(error.status).toBe(402);
    expect(error.type).toBe('insufficient_credits');
    expect(await available(wallet)).toBe(10n);
    expect((await keyTotals(key.id)).calls).toBe(0);
  });

  it('401 for a revoked, malformed or other-environment key; nothing recorded', async () => {
    const { user } = await fundedUser('V1 Revoked', 10n * CREDIT);
    const key = await keyFor(user);
    await revokeApiKey(user.session, key.id);
    const revoked = await errorOf(() => client(key.secret).models.list());
    expect(revoked).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(revoked.code).toBe('invalid_api_key');
    expect(revoked.message).toMatch(/revoked/);
    const live = key.secret.replace('tg_test_', 'tg_live_');
    expect((await errorOf(() => client(live).models.list())).status).toBe(401);
    expect((await errorOf(() => client('sk-not-ours').models.list())).status).toBe(401);
    const [row] = await db()<{ last_used_at: Date | null }[]>`
      select last_used_at from public.api_keys where id = ${key.id}`;
    expect(row!.last_used_at).toBeNull();
  });

  it('403 from an address outside the allowlist; allowed from inside it', async () => {
    const { user } = await fundedUser('V1 Allowlist', 10n * CREDIT);
    const outside = await keyFor(user, { ipAllowlist: ['10.0.0.0/8'] });
    const error = await errorOf(() => client(outside.secret).models.list());
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.code).toBe('ip_not_allowed');
    const inside = await keyFor(user, { ipAllowlist: ['127.0.0.0/8'] });
    expect((await client(inside.secret).models.list()).data.length).toBeGreaterThan(0);
  });

  it('403 for a missing scope; models lists only what the scopes allow', async () => {
    const { user } = await fundedUser('V1 Scope', 10n * CREDIT);
    const readOnly = await keyFor(user, { scopes: ['credits:read'] });
    const error = await errorOf(() =>
      client(readOnly.secret).chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(error.status).toBe(403);
    expect(error.code).toBe('missing_scope');
    const embedOnly = await keyFor(user, { scopes: ['ai:embeddings'] });
    const models = await client(embedOnly.secret).models.list();
    expect(models.data.map((model) => model.id)).toContain('text-embedding-3-small');
    expect(models.data.map((model) => model.id)).not.toContain(MODEL);
  });

  it('404 for an unknown model, 400 for a body OpenAI would reject', async () => {
    const { user } = await fundedUser('V1 Unknown', 10n * CREDIT);
    const key = await keyFor(user);
    const unknown = await errorOf(() =>
      client(key.secret).chat.completions.create({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.code).toBe('model_not_found');
    const response = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [], temperature: 9 }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
  });

  it('429 with Retry-After past the key’s requests per minute', async () => {
    const { user } = await fundedUser('V1 Rpm', 10n * CREDIT);
    const key = await keyFor(user, { requestsPerMinute: 2 });
    const get = () =>
      fetch(`${base}/credits`, { headers: { authorization: `Bearer ${key.secret}` } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const third = await get();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await third.json()) as { error: { type: string } }).error.type).toBe(
      'rate_limit_error',
    );
  });

  it('an org key stops working when its creator leaves the org', async () => {
    const owner = await createUser('V1 Org Owner');
    const admin = await createUser('V1 Org Admin');
    const org = await createOrg(owner, [{ user: admin, role: 'admin' }]);
    await grant(await walletOf({ orgId: org.id }), 10n * CREDIT);
    const key = await keyFor(admin, { orgId: org.id });
    const credits = await fetch(`${base}/credits`, {
      headers: { authorization: `Bearer ${key.secret}` },
    });
    expect(((await credits.json()) as { wallet: string; available: string }).wallet).toBe('org');
    await db()`delete from public.organization_members where org_id = ${org.id} and user_id = ${admin.id}`;
    expect((await errorOf(() => client(key.secret).models.list())).status).toBe(401);
  });
});

describe('the key’s monthly limit and the ledger', () => {
  it('50 concurrent calls never take the key past its monthly limit', async () => {
    const { user, wallet } = await fundedUser('V1 Limit', 100n * CREDIT);
    const perCall = await expectedCharge(MODEL, 200, 100);
    const limit = perCall * 6n;
    const key = await keyFor(user, { monthlyLimitMicroCredits: limit.toString() });
    const openai = client(key.secret);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `Call ${i}. chunks=5 latency=5` }],
          max_tokens: 100,
        }),
      ),
    );
    const refused = results.filter((result) => result.status === 'rejected');
    for (const result of refused) {
      const error = (result as PromiseRejectedResult).reason as InstanceType<
        typeof OpenAI.APIError
      >;
      expect(error.status).toBe(402);
      expect(error.code).toBe('key_limit');
    }
    expect(refused.length).toBeGreaterThan(0);
    await settledCalls(wallet, 50 - refused.length, key.id);
    const totals = await keyTotals(key.id);
    expect(totals.debits).toBeLessThanOrEqual(limit);
    expect(totals.usage).toBe(totals.debits);
    const [month] = await db()<{ used: bigint }[]>`
      select used from public.api_key_usage where api_key_id = ${key.id}`;
    expect(month!.used).toBe(totals.debits);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('hundreds of mixed calls: Σ usage = Σ ledger debits = the wallet’s decrease', async () => {
    const { user, wallet } = await fundedUser('V1 Drift', 1000n * CREDIT);
    const key = await keyFor(user);
    const openai = client(key.secret);
    const before = await available(wallet);
    const kinds = [
      async (i: number) =>
        openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `Plain ${i}. chunks=${1 + (i % 7)}` }],
          max_tokens: 50,
        }),
      async (i: number) => {
        const stream = await openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `Stream ${i}. chunks=${2 + (i % 5)}` }],
          stream: true,
          stream_options: { include_usage: i % 2 === 0 },
        });
        for await (const chunk of stream) void chunk;
      },
      async (i: number) => {
        const stream = await openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `Stopped ${i}. chunks=30 latency=3` }],
          stream: true,
        });
        let seen = 0;
        for await (const chunk of stream)
          if (chunk.choices[0]?.delta.content && ++seen === 2) break;
      },
      async (i: number) =>
        openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `Broken ${i}. mode=error-before` }],
        }),
      async (i: number) =>
        openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: `Quiet ${i}. mode=no-usage chunks=4` }],
        }),
      async (i: number) =>
        openai.embeddings.create({ model: 'text-embedding-3-small', input: [`text ${i}`, 'two'] }),
    ];
    const calls = 240;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < calls) {
          const i = next++;
          await kinds[i % kinds.length]!(i).catch(() => {});
        }
      }),
    );
    await settledCalls(wallet, calls, key.id);
    const totals = await keyTotals(key.id);
    expect(totals.calls).toBe(calls);
    expect(totals.usage).toBe(totals.debits);
    expect(before - (await available(wallet))).toBe(totals.debits);
    expect(await pendingHolds(wallet)).toBe(0);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer and charges once', async () => {
    const { user, wallet } = await fundedUser('V1 Idem', 10n * CREDIT);
    const key = await keyFor(user);
    const send = () =>
      fetch(`${base}/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key.secret}`,
          'content-type': 'application/json',
          'idempotency-key': 'retry-me-1',
        },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'once chunks=3' }],
        }),
      });
    const before = await available(wallet);
    const first = await send();
    const firstBody = await first.text();
    const second = await send();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(firstBody);
    expect((await keyTotals(key.id)).calls).toBe(1);
    expect(before - (await available(wallet))).toBe(await expectedCharge(MODEL, 20, 3));
  });
});

describe('credits and usage for the key', () => {
  it('reads the wallet and the key’s calls', async () => {
    const { user } = await fundedUser('V1 Reads', 10n * CREDIT);
    const key = await keyFor(user, { monthlyLimitMicroCredits: (5n * CREDIT).toString() });
    await client(key.secret).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi chunks=2' }],
    });
    const headers = { authorization: `Bearer ${key.secret}` };
    const credits = (await (await fetch(`${base}/credits`, { headers })).json()) as {
      available: string;
    };
    expect(BigInt(credits.available)).toBeLessThan(10n * CREDIT);
    const usage = (await (await fetch(`${base}/usage`, { headers })).json()) as {
      data: { credits_used: string; completion_tokens: number }[];
      month: { used_micro_credits: string; limit_micro_credits: string };
    };
    expect(usage.data).toHaveLength(1);
    expect(usage.data[0]!.completion_tokens).toBe(2);
    expect(usage.month.used_micro_credits).toBe(usage.data[0]!.credits_used);
    expect(usage.month.limit_micro_credits).toBe((5n * CREDIT).toString());
    expect(BigInt(credits.available)).toBe(10n * CREDIT - BigInt(usage.data[0]!.credits_used));
  });
});

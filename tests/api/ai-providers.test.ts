import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as transcribe } from '../../app/api/ai/audio/transcribe/route';
import { POST as completions } from '../../app/api/ai/completions/route';
import { POST as generate } from '../../app/api/ai/images/generate/route';
import { GET as providers } from '../../app/api/ai/providers/route';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, walletOf } from '../helpers/ledger';
import { MODERATION_FLAG, startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai';
import { saveProviderKey } from '@/lib/gateway';

/**
 * GET /api/ai/providers on a keyless deployment (no provider key in this file's environment):
 * the local provider serves images and transcripts, and health equals the recorded usage.
 */

delete process.env.OPENAI_API_KEY;
delete process.env.ANTHROPIC_API_KEY;
delete process.env.GOOGLE_GENERATIVE_AI_API_KEY;
process.env.ENCRYPTION_KEY = 'cd'.repeat(32);

let user: TestUser;
let wallet: string;
let mock: MockOpenAI;

beforeAll(async () => {
  // An OpenAI-compatible server but no platform key: only a subject's own key can reach it.
  mock = await startMockOpenAI();
  process.env.OPENAI_BASE_URL = mock.url;
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  user = await createUser('Prober');
  wallet = await walletOf({ userId: user.id });
  await grant(wallet, CREDIT);
});

afterAll(async () => {
  await mock.close();
  delete process.env.OPENAI_BASE_URL;
  delete process.env.ENCRYPTION_KEY;
});

interface Window {
  events: string;
  errors: string;
  errorRateBps: string;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}
interface Status {
  id: string;
  configured: boolean;
  platformKey: boolean;
  byok: { supported: boolean; keyStored: boolean };
  local: boolean;
  moderation: { active: boolean; reason: string };
  models: { id: string; capabilities: string[] }[];
  health: { lastHour: Window; last24h: Window };
}

async function list(): Promise<Status[]> {
  const response = await providers(await request('/api/ai/providers', { user }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { providers: Status[] }).providers;
}

describe('keyless mode', () => {
  it('the local provider generates images and transcripts with no key configured', async () => {
    const before = await available(wallet);
    const image = await generate(
      await request('/api/ai/images/generate', {
        user,
        body: { model: 'local-image', prompt: 'a keyless demo' },
      }),
    );
    expect(image.status).toBe(200);
    const audio = await transcribe(
      await request('/api/ai/audio/transcribe', {
        user,
        body: {
          model: 'local-transcribe',
          audio: Buffer.from('not a wav file, 32 bytes of it..').toString('base64'),
          mediaType: 'audio/mpeg',
        },
      }),
    );
    expect(audio.status).toBe(200);
    const spent =
      BigInt(((await image.json()) as { creditsUsed: string }).creditsUsed) +
      BigInt(((await audio.json()) as { creditsUsed: string }).creditsUsed);
    expect(spent).toBeGreaterThan(0n);
    expect(await available(wallet)).toBe(before - spent);

    // A keyed provider without its key is a 503, never silently served by the local model.
    const keyed = await generate(
      await request('/api/ai/images/generate', {
        user,
        body: { model: 'gpt-image-1', prompt: 'needs a key' },
      }),
    );
    expect(keyed.status).toBe(503);
    expect(await available(wallet)).toBe(before - spent);
  });
});

describe('GET /api/ai/providers', () => {
  it('lists each provider: configured, BYOK, models, and that local calls are not moderated', async () => {
    const all = await list();
    expect(all.map((provider) => provider.id)).toEqual(['openai', 'anthropic', 'google', 'local']);
    const openai = all.find((provider) => provider.id === 'openai')!;
    expect(openai).toMatchObject({
      configured: false,
      platformKey: false,
      byok: { supported: true, keyStored: false },
      local: false,
      moderation: { active: false },
    });
    expect(openai.models.map((model) => model.id)).toEqual(
      expect.arrayContaining(['gpt-4o-mini', 'gpt-image-1', 'dall-e-3', 'whisper-1']),
    );
    const local = all.find((provider) => provider.id === 'local')!;
    expect(local).toMatchObject({ configured: true, local: true, byok: { supported: false } });
    expect(local.moderation.active).toBe(false);
    expect(local.moderation.reason).toMatch(/no moderation/);
    expect(local.models.map((model) => model.id)).toEqual(
      expect.arrayContaining(['local-demo', 'local-image', 'local-transcribe']),
    );
  });

  it('a subject with its own OpenAI key is moderated with that key', async () => {
    const owner = await createUser('Key Owner');
    const ownKey = 'sk-own-key-1234';
    await saveProviderKey(owner.session, { provider: 'openai', apiKey: ownKey });
    const openai = (
      (await (await providers(await request('/api/ai/providers', { user: owner }))).json()) as {
        providers: Status[];
      }
    ).providers.find((provider) => provider.id === 'openai')!;
    expect(openai).toMatchObject({
      configured: true,
      platformKey: false,
      byok: { keyStored: true },
      moderation: { active: true },
    });

    const response = await completions(
      await request('/api/ai/completions', {
        user: owner,
        body: { model: 'gpt-4o-mini', prompt: `hi ${MODERATION_FLAG}` },
      }),
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as { code: string }).code).toBe('content_flagged');
    expect(mock.lastAuthorization()).toBe(`Bearer ${ownKey}`);
  });

  it('health over 1 h and 24 h equals what the recorded usage implies', async () => {
    const other = await createUser('Someone Else');
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    const rows = [
      { at: minutesAgo(10), latency: 100, success: true, cached: false },
      { at: minutesAgo(20), latency: 200, success: true, cached: false },
      { at: minutesAgo(30), latency: 300, success: false, cached: false },
      { at: minutesAgo(40), latency: 400, success: true, cached: false },
      { at: minutesAgo(300), latency: 1000, success: true, cached: false },
      // Outside both windows, and a cache hit (no provider call): neither counts.
      { at: minutesAgo(60 * 30), latency: 5000, success: false, cached: false },
      { at: minutesAgo(5), latency: 0, success: true, cached: true },
    ];
    for (const row of rows) {
      await db()`
        insert into public.usage_events (occurred_at, subject_kind, subject_id, source, provider, model,
                                         operation, feature, latency_ms, success, cached)
        values (${row.at}, 'user', ${other.id}, 'platform', 'anthropic', 'claude-haiku-4-5', 'chat',
                'assistant', ${row.latency}, ${row.success}, ${row.cached})`;
    }
    const anthropic = (await list()).find((provider) => provider.id === 'anthropic')!;
    // Last hour: 100, 200, 300, 400 → p50 250, p95 385 (linear), 1 error in 4 = 2,500 bps.
    expect(anthropic.health.lastHour).toEqual({
      events: '4',
      errors: '1',
      errorRateBps: '2500',
      p50LatencyMs: 250,
      p95LatencyMs: 385,
    });
    // 24 h: 100, 200, 300, 400, 1000 → p50 300, p95 880, 1 error in 5 = 2,000 bps.
    expect(anthropic.health.last24h).toEqual({
      events: '5',
      errors: '1',
      errorRateBps: '2000',
      p50LatencyMs: 300,
      p95LatencyMs: 880,
    });
    const google = (await list()).find((provider) => provider.id === 'google')!;
    expect(google.health.last24h).toEqual({
      events: '0',
      errors: '0',
      errorRateBps: '0',
      p50LatencyMs: null,
      p95LatencyMs: null,
    });
    // The local calls made above count for the local provider.
    const local = (await list()).find((provider) => provider.id === 'local')!;
    expect(local.health.lastHour.events).toBe('2');
  });

  it('needs a session', async () => {
    expect((await providers(await request('/api/ai/providers'))).status).toBe(401);
  });
});

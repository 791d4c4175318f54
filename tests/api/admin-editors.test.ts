import { beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as completions } from '../../app/api/ai/completions/route';
import { getAiSettingsForAdmin, listFeatureFlags, listModelCatalog } from '../../lib/admin';
import { startLocalSession } from '../../lib/auth/local-sessions';
import { createUser, db, outcome, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';

/**
 * The platform admin editors of the AI catalog (server actions on the models and flags pages):
 * versioned prices, models on and off, kill switches and the global settings. Each is checked
 * against what the gateway then does, and refused with 403 for anyone but a platform admin.
 */

let cookieJar: { name: string; value: string }[] = [];
vi.mock('next/headers', () => ({ cookies: async () => ({ getAll: () => cookieJar }) }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { setModelPriceAction, setModelActiveAction } =
  await import('../../app/(admin)/admin/models/actions');
const { saveFlagAction, deleteFlagAction, saveAiSettingsAction } =
  await import('../../app/(admin)/admin/flags/actions');

const MODEL = 'local-demo';
let admin: TestUser, caller: TestUser, plain: TestUser;

async function signInAs(user: TestUser) {
  cookieJar = [
    {
      name: 'tollgate-session',
      value: await startLocalSession({ id: user.id, email: user.email }),
    },
  ];
}

beforeAll(async () => {
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  admin = await createUser('Editor Admin');
  caller = await createUser('Caller');
  plain = await createUser('Plain');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  await grant(await walletOf({ userId: caller.id }), 20n * CREDIT);
});

async function complete(prompt: string) {
  return completions(
    await request('/api/ai/completions', {
      user: caller,
      body: { model: MODEL, prompt, maxOutputTokens: 20 },
    }),
  );
}

async function charged(prompt: string): Promise<bigint> {
  const response = await complete(prompt);
  expect(response.status).toBe(200);
  return BigInt(((await response.json()) as { creditsUsed: string }).creditsUsed);
}

describe('price editor', () => {
  it('adds a price version: new calls pay it, earlier usage keeps its price', async () => {
    const before = await charged('Price check');
    const [first] = await db()<{ id: bigint; credits_charged: bigint }[]>`
      select id, credits_charged from public.usage_events where subject_id = ${caller.id}
      order by id desc limit 1`;
    expect(first!.credits_charged).toBe(before);
    const old = (await listModelCatalog(admin.session)).find((m) => m.id === MODEL)!.prices[0]!;

    await signInAs(admin);
    const saved = await setModelPriceAction({
      modelId: MODEL,
      inputPerMtok: (old.inputPerMtok * 4n).toString(),
      cachedInputPerMtok: (old.cachedInputPerMtok * 4n).toString(),
      outputPerMtok: (old.outputPerMtok * 4n).toString(),
      perImage: '0',
      perAudioSecond: '0',
    });
    expect(saved).toMatchObject({ ok: true });

    const model = (await listModelCatalog(admin.session)).find((m) => m.id === MODEL)!;
    expect(model.prices.map((price) => [price.status, price.outputPerMtok])).toEqual([
      ['current', old.outputPerMtok * 4n],
      ['previous', old.outputPerMtok],
    ]);
    expect(model.prices[0]!.createdBy).toBe(admin.email);

    const after = await charged('Price check');
    expect(after).toBeGreaterThan(before * 3n);
    const [kept] = await db()<{ credits_charged: bigint }[]>`
      select credits_charged from public.usage_events where id = ${first!.id.toString()}`;
    expect(kept!.credits_charged).toBe(before);
    const rows = await db()<{ id: bigint }[]>`
      select id from public.ai_model_prices where model_id = ${MODEL}`;
    expect(rows).toHaveLength(2);
  });

  it('a future price is scheduled and not yet charged; a past one is refused', async () => {
    await signInAs(admin);
    const current = (await listModelCatalog(admin.session)).find((m) => m.id === MODEL)!.prices[0]!;
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const scheduled = await setModelPriceAction({
      modelId: MODEL,
      inputPerMtok: '1',
      cachedInputPerMtok: '1',
      outputPerMtok: '1',
      perImage: '0',
      perAudioSecond: '0',
      effectiveFrom: nextWeek,
    });
    expect(scheduled).toMatchObject({ ok: true, data: { effectiveFrom: nextWeek } });
    const model = (await listModelCatalog(admin.session)).find((m) => m.id === MODEL)!;
    expect(model.prices.map((price) => price.status)).toEqual(['scheduled', 'current', 'previous']);
    expect(model.prices[1]!.id).toBe(current.id);
    const [context] = await db()<{ price_id: bigint }[]>`
      select price_id from public.ai_call_context('user', ${caller.id}, ${MODEL}, 'assistant')`;
    expect(context!.price_id).toBe(current.id);

    const past = await setModelPriceAction({
      modelId: MODEL,
      inputPerMtok: '1',
      cachedInputPerMtok: '1',
      outputPerMtok: '1',
      perImage: '0',
      perAudioSecond: '0',
      effectiveFrom: '2026-01-02T00:00:00Z',
    });
    expect(past).toMatchObject({ ok: false, error: { status: 422 } });
    const negative = await setModelPriceAction({
      modelId: MODEL,
      inputPerMtok: '-1',
      cachedInputPerMtok: '1',
      outputPerMtok: '1',
      perImage: '0',
      perAudioSecond: '0',
    });
    expect(negative).toMatchObject({ ok: false, error: { status: 422 } });
    const rows = await db()`select 1 from public.ai_model_prices where model_id = ${MODEL}`;
    expect(rows).toHaveLength(3);
  });

  it('a disabled model refuses calls until it is enabled again', async () => {
    await signInAs(admin);
    expect(await setModelActiveAction({ modelId: MODEL, active: false })).toEqual({
      ok: true,
      data: { modelId: MODEL, active: false },
    });
    expect((await complete('Off?')).status).toBe(404);
    expect(await setModelActiveAction({ modelId: MODEL, active: true })).toMatchObject({
      ok: true,
    });
    expect((await complete('On?')).status).toBe(200);
    expect(await setModelActiveAction({ modelId: 'no-such-model', active: false })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });
});

describe('flags editor', () => {
  it('a kill switch blocks calls with 403 and its reason; deleting it allows them again', async () => {
    await signInAs(admin);
    const saved = await saveFlagAction({
      scope: 'model',
      key: MODEL,
      enabled: false,
      reason: 'Paused by the on-call admin.',
    });
    expect(saved).toEqual({ ok: true, data: { scope: 'model', key: MODEL, enabled: false } });
    const blocked = await complete('Blocked?');
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({
      detail: 'Paused by the on-call admin.',
      scope: 'model',
    });
    expect(await listFeatureFlags(admin.session)).toEqual([
      expect.objectContaining({
        scope: 'model',
        key: MODEL,
        enabled: false,
        updatedBy: admin.email,
      }),
    ]);

    expect(
      await saveFlagAction({ scope: 'feature', key: 'completions', enabled: false }),
    ).toMatchObject({ ok: true });
    expect(await deleteFlagAction({ scope: 'model', key: MODEL })).toEqual({
      ok: true,
      data: { deleted: true },
    });
    expect((await complete('Feature off?')).status).toBe(403);
    expect(
      await saveFlagAction({ scope: 'feature', key: 'completions', enabled: true }),
    ).toMatchObject({ ok: true });
    expect((await complete('Allowed?')).status).toBe(200);
    expect(await deleteFlagAction({ scope: 'model', key: MODEL })).toEqual({
      ok: true,
      data: { deleted: false },
    });
    expect(
      await saveFlagAction({ scope: 'org' as 'plan', key: 'x', enabled: false }),
    ).toMatchObject({
      ok: false,
      error: { status: 422 },
    });
    // A kill switch names an existing feature, model or plan: a typo is refused, nothing saved.
    for (const [scope, key] of [
      ['model', 'gpt-4o-mimi'],
      ['feature', 'assistent'],
      ['plan', 'platinum'],
    ] as const) {
      expect(await saveFlagAction({ scope, key, enabled: false })).toMatchObject({
        ok: false,
        error: { status: 422, code: 'validation_failed' },
      });
    }
    expect(
      await db()`select 1 from public.ai_feature_flags where key in ('gpt-4o-mimi', 'assistent', 'platinum')`,
    ).toHaveLength(0);
    expect(await saveFlagAction({ scope: 'plan', key: 'starter', enabled: false })).toMatchObject({
      ok: true,
    });
    await deleteFlagAction({ scope: 'plan', key: 'starter' });
  });
});

describe('AI settings editor', () => {
  it('saves credits per USD, markup and the cache hit charge together; bad input changes nothing', async () => {
    await signInAs(admin);
    expect(
      await saveAiSettingsAction({
        creditsPerUsd: '20',
        markupBps: 20_000,
        cacheHitChargeBps: 2_500,
      }),
    ).toEqual({ ok: true, data: { saved: true } });
    expect(await getAiSettingsForAdmin(admin.session)).toMatchObject({
      creditsPerUsd: 20n,
      markupBps: 20_000,
      cacheHitChargeBps: 2_500,
    });
    const bad = await saveAiSettingsAction({
      creditsPerUsd: '30',
      markupBps: 20_000,
      cacheHitChargeBps: 20_000,
    });
    expect(bad).toMatchObject({ ok: false, error: { status: 422 } });
    expect(await getAiSettingsForAdmin(admin.session)).toMatchObject({
      creditsPerUsd: 20n,
      cacheHitChargeBps: 2_500,
    });
  });
});

describe('platform admins only', () => {
  it('every editor action is 403 for a signed-in non-admin and 401 without a session', async () => {
    const before = await db()`
      select (select count(*) from public.ai_model_prices) as prices,
             (select count(*) from public.ai_feature_flags) as flags,
             (select row_to_json(s)::text from public.ai_settings s) as settings,
             (select bool_and(is_active) from public.ai_models) as active`;
    const attempts = () => [
      setModelPriceAction({
        modelId: MODEL,
        inputPerMtok: '1',
        cachedInputPerMtok: '1',
        outputPerMtok: '1',
        perImage: '0',
        perAudioSecond: '0',
      }),
      setModelActiveAction({ modelId: MODEL, active: false }),
      saveFlagAction({ scope: 'model', key: MODEL, enabled: false }),
      deleteFlagAction({ scope: 'feature', key: 'completions' }),
      saveAiSettingsAction({ creditsPerUsd: '1', markupBps: 10_000, cacheHitChargeBps: 0 }),
    ];
    await signInAs(plain);
    for (const result of await Promise.all(attempts())) {
      expect(result).toMatchObject({ ok: false, error: { status: 403 } });
    }
    cookieJar = [];
    for (const result of await Promise.all(attempts())) {
      expect(result).toMatchObject({ ok: false, error: { status: 401 } });
    }
    const after = await db()`
      select (select count(*) from public.ai_model_prices) as prices,
             (select count(*) from public.ai_feature_flags) as flags,
             (select row_to_json(s)::text from public.ai_settings s) as settings,
             (select bool_and(is_active) from public.ai_models) as active`;
    expect(after).toEqual(before);
    expect(await outcome(() => listFeatureFlags(plain.session))).toBe('not_found');
    expect(await outcome(() => listModelCatalog(plain.session))).toBe('not_found');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { POST as completions } from '../../app/api/ai/completions/route';
import { GET as models } from '../../app/api/ai/models/route';
import { deleteProviderKey, saveProviderKey } from '../../lib/gateway';
import {
  endExperiment,
  listExperiments,
  setOrgModels,
  setPlanModels,
  startExperiment,
} from '../../lib/flags';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { serveMockOpenAI } from '../helpers/gateway';
import { CREDIT, available, grant, walletOf } from '../helpers/ledger';

/**
 * Routing as the caller is charged and allowed: the model list per wallet (what the pickers
 * show), `auto` ranking a model on the caller's own provider key (BYOK) at no credits, and an
 * experiment that stops tagging usage once an arm is promoted or it is stopped.
 */

const mock = serveMockOpenAI();
const OWN_KEY = 'sk-own-openai-4321';

let admin: TestUser, owner: TestUser, member: TestUser, outsider: TestUser;
let org: { id: string };

// Prices in micro-USD per 1M tokens. The openai models are dearer than the local ones of the same
// quality, so only an own key (no credits) makes auto choose them.
const TEST_MODELS = [
  { id: 'q-cheap', provider: 'local', quality: 1, input: 100_000n, output: 400_000n },
  { id: 'q-mid', provider: 'local', quality: 2, input: 300_000n, output: 1_200_000n },
  { id: 'q-top', provider: 'local', quality: 3, input: 1_000_000n, output: 4_000_000n },
  { id: 'o-mid', provider: 'openai', quality: 2, input: 600_000n, output: 2_400_000n },
  { id: 'o-mid-dear', provider: 'openai', quality: 2, input: 900_000n, output: 3_600_000n },
  { id: 'o-top', provider: 'openai', quality: 3, input: 2_000_000n, output: 8_000_000n },
];
const ALL = TEST_MODELS.map((m) => m.id).sort();

interface Completion {
  model: string;
  callId: string;
  status: string;
  creditsUsed: string;
  modelChoice: {
    reason: string;
    detail: string;
    ownKey?: boolean;
    experimentId?: string;
    arm?: string;
  };
}

async function complete(user: TestUser, body: Record<string, unknown>): Promise<Completion> {
  const response = await completions(
    await request('/api/ai/completions', {
      user,
      body: { prompt: 'Plan the week mode=ok chunks=3', maxOutputTokens: 20, ...body },
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Completion;
}

async function modelIds(user: TestUser, orgId?: string) {
  const response = await models(
    await request(`/api/ai/models${orgId ? `?orgId=${orgId}` : ''}`, { user }),
  );
  return {
    status: response.status,
    ids: response.ok
      ? ((await response.json()) as { models: { id: string }[] }).models.map((m) => m.id).sort()
      : [],
  };
}

async function usageOf(callId: string) {
  const [row] = await db()<
    { model: string; source: string; credits_charged: bigint; metadata: Record<string, string> }[]
  >`select model, source, credits_charged, metadata from public.usage_events
    where request_id = ${`ai:${callId}`}`;
  return row!;
}

beforeAll(async () => {
  process.env.ENCRYPTION_KEY = 'cd'.repeat(32);
  for (const m of TEST_MODELS) {
    await db()`
      insert into public.ai_models (id, provider, provider_model_id, display_name, capabilities,
                                    context_window, max_output_tokens, quality)
      values (${m.id}, ${m.provider}, ${m.id}, ${m.id}, '{chat,completion}', 8192, 1024, ${m.quality})`;
    await db()`
      insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok,
                                          output_per_mtok, effective_from)
      values (${m.id}, ${m.input.toString()}, ${m.input.toString()}, ${m.output.toString()},
              '2026-01-01T00:00:00Z')`;
  }
  admin = await createUser('Routing Admin');
  owner = await createUser('Routing Owner');
  member = await createUser('Routing Member');
  outsider = await createUser('Routing Outsider');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  org = await createOrg(owner, [{ user: member, role: 'member' }]);
  for (const user of [owner, member, outsider]) {
    await grant(await walletOf({ userId: user.id }), 50n * CREDIT);
  }
  await grant(await walletOf({ orgId: org.id }), 50n * CREDIT);
  for (const planId of ['free', 'starter', 'pro', 'enterprise']) {
    await setPlanModels(admin.session, { planId, models: ALL });
  }
});

describe('the model list follows the wallet in use', () => {
  it('a restricted member sees the subset on the org wallet and the plan on their own', async () => {
    await setOrgModels(owner.session, { orgId: org.id, models: ['q-cheap', 'o-mid'] });
    expect(await modelIds(member, org.id)).toEqual({ status: 200, ids: ['o-mid', 'q-cheap'] });
    expect(await modelIds(member)).toEqual({ status: 200, ids: ALL });
    // The owner is not bound by the subset; a stranger to the org gets no list of it.
    expect((await modelIds(owner, org.id)).ids).toEqual(ALL);
    expect((await modelIds(outsider, org.id)).status).toBe(404);
    await setOrgModels(owner.session, { orgId: org.id, models: [] });
    expect((await modelIds(member, org.id)).ids).toEqual(ALL);
  });

  it('a change written elsewhere reaches this instance’s access cache by NOTIFY', async () => {
    let heard = 0;
    const listener = await db().listen('tollgate_access', () => (heard += 1));
    try {
      // The member's profile is cached now (kept a second when nothing is heard), once the
      // cache's own LISTEN is up (it drops everything when it starts listening)…
      await modelIds(member, org.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await modelIds(member, org.id)).ids).toEqual(ALL);
      const cachedAt = Date.now();
      // …and another instance (here: plain SQL) restricts the org.
      await db()`insert into public.org_model_restrictions (org_id, model_id) values (${org.id}, 'q-cheap')`;
      while (heard === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      let ids: string[] = [];
      while (Date.now() - cachedAt < 600) {
        ids = (await modelIds(member, org.id)).ids;
        if (ids.length === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Well within the second the entry would otherwise have been kept.
      expect(ids).toEqual(['q-cheap']);
    } finally {
      await listener.unlisten();
      await db()`delete from public.org_model_restrictions where org_id = ${org.id}`;
    }
  });
});

describe('auto with the caller’s own provider keys', () => {
  it('without an own key, auto ranks by the credits each model charges', async () => {
    const standard = await complete(owner, { model: 'auto' });
    expect(standard).toMatchObject({ model: 'q-mid', status: 'charged' });
    expect(standard.modelChoice.ownKey).toBeUndefined();
    expect(standard.modelChoice.detail).toBe(
      'The cheapest model you may use that is fit for standard tasks.',
    );
    expect((await complete(owner, { model: 'auto:complex' })).model).toBe('q-top');
  });

  it('with an own key, that provider’s models charge nothing and win, and the answer says why', async () => {
    await saveProviderKey(owner.session, { provider: 'openai', apiKey: OWN_KEY });
    const wallet = await walletOf({ userId: owner.id });
    const before = await available(wallet);

    // Standard: o-mid costs no credits on the own key; the dearer o-mid-dear is also free, so the
    // lower list price breaks the tie.
    const standard = await complete(owner, { model: 'auto' });
    expect(standard).toMatchObject({
      model: 'o-mid',
      status: 'byok',
      creditsUsed: '0',
      modelChoice: { reason: 'auto', ownKey: true },
    });
    expect(standard.modelChoice.detail).toContain('your own openai key, so it costs no credits');
    expect(mock.lastAuthorization()).toBe(`Bearer ${OWN_KEY}`);
    expect(await usageOf(standard.callId)).toMatchObject({
      model: 'o-mid',
      source: 'byok',
      credits_charged: 0n,
    });

    // Simple: a free standard model beats the cheapest simple one that charges credits.
    expect((await complete(owner, { model: 'auto', complexity: 'simple' })).model).toBe('o-mid');
    // Complex: only quality-3 models; the own-key one is free.
    expect((await complete(owner, { model: 'auto:complex' })).model).toBe('o-top');
    expect(await available(wallet)).toBe(before);
  });

  it('an own key counts only where it belongs: the org wallet has none of the owner’s', async () => {
    const orgCall = await complete(owner, { model: 'auto', orgId: org.id });
    expect(orgCall).toMatchObject({ model: 'q-mid', status: 'charged' });
    expect(orgCall.modelChoice.ownKey).toBeUndefined();
    expect((await complete(member, { model: 'auto' })).model).toBe('q-mid');
  });

  it('a model the caller may not use stays out, own key or not', async () => {
    await setPlanModels(admin.session, {
      planId: 'free',
      models: ALL.filter((id) => id !== 'o-mid'),
    });
    expect((await complete(owner, { model: 'auto' })).model).toBe('o-mid-dear');
    await setPlanModels(admin.session, { planId: 'free', models: ALL });
  });

  it('without the key again, auto goes back to the cheapest in credits', async () => {
    await deleteProviderKey(owner.session, 'openai');
    const standard = await complete(owner, { model: 'auto' });
    expect(standard).toMatchObject({ model: 'q-mid', status: 'charged' });
    expect(standard.modelChoice.ownKey).toBeUndefined();
  });
});

describe('a finished experiment stops tagging usage', () => {
  async function armsOf(id: string) {
    const [view] = (await listExperiments(admin.session)).filter((e) => e.id === id);
    return view!;
  }

  async function tagged(id: string) {
    const [row] = await db()<{ count: bigint }[]>`
      select count(*) from public.usage_events where metadata ->> 'experimentId' = ${id}`;
    return Number(row!.count);
  }

  it('after a promotion calls run on the promoted model, untagged; the arms keep their numbers', async () => {
    const { id } = await startExperiment(admin.session, {
      name: 'cheap vs top',
      feature: 'completions',
      arms: [
        { arm: 'cheap', model: 'q-cheap', weight: 1 },
        { arm: 'top', model: 'q-top', weight: 1 },
      ],
    });
    const callers = await Promise.all(Array.from({ length: 6 }, (_, i) => createUser(`Arm ${i}`)));
    for (const caller of callers) {
      await grant(await walletOf({ userId: caller.id }), 5n * CREDIT);
      const call = await complete(caller, { model: 'q-mid' });
      expect(call.modelChoice).toMatchObject({ reason: 'experiment', experimentId: id });
      expect((await usageOf(call.callId)).metadata).toMatchObject({ experimentId: id });
    }
    expect(await tagged(id)).toBe(6);
    const running = await armsOf(id);

    await endExperiment(admin.session, { id, promoteArm: 'top' });
    const promotedCalls = [];
    for (const caller of [...callers, outsider]) {
      const call = await complete(caller, { model: 'q-cheap' });
      expect(call).toMatchObject({ model: 'q-top', modelChoice: { reason: 'promoted' } });
      expect(call.modelChoice.detail).toContain('promoted by the experiment “cheap vs top”');
      expect(call.modelChoice.experimentId).toBeUndefined();
      expect(call.modelChoice.arm).toBeUndefined();
      promotedCalls.push(call.callId);
    }
    for (const callId of promotedCalls) {
      const row = await usageOf(callId);
      expect(row.model).toBe('q-top');
      expect(row.metadata.modelChoice).toBe('promoted');
      expect(row.metadata).not.toHaveProperty('experimentId');
      expect(row.metadata).not.toHaveProperty('arm');
    }
    const promoted = await armsOf(id);
    expect(promoted).toMatchObject({ status: 'promoted', promotedArm: 'top' });
    expect(promoted.arms).toEqual(running.arms);
    expect(await tagged(id)).toBe(6);

    // Stopped after the promotion: calls run as asked, and still nothing is added to the arms.
    await endExperiment(admin.session, { id });
    const asked = await complete(outsider, { model: 'q-cheap' });
    expect(asked).toMatchObject({ model: 'q-cheap', modelChoice: { reason: 'requested' } });
    expect((await usageOf(asked.callId)).metadata).not.toHaveProperty('experimentId');
    expect((await armsOf(id)).arms).toEqual(running.arms);
  });

  it('a stopped experiment routes nothing and its arms keep their numbers', async () => {
    const { id } = await startExperiment(admin.session, {
      name: 'mid vs top',
      feature: 'completions',
      arms: [
        { arm: 'mid', model: 'q-mid', weight: 1 },
        { arm: 'top', model: 'q-top', weight: 1 },
      ],
    });
    const first = await complete(outsider, { model: 'q-cheap' });
    expect(first.modelChoice).toMatchObject({ reason: 'experiment', experimentId: id });
    const before = await armsOf(id);
    expect(before.arms.reduce((sum, arm) => sum + arm.calls, 0)).toBe(1);

    await endExperiment(admin.session, { id });
    const after = await complete(outsider, { model: 'q-cheap' });
    expect(after).toMatchObject({ model: 'q-cheap', modelChoice: { reason: 'requested' } });
    expect((await usageOf(after.callId)).metadata).not.toHaveProperty('arm');
    const auto = await complete(outsider, { model: 'auto' });
    expect(auto).toMatchObject({ model: 'q-mid', modelChoice: { reason: 'auto' } });
    expect((await usageOf(auto.callId)).metadata).not.toHaveProperty('experimentId');
    const stopped = await armsOf(id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.arms).toEqual(before.arms);
    expect(await tagged(id)).toBe(1);
  });
});

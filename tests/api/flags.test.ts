import { beforeAll, describe, expect, it } from 'vitest';
import { POST as completions } from '../../app/api/ai/completions/route';
import { POST as feedback } from '../../app/api/ai/feedback/route';
import { GET as models } from '../../app/api/ai/models/route';
import { createPool } from '../../lib/db/pool';
import { hotConfig } from '../../lib/db/hot-config';
import {
  endExperiment,
  listConfigAudit,
  listExperiments,
  loadFlagConfig,
  saveFlag,
  setOrgModels,
  setPlanModels,
  startExperiment,
  CONFIG_CHANNEL,
} from '../../lib/flags';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';

/**
 * Graduated access end to end against the real database and route handlers: model lists by plan
 * and org role, the 403 codes that name the reason, flags on features, targets checked to exist,
 * the audit, `auto` by complexity, experiments (arm metrics equal the usage rows, feedback), and
 * a change reaching a second listener through NOTIFY.
 */

let admin: TestUser, owner: TestUser, member: TestUser, loner: TestUser;
let org: { id: string };

// Local (keyless) models for routing: prices in micro-USD per 1M tokens, quality 1..3.
const TEST_MODELS = [
  { id: 'q-cheap', quality: 1, input: 100_000n, output: 400_000n },
  { id: 'q-mid', quality: 2, input: 300_000n, output: 1_200_000n },
  { id: 'q-mid-dear', quality: 2, input: 600_000n, output: 2_400_000n },
  { id: 'q-top', quality: 3, input: 1_000_000n, output: 4_000_000n },
];
const ALL = ['local-demo', ...TEST_MODELS.map((m) => m.id)];

async function complete(user: TestUser, body: Record<string, unknown>) {
  return completions(
    await request('/api/ai/completions', {
      user,
      body: { prompt: 'Plan the week', maxOutputTokens: 20, ...body },
    }),
  );
}

async function modelIds(user: TestUser, orgId?: string): Promise<string[]> {
  const response = await models(
    await request(`/api/ai/models${orgId ? `?orgId=${orgId}` : ''}`, { user }),
  );
  expect(response.status).toBe(200);
  const json = (await response.json()) as { models: { id: string }[] };
  return json.models.map((model) => model.id).sort();
}

beforeAll(async () => {
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  for (const m of TEST_MODELS) {
    await db()`
      insert into public.ai_models (id, provider, provider_model_id, display_name, capabilities,
                                    context_window, max_output_tokens, quality)
      values (${m.id}, 'local', ${m.id}, ${m.id}, '{chat,completion}', 8192, 1024, ${m.quality})`;
    await db()`
      insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok,
                                          output_per_mtok, effective_from)
      values (${m.id}, ${m.input.toString()}, ${m.input.toString()}, ${m.output.toString()},
              '2026-01-01T00:00:00Z')`;
  }
  admin = await createUser('Flag Admin');
  owner = await createUser('Org Owner');
  member = await createUser('Org Member');
  loner = await createUser('Loner');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  org = await createOrg(owner, [{ user: member, role: 'member' }]);
  for (const user of [owner, member, loner]) {
    await grant(await walletOf({ userId: user.id }), 50n * CREDIT);
  }
  await grant(await walletOf({ orgId: org.id }), 50n * CREDIT);
  // Every plan lists only the local models, so nothing depends on provider keys.
  for (const planId of ['free', 'starter', 'pro', 'enterprise']) {
    await setPlanModels(admin.session, { planId, models: ALL });
  }
});

describe('model access by plan and org role', () => {
  it('lists what the plan includes, and refuses other models with model_not_in_plan', async () => {
    await setPlanModels(admin.session, { planId: 'free', models: ['local-demo', 'q-cheap'] });
    expect(await modelIds(loner)).toEqual(['local-demo', 'q-cheap']);
    const refused = await complete(loner, { model: 'q-top' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'model_not_in_plan', model: 'q-top' });
    expect((await complete(loner, { model: 'q-cheap' })).status).toBe(200);
    await setPlanModels(admin.session, { planId: 'free', models: ALL });
    expect(await modelIds(loner)).toEqual([...ALL].sort());
  });

  it('an org subset binds members, not owners; others get model_restricted_by_org', async () => {
    await setOrgModels(owner.session, { orgId: org.id, models: ['q-cheap', 'q-mid'] });
    expect(await modelIds(member, org.id)).toEqual(['q-cheap', 'q-mid']);
    expect(await modelIds(owner, org.id)).toEqual([...ALL].sort());
    // Personal calls of the same member are not bound by the org.
    expect(await modelIds(member)).toEqual([...ALL].sort());
    const refused = await complete(member, { model: 'q-top', orgId: org.id });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'model_restricted_by_org' });
    expect((await complete(member, { model: 'q-mid', orgId: org.id })).status).toBe(200);
    expect((await complete(owner, { model: 'q-top', orgId: org.id })).status).toBe(200);
  });

  it('only owners and admins restrict, and only to models of the plan', async () => {
    await expect(setOrgModels(member.session, { orgId: org.id, models: [] })).rejects.toMatchObject(
      { code: 'TG403' },
    );
    await setPlanModels(admin.session, { planId: 'free', models: ['q-cheap', 'q-mid'] });
    await expect(
      setOrgModels(owner.session, { orgId: org.id, models: ['q-top'] }),
    ).rejects.toMatchObject({ code: 'TG422' });
    await setPlanModels(admin.session, { planId: 'free', models: ALL });
    await setOrgModels(owner.session, { orgId: org.id, models: [] });
    expect(await modelIds(member, org.id)).toEqual([...ALL].sort());
  });
});

describe('flags', () => {
  it('a feature rolled out to one org: its members may call it, others get flag_off', async () => {
    await saveFlag(admin.session, {
      kind: 'feature',
      target: 'completions',
      defaultEnabled: false,
      rules: [{ rule: 'org', value: org.id, enabled: true }],
    });
    expect((await complete(member, { model: 'q-cheap', orgId: org.id })).status).toBe(200);
    const refused = await complete(loner, { model: 'q-cheap' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'flag_off', feature: 'completions' });
    await saveFlag(admin.session, { kind: 'feature', target: 'completions', defaultEnabled: true });
    expect((await complete(loner, { model: 'q-cheap' })).status).toBe(200);
  });

  it('a model flag off for a user hides the model and refuses it', async () => {
    await saveFlag(admin.session, {
      kind: 'model',
      target: 'q-mid',
      defaultEnabled: true,
      rules: [{ rule: 'user', value: loner.id, enabled: false }],
    });
    expect(await modelIds(loner)).not.toContain('q-mid');
    expect(await modelIds(owner)).toContain('q-mid');
    const refused = await complete(loner, { model: 'q-mid' });
    expect(await refused.json()).toMatchObject({ code: 'flag_off', model: 'q-mid' });
    await saveFlag(admin.session, { kind: 'model', target: 'q-mid', defaultEnabled: true });
  });

  it('unknown targets are refused with 422 and nothing is saved', async () => {
    const before = (await loadFlagConfig()).flags.size;
    for (const input of [
      { kind: 'model' as const, target: 'no-such-model' },
      { kind: 'feature' as const, target: 'teleport' },
      {
        kind: 'feature' as const,
        target: 'forecast',
        rules: [
          { rule: 'org' as const, value: '00000000-0000-4000-8000-000000000000', enabled: true },
        ],
      },
      {
        kind: 'feature' as const,
        target: 'forecast',
        rules: [{ rule: 'role' as const, value: 'boss', enabled: true }],
      },
    ]) {
      await expect(saveFlag(admin.session, input)).rejects.toMatchObject({ code: 'TG422' });
    }
    expect((await loadFlagConfig()).flags.size).toBe(before);
    await expect(
      saveFlag(owner.session, { kind: 'feature', target: 'forecast' }),
    ).rejects.toMatchObject({ code: 'TG403' });
  });

  it('every change is audited with who, before and after', async () => {
    const audit = await listConfigAudit(admin.session, 50);
    const flagSaves = audit.filter((entry) => entry.entityKey === 'model:q-mid');
    expect(flagSaves.length).toBe(2);
    expect(flagSaves[0]).toMatchObject({ actor: admin.email, entity: 'flag', action: 'save' });
    expect(flagSaves[1]!.after).toMatchObject({
      rules: [{ rule: 'user', value: loner.id, enabled: false }],
    });
    expect(
      audit.some((entry) => entry.entity === 'org_models' && entry.actor === owner.email),
    ).toBe(true);
  });

  it('a change reaches a second listener through NOTIFY within a second', async () => {
    const second = createPool(process.env.DATABASE_URL!, 2);
    try {
      const cache = hotConfig({
        channel: CONFIG_CHANNEL,
        load: loadFlagConfig,
        maxStaleMs: 600_000,
        listen: (channel, onNotify, onListen) => second.listen(channel, onNotify, onListen),
      });
      await cache.ready();
      expect((await cache.get()).flags.has('capability:completion')).toBe(false);
      const changedAt = Date.now();
      await saveFlag(admin.session, {
        kind: 'capability',
        target: 'completion',
        defaultEnabled: true,
      });
      while (!(await cache.get()).flags.has('capability:completion')) {
        expect(Date.now() - changedAt).toBeLessThan(1_000);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(Date.now() - changedAt).toBeLessThan(1_000);
    } finally {
      await second.end({ timeout: 1 });
    }
  });
});

describe('model auto', () => {
  async function autoPick(user: TestUser, body: Record<string, unknown>) {
    const response = await complete(user, body);
    expect(response.status).toBe(200);
    return (await response.json()) as {
      model: string;
      modelChoice: { reason: string; complexity: string; requested: string };
    };
  }

  it('picks the cheapest allowed model fit for each complexity, and says why', async () => {
    expect((await autoPick(owner, { model: 'auto', complexity: 'simple' })).model).toBe('q-cheap');
    const standard = await autoPick(owner, { model: 'auto' });
    expect(standard.model).toBe('q-mid');
    expect(standard.modelChoice).toMatchObject({ reason: 'auto', complexity: 'standard' });
    expect((await autoPick(owner, { model: 'auto:complex' })).model).toBe('q-top');
    // Without q-mid in the plan, standard takes the next cheapest fit (not the cheaper q-cheap).
    await setPlanModels(admin.session, {
      planId: 'free',
      models: ALL.filter((id) => id !== 'q-mid'),
    });
    expect((await autoPick(owner, { model: 'auto', complexity: 'standard' })).model).toBe(
      'q-mid-dear',
    );
    // An org's subset for members narrows it further.
    await setOrgModels(owner.session, { orgId: org.id, models: ['q-cheap', 'q-top'] });
    expect(
      (await autoPick(member, { model: 'auto', complexity: 'standard', orgId: org.id })).model,
    ).toBe('q-top');
    await setOrgModels(owner.session, { orgId: org.id, models: [] });
    await setPlanModels(admin.session, { planId: 'free', models: ALL });
    const usage = await db()<{ model: string; metadata: Record<string, string> }[]>`
      select model, metadata from public.usage_events
      where actor_id = ${owner.id} and metadata ->> 'modelChoice' = 'auto' order by id`;
    expect(usage.map((row) => row.model)).toEqual(['q-cheap', 'q-mid', 'q-top', 'q-mid-dear']);
  });
});

describe('experiments', () => {
  it('splits a feature by weight, records the arm on usage rows, metrics equal the rows', async () => {
    const { id } = await startExperiment(admin.session, {
      name: 'cheap vs top',
      feature: 'completions',
      arms: [
        { arm: 'cheap', model: 'q-cheap', weight: 1 },
        { arm: 'top', model: 'q-top', weight: 1 },
      ],
    });
    const callers = await Promise.all(Array.from({ length: 12 }, (_, i) => createUser(`Exp ${i}`)));
    const callIds: string[] = [];
    for (const caller of callers) {
      await grant(await walletOf({ userId: caller.id }), 5n * CREDIT);
      // Even asking for a model, the experiment's arm wins (sticky: the same arm twice).
      const first = (await (await complete(caller, { model: 'local-demo' })).json()) as {
        model: string;
        callId: string;
        modelChoice: { reason: string; arm: string };
      };
      const again = (await (await complete(caller, { model: 'auto' })).json()) as {
        model: string;
      };
      expect(first.modelChoice.reason).toBe('experiment');
      expect(again.model).toBe(first.model);
      callIds.push(first.callId);
    }
    for (const [index, callId] of callIds.slice(0, 3).entries()) {
      const response = await feedback(
        await request('/api/ai/feedback', {
          user: callers[index]!,
          body: { callId, rating: index === 0 ? 'down' : 'up' },
        }),
      );
      expect(response.status).toBe(200);
    }
    // Nobody rates somebody else's call.
    const stranger = await feedback(
      await request('/api/ai/feedback', {
        user: loner,
        body: { callId: callIds[5], rating: 'up' },
      }),
    );
    expect(stranger.status).toBe(404);

    const [view] = (await listExperiments(admin.session)).filter((e) => e.id === id);
    const rows = await db()<
      { arm: string; calls: bigint; cost: bigint; credits: bigint; errors: bigint }[]
    >`
      select metadata ->> 'arm' as arm, count(*) as calls, sum(provider_cost_micro_usd)::bigint as cost,
             sum(credits_charged)::bigint as credits, count(*) filter (where not success) as errors
      from public.usage_events where metadata ->> 'experimentId' = ${id}
      group by 1 order by 1`;
    expect(rows.reduce((sum, row) => sum + Number(row.calls), 0)).toBe(24);
    for (const row of rows) {
      const arm = view!.arms.find((a) => a.arm === row.arm)!;
      expect(arm.calls).toBe(Number(row.calls));
      expect(arm.providerCostMicroUsd).toBe(row.cost);
      expect(arm.creditsCharged).toBe(row.credits);
      expect(arm.errors).toBe(Number(row.errors));
      expect(arm.latencyP50Ms).not.toBeNull();
      expect(arm.modelId).toBe(row.arm === 'cheap' ? 'q-cheap' : 'q-top');
    }
    const votes = view!.arms.reduce((sum, arm) => sum + arm.thumbsUp + arm.thumbsDown, 0);
    expect(votes).toBe(3);
    expect(view!.arms.reduce((sum, arm) => sum + arm.thumbsDown, 0)).toBe(1);

    // Promote an arm: every call of the feature goes to its model.
    await endExperiment(admin.session, { id, promoteArm: 'top' });
    const promoted = (await (await complete(loner, { model: 'q-cheap' })).json()) as {
      model: string;
      modelChoice: { reason: string };
    };
    expect(promoted).toMatchObject({ model: 'q-top', modelChoice: { reason: 'promoted' } });
    await endExperiment(admin.session, { id });
    expect(
      ((await (await complete(loner, { model: 'q-cheap' })).json()) as { model: string }).model,
    ).toBe('q-cheap');
  });
});

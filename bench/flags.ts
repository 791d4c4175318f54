import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { benchDatabase, fmt } from './harness';

/**
 * npm run bench:flags — what access checks cost a metered call: from the in-process cache
 * (lib/flags: the feature's and capability's flags, the plan's models, the model's and provider's
 * flags, with a kill switch set) against the same decision read from Postgres for every call (the
 * flag rows and the matching rules of one target, one query per check), measured in the same run
 * on the same data: 200 flags with 20 targeting rules each, 4 plans listing their models.
 * Budget: 0.1 ms per call's evaluation from the cache.
 */

const CACHED_CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const SQL_CALLS = Number(process.env.BENCH_SQL_CALLS ?? 2_000);
const BUDGET_MS = 0.1;

async function main(): Promise<void> {
  const database = await benchDatabase();
  process.env.DATABASE_URL = database.url;
  const { sql } = database;
  const flags = await import('../lib/flags');
  const { closePool } = await import('../lib/db/pool');
  try {
    const users = Array.from({ length: 1_000 }, () => randomUUID());
    const orgs = Array.from({ length: 50 }, () => randomUUID());
    // 200 flags over features, models, providers and capabilities, 20 rules each.
    const models = await sql<{ id: string; provider: string; capabilities: string[] }[]>`
      select id, provider, capabilities from public.ai_models`;
    const targets: [string, string][] = [
      ['feature', 'assistant'],
      ['feature', 'completions'],
      ['capability', 'chat'],
      ...models.map((m): [string, string] => ['model', m.id]),
      ['provider', 'openai'],
    ];
    for (let i = targets.length; i < 200; i += 1) targets.push(['feature', `bench_${i}`]);
    for (const [kind, target] of targets) {
      await sql`
        insert into public.flags (kind, target, default_enabled, rollout_percent)
        values (${kind}, ${target}, true, 50)`;
      for (let r = 0; r < 20; r += 1) {
        const [rule, value] =
          r % 4 === 0
            ? ['user', users[(r * 37) % users.length]!]
            : r % 4 === 1
              ? ['org', orgs[r % orgs.length]!]
              : r % 4 === 2
                ? ['plan', ['free', 'starter', 'pro', 'enterprise'][r % 4]!]
                : ['role', ['owner', 'admin', 'member'][r % 3]!];
        await sql`
          insert into public.flag_rules (kind, target, rule, value, enabled)
          values (${kind}, ${target}, ${rule}, ${value}, ${kind === 'model' || kind === 'provider' ? r % 2 === 0 : true})
          on conflict do nothing`;
      }
    }
    await sql`insert into public.plan_models select p.id, m.id from public.plans p cross join public.ai_models m`;
    await sql`insert into public.ai_feature_flags (scope, key, enabled) values ('feature', 'bench_199', false)`;

    await flags.getFlagConfig();
    const profileOf = (i: number): import('../lib/flags').AccessProfile => ({
      flagSubject: {
        userId: users[i % users.length]!,
        orgId: i % 3 === 0 ? orgs[i % orgs.length]! : null,
        role: i % 3 === 0 ? 'member' : null,
        planId: 'pro',
      },
      orgModels: null,
    });
    const model = models.find((m) => m.id === 'gpt-4o-mini')!;

    // Cached: exactly what the metered call runs for each call.
    let allowed = 0;
    const cachedStart = performance.now();
    for (let i = 0; i < CACHED_CALLS; i += 1) {
      const current = await flags.getFlagConfig();
      const profile = profileOf(i);
      flags.assertCallAllowed(current, profile, { feature: 'completions', capability: 'chat' });
      if (flags.modelDenial(current, profile, model) === null) allowed += 1;
    }
    const cachedMs = (performance.now() - cachedStart) / CACHED_CALLS;

    // Uncached: the same four flag decisions and the plan's model list, read per call.
    const sqlStart = performance.now();
    for (let i = 0; i < SQL_CALLS; i += 1) {
      const { flagSubject } = profileOf(i);
      await sql`
        with wanted(kind, target) as (values ('feature', 'completions'), ('capability', 'chat'),
                                             ('model', ${model.id}), ('provider', ${model.provider}))
        select w.kind, w.target, f.default_enabled, f.rollout_percent,
               (select r.enabled from public.flag_rules r
                where r.kind = w.kind and r.target = w.target
                  and ((r.rule = 'user' and r.value = ${flagSubject.userId})
                    or (r.rule = 'org' and r.value = ${flagSubject.orgId ?? ''})
                    or (r.rule = 'plan' and r.value = ${flagSubject.planId})
                    or (r.rule = 'role' and r.value = ${flagSubject.role ?? ''}))
                order by array_position(array['user', 'org', 'plan', 'role'], r.rule) limit 1) as ruled,
               exists (select 1 from public.plan_models pm where pm.plan_id = ${flagSubject.planId}
                       and pm.model_id = ${model.id}) as in_plan
        from wanted w left join public.flags f on f.kind = w.kind and f.target = w.target`;
    }
    const sqlMs = (performance.now() - sqlStart) / SQL_CALLS;

    console.log(`flags: 200 flags × 20 rules; ${allowed}/${CACHED_CALLS} calls allowed the model`);
    console.log(`                       per call (ms)`);
    console.log(`cached (in-process)  ${fmt(cachedMs, 5)}   ${CACHED_CALLS} calls`);
    console.log(`uncached (SQL)       ${fmt(sqlMs, 5)}   ${SQL_CALLS} calls`);
    console.log(`ratio                ${fmt(sqlMs / cachedMs, 0)}x faster from the cache`);
    console.log(
      `budget ${BUDGET_MS} ms per call: ${cachedMs < BUDGET_MS ? 'met' : 'MISSED'} (${fmt(cachedMs * 1000, 2).trim()} µs)`,
    );
    if (cachedMs >= BUDGET_MS) process.exitCode = 1;
  } finally {
    await closePool();
    await database.close();
  }
}

void main();

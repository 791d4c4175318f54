import type postgres from 'postgres';
import type { JwtClaims } from '../lib/db';
import { benchDatabase, closedLoop, fmt, percentile, type LoadResult } from './harness';

/**
 * npm run bench:usage — on its own embedded PostgreSQL:
 *
 * 1. 1,000,000 usage events for one org over 90 days (bulk-loaded, with the rollups that
 *    usage_record keeps, checked equal to the raw events). getUsageStats for 30 days (the
 *    rollup read, as a signed-in member) against the same answer computed from the raw events,
 *    both timed in this run: p50 / p95 and the ratio. Target: p95 < 30 ms and >= 20x faster.
 * 2. An allowance check and a deduction (token_consume) at 1 and 32 clients as a signed-in
 *    user: the check through lib/aiTokens' checkTokens, the code path the app uses (token_check
 *    in one round trip: BEGIN, claims, the call and COMMIT sent together), the deduction in a
 *    transaction as lib/db's withUser runs it; on one org allowance all clients share (the worst
 *    case) and on 32 personal allowances. p50 / p99. Targets: check p99 < 2 ms with one client,
 *    deduction < 50 ms. An empty transaction (awaiting each step, as before) and the check as a
 *    single statement are timed too, to show how much of the check's time is the transaction's.
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RUNS = { rollup: 300, raw: 15 };
const MEMBERS = 10;

const RAW_STATS = `
  select case when grouping(e.day) = 0 then 'day' when grouping(e.model) = 0 then 'model'
              when grouping(e.feature) = 0 then 'feature' when grouping(e.operation) = 0 then 'category'
              when grouping(e.source) = 0 then 'source' else 'total' end as dimension,
         coalesce(to_char(e.day, 'YYYY-MM-DD'), e.model, e.feature, e.operation, e.source, 'total') as key,
         e.provider, count(*)::bigint as events, count(*) filter (where not e.success)::bigint as errors,
         count(*) filter (where e.cached)::bigint as cached_events, sum(e.input_tokens)::bigint as input_tokens,
         sum(e.output_tokens)::bigint as output_tokens, sum(e.cached_tokens)::bigint as cached_tokens,
         sum(e.characters)::bigint as characters, sum(e.images)::bigint as images,
         sum(e.audio_seconds) as audio_seconds, sum(e.video_seconds) as video_seconds,
         round(avg(e.latency_ms))::bigint as avg_latency_ms,
         sum(e.provider_cost_micro_usd)::bigint as provider_cost_micro_usd, sum(e.credits_charged)::bigint as credits_charged
  from (select (u.occurred_at at time zone 'UTC')::date as day, u.* from public.usage_events u
        where u.subject_kind = 'org' and u.subject_id = $1
          and u.occurred_at >= $2::date::timestamptz and u.occurred_at < ($3::date + 1)::timestamptz) e
  group by grouping sets ((e.day), (e.provider, e.model), (e.feature), (e.operation), (e.source), ())`;

async function load(sql: postgres.Sql, orgId: string, memberIds: string[]) {
  // Eight models (each with its operation), five features, 15% BYOK, ten members, 90 days.
  await sql`
    insert into public.usage_events (occurred_at, subject_kind, subject_id, actor_id, source, provider, model, operation,
      feature, input_tokens, output_tokens, cached_tokens, characters, images, audio_seconds, latency_ms,
      provider_cost_micro_usd, credits_charged, cached, success)
    select now() - random() * interval '90 days', 'org', ${orgId}, (${memberIds}::uuid[])[1 + (i % ${MEMBERS})],
           case when random() < 0.15 then 'byok' else 'platform' end, m.provider, m.model, m.operation,
           (array['assistant', 'lead_generation', 'forecast', 'summaries', 'strategy'])[1 + floor(random() * 5)::int],
           floor(random() * 4000), floor(random() * 1500), floor(random() * 400),
           case when m.operation = 'speech' then floor(random() * 3000) else 0 end,
           case when m.operation = 'image' then 1 else 0 end,
           case when m.operation = 'transcription' then round((random() * 300)::numeric, 3) else 0 end,
           case when random() < 0.9 then 80 + floor(random() * 3000)::int end,
           floor(random() * 40000), floor(random() * 60000), random() < 0.1, random() > 0.03
    from generate_series(1, ${EVENTS}) i
    cross join lateral (select * from (values
      ('openai', 'gpt-4o', 'chat'), ('openai', 'gpt-4o-mini', 'chat'), ('anthropic', 'claude-sonnet-4', 'chat'),
      ('google', 'gemini-2.5-flash', 'chat'), ('openai', 'text-embedding-3-small', 'embedding'),
      ('openai', 'gpt-image-1', 'image'), ('openai', 'tts-1', 'speech'), ('openai', 'whisper-1', 'transcription')
    ) as v(provider, model, operation) offset (i % 8) limit 1) m`;
  // The rollups usage_record maintains event by event, built here in one pass per table.
  await sql`
    insert into public.usage_daily
    select subject_kind, subject_id, (occurred_at at time zone 'UTC')::date, provider, model, feature, operation, source,
           count(*), count(*) filter (where not success), count(*) filter (where cached), sum(input_tokens),
           sum(output_tokens), sum(cached_tokens), sum(characters), sum(images), sum(audio_seconds), sum(video_seconds),
           coalesce(sum(latency_ms), 0), count(latency_ms), sum(provider_cost_micro_usd), sum(credits_charged)
    from public.usage_events group by 1, 2, 3, 4, 5, 6, 7, 8`;
  await sql`
    insert into public.usage_daily_members
    select subject_kind, subject_id, (occurred_at at time zone 'UTC')::date, actor_id, count(*),
           count(*) filter (where not success), sum(input_tokens), sum(output_tokens), sum(cached_tokens),
           sum(provider_cost_micro_usd), sum(credits_charged)
    from public.usage_events group by 1, 2, 3, 4`;
  await sql`vacuum analyze`;
  // Measure a steady state, not the bulk load's dirty buffers being written out meanwhile.
  await sql`checkpoint`;
}

/** Runs `query` as a signed-in member, in a transaction, as lib/db's withUser does. */
function asMember(
  conn: postgres.Sql,
  claims: string,
  query: (tx: postgres.TransactionSql) => Promise<unknown>,
) {
  return conn.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims}, true)`;
    return query(tx);
  });
}

async function timed(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const canonical = (rows: readonly Record<string, unknown>[]) =>
  JSON.stringify(
    rows
      .filter((row) => row.dimension !== 'member')
      .map((row) => Object.values(row).map((value) => (value === null ? null : String(value))))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );

async function main() {
  const db = await benchDatabase();
  const { sql } = db;
  process.env.DATABASE_URL = db.url;
  process.env.DATABASE_POOL_SIZE ??= '32';
  const { checkTokens } = await import('../lib/aiTokens');
  const { closePool } = await import('../lib/db/pool');
  const version = (await sql`show server_version`)[0]!.server_version as string;
  console.log(`usage benchmark: ${EVENTS.toLocaleString('en-US')} events, PostgreSQL ${version}`);

  await sql`insert into auth.users (id, email) select gen_random_uuid(), 'bench-' || i || '@example.test' from generate_series(1, ${MEMBERS}) i`;
  const memberIds = (
    await sql<{ id: string }[]>`select id from public.profiles order by email`
  ).map((row) => row.id);
  const [org] = await sql<{ id: string }[]>`
    insert into public.organizations (slug, name, created_by) values ('bench-org', 'Bench Org', ${memberIds[0]!}) returning id`;
  const orgId = org!.id;
  await sql`insert into public.organization_members (org_id, user_id, role) select ${orgId}, unnest(${memberIds}::uuid[]), 'member'`;
  // Allowances that a few seconds of back-to-back deductions cannot exhaust.
  await sql`select public.plan_set_allowance('enterprise', 'general', 1000000000000)`;
  await sql`select public.plan_set_allowance('pro', 'general', 1000000000000)`;
  await sql`select * from public.subscription_change('org', ${orgId}, 'enterprise')`;
  const claims = JSON.stringify({ sub: memberIds[1], role: 'authenticated', aud: 'authenticated' });
  await sql`insert into auth.users (id, email) select gen_random_uuid(), 'solo-' || i || '@example.test' from generate_series(1, 32) i`;
  const soloIds = (
    await sql<
      { id: string }[]
    >`select id from public.profiles where email like 'solo-%' order by email`
  ).map((row) => row.id);
  await sql`select public.subscription_change('user', id, 'pro') from unnest(${soloIds}::uuid[]) id`;
  const ownClaims = soloIds.map((id) =>
    JSON.stringify({ sub: id, role: 'authenticated', aud: 'authenticated' }),
  );

  let t0 = performance.now();
  await load(sql, orgId, memberIds);
  console.log(
    `loaded ${EVENTS.toLocaleString('en-US')} events and their rollups in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const [{ rollups }] =
    (await sql`select count(*)::int as rollups from public.usage_daily`) as unknown as [
      { rollups: number },
    ];

  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const viaRollup = () =>
    asMember(
      sql,
      claims,
      (tx) => tx`select * from public.usage_stats('org', ${orgId}, ${from}::date, ${to}::date)`,
    );
  const viaRaw = () => sql.unsafe(RAW_STATS, [orgId, from, to]);
  const same =
    canonical((await viaRollup()) as Record<string, unknown>[]) === canonical(await viaRaw());

  t0 = performance.now();
  const rollupTimes = await timed(RUNS.rollup, viaRollup);
  const rawTimes = await timed(RUNS.raw, viaRaw);
  const [rollupP50, rollupP95, rawP50, rawP95] = [
    percentile(rollupTimes, 50),
    percentile(rollupTimes, 95),
    percentile(rawTimes, 50),
    percentile(rawTimes, 95),
  ];

  // Allowance operations, each in a transaction as a signed-in user (as lib/db's withUser runs
  // them): on one org allowance that every client shares (one hot row: the worst case), and on
  // 32 personal allowances (one per client: the common case).
  const member = { userId: memberIds[1]!, claims: JSON.parse(claims) as JwtClaims };
  const hotCheck = () => checkTokens(member, { kind: 'org', id: orgId }, 'general', 1);
  const hotDeduct = (conn: postgres.Sql, key: string) =>
    asMember(
      conn,
      claims,
      (tx) => tx`
      select remaining from public.token_consume('org', ${orgId}, 'general', 1, 'bench', ${key})`,
    );
  const ownDeduct = (conn: postgres.Sql, client: number, key: string) =>
    asMember(
      conn,
      ownClaims[client]!,
      (tx) => tx`
      select remaining from public.token_consume('user', ${soloIds[client]!}, 'general', 1, 'bench', ${key})`,
    );
  // For attribution at one client: lib/db's transaction alone (BEGIN, claims, COMMIT: four round
  // trips with the call), and the check as one statement that sets the same claims itself.
  const emptyTx = (conn: postgres.Sql) => asMember(conn, claims, async () => undefined);
  const checkStatement = (conn: postgres.Sql) => conn`
    with signed_in as materialized (
      select set_config('role', 'authenticated', true) as role,
             set_config('request.jwt.claims', ${claims}, true) as jwt)
    select c.allowed from signed_in,
      lateral public.token_check('org', case when signed_in.jwt is not null then ${orgId}::uuid end, 'general', 1) c`;
  const loads: [string, LoadResult][] = [];
  loads.push(['empty transaction', await closedLoop(db.url, 1, SECONDS, (conn) => emptyTx(conn))]);
  loads.push([
    'check, one statement',
    await closedLoop(db.url, 1, SECONDS, (conn) => checkStatement(conn)),
  ]);
  for (const clients of [1, 32]) {
    loads.push(['check, one org', await closedLoop(db.url, clients, SECONDS, () => hotCheck())]);
  }
  for (const clients of [1, 32]) {
    loads.push([
      'deduct, one org',
      await closedLoop(db.url, clients, SECONDS, (conn, c, i) =>
        hotDeduct(conn, `o-${clients}-${c}-${i}`),
      ),
    ]);
  }
  loads.push([
    'deduct, 32 subjects',
    await closedLoop(db.url, 32, SECONDS, (conn, c, i) => ownDeduct(conn, c, `s-${c}-${i}`)),
  ]);

  const ratio50 = rawP50 / rollupP50;
  const ratio95 = rawP95 / rollupP95;
  console.log('');
  console.log(
    `getUsageStats, 30 days of ${EVENTS.toLocaleString('en-US')} events (by day, model, feature, category, source)`,
  );
  console.log(
    `  rollup rows in the table: ${rollups.toLocaleString('en-US')}; same answer as the raw events: ${same ? 'yes' : 'NO'}`,
  );
  console.log('                      p50 ms     p95 ms   runs');
  console.log(
    `  rollups (usage_stats) ${fmt(rollupP50, 3)} ${fmt(rollupP95, 3)} ${String(RUNS.rollup).padStart(6)}`,
  );
  console.log(
    `  raw events           ${fmt(rawP50, 3)} ${fmt(rawP95, 3)} ${String(RUNS.raw).padStart(6)}`,
  );
  console.log(`  ratio raw / rollups   ${fmt(ratio50, 1)}x ${fmt(ratio95, 1)}x`);
  console.log('');
  console.log('allowances              clients    ops/s    p50 ms    p99 ms  failures');
  for (const [name, result] of loads) {
    console.log(
      `  ${name.padEnd(22)}${String(result.clients).padStart(7)} ${fmt(result.perSecond, 0)} ${fmt(result.p50, 3)} ${fmt(result.p99, 3)} ${String(result.failures).padStart(9)}`,
    );
  }
  const [empty, statement, checkOne, , , hot32, spread32] = loads.map(([, result]) => result);
  console.log('');
  console.log(
    `targets: stats p95 < 30 ms: ${rollupP95 < 30 ? 'met' : 'MISSED'} (${rollupP95.toFixed(2)} ms); ` +
      `>= 20x raw: ${ratio95 >= 20 ? 'met' : 'MISSED'} (${ratio95.toFixed(1)}x at p95, ${ratio50.toFixed(1)}x at p50)`,
  );
  console.log(
    `         check p99 < 2 ms, 1 client: ${checkOne!.p99 < 2 ? 'met' : 'MISSED'} (${checkOne!.p99.toFixed(3)} ms ` +
      `in a transaction, of which an empty one takes p99 ${empty!.p99.toFixed(3)} ms; ` +
      `${statement!.p99.toFixed(3)} ms as one statement)`,
  );
  console.log(
    `         deduction < 50 ms, 32 clients: 32 subjects p99 ${spread32!.p99.toFixed(2)} ms ` +
      `(${spread32!.p99 < 50 ? 'met' : 'MISSED'}); one org p50 ${hot32!.p50.toFixed(2)} ms ` +
      `(${hot32!.p50 < 50 ? 'met' : 'MISSED'}), p99 ${hot32!.p99.toFixed(2)} ms (${hot32!.p99 < 50 ? 'met' : 'MISSED'})`,
  );
  await closePool();
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

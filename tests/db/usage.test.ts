import { beforeAll, describe, expect, it } from 'vitest';
import { getTokenBreakdown } from '../../lib/quota';
import { getUsageStats, recordUsage, type UsageEventInput } from '../../lib/usage';
import { as, claimsFor, createOrg, createUser, db, type TestUser } from '../helpers/fixtures';
import { DAY } from '../helpers/plans';

/**
 * Usage metrics against the real database: 10,000 random events recorded concurrently through
 * recordUsage, then every rollup compared with sums over the raw events, and getUsageStats /
 * getTokenBreakdown compared with the raw answer, and who may read them.
 */

const EVENTS = 10_000;
let owner: TestUser, admin: TestUser, member: TestUser, stranger: TestUser, solo: TestUser;
let org: { id: string };

// A small deterministic generator, so a failure can be replayed.
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const MODELS = [
  ['openai', 'gpt-4o', 'chat'],
  ['openai', 'gpt-4o-mini', 'completion'],
  ['openai', 'text-embedding-3-small', 'embedding'],
  ['openai', 'gpt-image-1', 'image'],
  ['openai', 'tts-1', 'speech'],
  ['openai', 'whisper-1', 'transcription'],
  ['anthropic', 'claude-sonnet-4', 'chat'],
  ['google', 'gemini-2.5-flash', 'chat'],
] as const;
const FEATURES = ['assistant', 'lead_generation', 'forecast', 'summaries'];

beforeAll(async () => {
  owner = await createUser('Usage Owner');
  admin = await createUser('Usage Admin');
  member = await createUser('Usage Member');
  stranger = await createUser('Usage Stranger');
  solo = await createUser('Solo User');
  org = await createOrg(owner, [
    { user: admin, role: 'admin' },
    { user: member, role: 'member' },
  ]);

  const random = prng(42);
  const people = [owner, admin, member];
  const now = Date.now();
  const events: UsageEventInput[] = Array.from({ length: EVENTS }, (_, i) => {
    const [provider, model, operation] = MODELS[Math.floor(random() * MODELS.length)]!;
    const forOrg = random() < 0.8;
    const success = random() > 0.05;
    return {
      subject: forOrg ? { kind: 'org', id: org.id } : { kind: 'user', id: solo.id },
      actorId: forOrg ? people[Math.floor(random() * 3)]!.id : solo.id,
      source: random() < 0.25 ? 'byok' : 'platform',
      provider,
      model,
      operation,
      feature: FEATURES[Math.floor(random() * FEATURES.length)]!,
      inputTokens: Math.floor(random() * 5000),
      outputTokens: Math.floor(random() * 2000),
      cachedTokens: Math.floor(random() * 500),
      characters: operation === 'speech' ? Math.floor(random() * 4000) : 0,
      images: operation === 'image' ? 1 + Math.floor(random() * 3) : 0,
      audioSeconds: operation === 'transcription' ? Math.round(random() * 600_000) / 1000 : 0,
      videoSeconds: random() < 0.01 ? Math.round(random() * 90_000) / 1000 : 0,
      latencyMs: random() < 0.9 ? Math.floor(50 + random() * 4000) : undefined,
      providerCostMicroUsd: BigInt(Math.floor(random() * 50_000)),
      creditsCharged: BigInt(Math.floor(random() * 80_000)),
      cached: random() < 0.1,
      success,
      errorCode: success ? undefined : 'provider_error',
      requestId: `req-${i}`,
      occurredAt: new Date(now - Math.floor(random() * 40 * DAY)),
    };
  });
  const queue = [...events];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await recordUsage(next);
    }),
  );
}, 120_000);

describe('rollups', () => {
  it('after 10,000 random events, every daily rollup equals the sums of its raw events', async () => {
    const [{ n }] = (await db()`select count(*)::int as n from public.usage_events`) as unknown as [
      { n: number },
    ];
    expect(n).toBe(EVENTS);
    const mismatches = await db()`
      with raw as (
        select subject_kind, subject_id, (occurred_at at time zone 'UTC')::date as day, provider, model, feature,
               operation, source, count(*) as events, count(*) filter (where not success) as errors,
               count(*) filter (where cached) as cached_events, sum(input_tokens) as input_tokens,
               sum(output_tokens) as output_tokens, sum(cached_tokens) as cached_tokens, sum(characters) as characters,
               sum(images) as images, sum(audio_seconds) as audio_seconds, sum(video_seconds) as video_seconds,
               coalesce(sum(latency_ms), 0) as latency_ms_sum, count(latency_ms) as latency_events,
               sum(provider_cost_micro_usd) as provider_cost_micro_usd, sum(credits_charged) as credits_charged
        from public.usage_events group by 1, 2, 3, 4, 5, 6, 7, 8
      ), rolled as (
        select subject_kind, subject_id, day, provider, model, feature, operation, source, events, errors,
               cached_events, input_tokens, output_tokens, cached_tokens, characters, images, audio_seconds,
               video_seconds, latency_ms_sum, latency_events, provider_cost_micro_usd, credits_charged
        from public.usage_daily
      )
      (select 'missing' as side, * from raw except select 'missing', * from rolled)
      union all
      (select 'extra', * from rolled except select 'extra', * from raw)`;
    expect(mismatches).toEqual([]);
    const [{ rollups }] =
      (await db()`select count(*)::int as rollups from public.usage_daily`) as unknown as [
        { rollups: number },
      ];
    expect(rollups).toBeLessThan(EVENTS); // it really is a rollup
  });

  it('member rollups and the per-period token counters equal the raw events too', async () => {
    const members = await db()`
      (select subject_id, (occurred_at at time zone 'UTC')::date, actor_id, count(*), count(*) filter (where not success),
              sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(provider_cost_micro_usd), sum(credits_charged)
       from public.usage_events where subject_kind = 'org' group by 1, 2, 3
       except
       select subject_id, day, actor_id, events, errors, input_tokens, output_tokens, cached_tokens,
              provider_cost_micro_usd, credits_charged from public.usage_daily_members)
      union all
      (select subject_id, day, actor_id, events, errors, input_tokens, output_tokens, cached_tokens,
              provider_cost_micro_usd, credits_charged from public.usage_daily_members
       except
       select subject_id, (occurred_at at time zone 'UTC')::date, actor_id, count(*), count(*) filter (where not success),
              sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(provider_cost_micro_usd), sum(credits_charged)
       from public.usage_events where subject_kind = 'org' group by 1, 2, 3)`;
    expect(members).toEqual([]);
    const periods = await db()`
      with raw as (
        select e.subject_kind, e.subject_id, b.period_start,
               coalesce(sum(e.input_tokens + e.output_tokens) filter (where e.source = 'platform'), 0) as platform,
               coalesce(sum(e.input_tokens + e.output_tokens) filter (where e.source = 'byok'), 0) as byok,
               count(*) filter (where e.source = 'platform') as platform_requests,
               count(*) filter (where e.source = 'byok') as byok_requests
        from public.usage_events e
        join public.subscriptions s on s.subject_kind = e.subject_kind and s.subject_id = e.subject_id
        cross join lateral private.period_bounds(s.anchor_at, e.occurred_at) b
        group by 1, 2, 3
      ), kept as (
        select subject_kind, subject_id, period_start, platform_tokens, byok_tokens, platform_requests, byok_requests
        from public.usage_period_tokens
      )
      (select * from raw except select * from kept) union all (select * from kept except select * from raw)`;
    expect(periods).toEqual([]);
  });
});

describe('getUsageStats and getTokenBreakdown', () => {
  it('equal the same answer computed from the raw events', async () => {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * DAY).toISOString().slice(0, 10);
    const stats = await getUsageStats(owner.session, { kind: 'org', id: org.id }, { from, to });
    const raw = await db()<
      {
        dimension: string;
        key: string;
        events: number;
        tokens: number;
        cost: bigint;
        latency: number | null;
      }[]
    >`
      select dimension, key, count(*)::int as events, sum(input_tokens + output_tokens)::int as tokens,
             sum(provider_cost_micro_usd)::bigint as cost, round(avg(latency_ms))::int as latency
      from public.usage_events e,
           lateral (values ('day', to_char((e.occurred_at at time zone 'UTC')::date, 'YYYY-MM-DD')), ('model', e.model),
                           ('feature', e.feature), ('category', e.operation), ('source', e.source),
                           ('member', e.actor_id::text)) d(dimension, key)
      where e.subject_kind = 'org' and e.subject_id = ${org.id}
        and (e.occurred_at at time zone 'UTC')::date between ${from}::date and ${to}::date
      group by dimension, key`;
    const expected = (dimension: string) =>
      Object.fromEntries(
        raw
          .filter((r) => r.dimension === dimension)
          .map((r) => [r.key, [r.events, r.tokens, r.cost]]),
      );
    const got = <T extends { events: number; totalTokens: number; providerCostMicroUsd: bigint }>(
      rows: T[],
      key: (row: T) => string,
    ) =>
      Object.fromEntries(
        rows.map((row) => [key(row), [row.events, row.totalTokens, row.providerCostMicroUsd]]),
      );
    expect(
      got(
        stats.byDay.filter((d) => d.events > 0),
        (d) => d.day,
      ),
    ).toEqual(expected('day'));
    expect(stats.byDay).toHaveLength(30);
    expect(got(stats.byModel, (m) => m.model)).toEqual(expected('model'));
    expect(got(stats.byFeature, (f) => f.feature)).toEqual(expected('feature'));
    expect(got(stats.byCategory, (c) => c.category)).toEqual(expected('category'));
    expect(got(stats.bySource, (s) => s.source)).toEqual(expected('source'));
    expect(got(stats.byMember, (m) => m.userId)).toEqual(expected('member'));
    expect(stats.byMember.map((m) => m.name).sort()).toEqual([
      'Usage Admin',
      'Usage Member',
      'Usage Owner',
    ]);
    const latency = Object.fromEntries(
      raw.filter((r) => r.dimension === 'model').map((r) => [r.key, r.latency]),
    );
    expect(Object.fromEntries(stats.byModel.map((m) => [m.model, m.avgLatencyMs]))).toEqual(
      latency,
    );

    const breakdown = await getTokenBreakdown(
      owner.session,
      { kind: 'org', id: org.id },
      { from, to },
    );
    expect(breakdown.total.totalTokens).toBe(stats.total.totalTokens);
    expect(Object.fromEntries(breakdown.byModel.map((m) => [m.model, m.totalTokens]))).toEqual(
      Object.fromEntries(raw.filter((r) => r.dimension === 'model').map((r) => [r.key, r.tokens])),
    );
  });

  it('members see org stats without the member breakdown; strangers get 404', async () => {
    const forMember = await getUsageStats(member.session, { kind: 'org', id: org.id }, '7d');
    expect(forMember.total.events).toBeGreaterThan(0);
    expect(forMember.byMember).toEqual([]);
    expect(
      (await getUsageStats(admin.session, { kind: 'org', id: org.id }, '7d')).byMember,
    ).toHaveLength(3);
    await expect(
      getUsageStats(stranger.session, { kind: 'org', id: org.id }, '7d'),
    ).rejects.toMatchObject({ status: 404 });
    const rows = await as('authenticated', claimsFor(stranger.id), async (tx) => ({
      events: (await tx`select id from public.usage_events`).length,
      daily: (await tx`select day from public.usage_daily`).length,
    }));
    expect(rows).toEqual({ events: 0, daily: 0 });
    const own = await as(
      'authenticated',
      claimsFor(solo.id),
      (tx) => tx`select distinct subject_id from public.usage_events`,
    );
    expect(own.map((row) => row.subject_id)).toEqual([solo.id]);
  });
});

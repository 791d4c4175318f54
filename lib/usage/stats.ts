import 'server-only';
import { parseInput, runAs, subjectSchema, type Actor, type Subject } from '@/lib/core';
import { planError } from '@/lib/plans';
import { periodDays, usagePeriod, type UsagePeriod } from './schemas';

/**
 * Usage statistics from the daily rollups (never the raw events), so they stay fast at millions
 * of events: by UTC day (every day present, zero-filled), model, feature, category (the
 * operation), source and — for org owners and admins — member.
 */

export interface UsageMetrics {
  events: number;
  errors: number;
  cachedEvents: number;
  /** Share of calls answered from the response cache (0–1), null without calls. */
  cacheHitRate: number | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  totalTokens: number;
  characters: number;
  images: number;
  audioSeconds: number;
  videoSeconds: number;
  avgLatencyMs: number | null;
  providerCostMicroUsd: bigint;
  creditsCharged: bigint;
}

interface UsageStats {
  from: string;
  to: string;
  total: UsageMetrics;
  byDay: (UsageMetrics & { day: string })[];
  byModel: (UsageMetrics & { model: string; provider: string })[];
  byFeature: (UsageMetrics & { feature: string })[];
  byCategory: (UsageMetrics & { category: string })[];
  bySource: (UsageMetrics & { source: string })[];
  /** Orgs only, for owners, admins and platform admins; empty otherwise. */
  byMember: (UsageMetrics & { userId: string; name: string })[];
}

type Dimension = 'day' | 'model' | 'feature' | 'category' | 'source' | 'member' | 'total';

interface StatsRow {
  dimension: Dimension;
  key: string;
  provider: string | null;
  events: bigint;
  errors: bigint;
  cached_events: bigint | null;
  input_tokens: bigint;
  output_tokens: bigint;
  cached_tokens: bigint;
  characters: bigint | null;
  images: bigint | null;
  audio_seconds: string | null;
  video_seconds: string | null;
  avg_latency_ms: bigint | null;
  provider_cost_micro_usd: bigint;
  credits_charged: bigint;
}

function metrics(row: StatsRow | undefined): UsageMetrics {
  const input = Number(row?.input_tokens ?? 0n);
  const output = Number(row?.output_tokens ?? 0n);
  const events = Number(row?.events ?? 0n);
  const cachedEvents = Number(row?.cached_events ?? 0n);
  return {
    events,
    errors: Number(row?.errors ?? 0n),
    cachedEvents,
    cacheHitRate: events > 0 ? cachedEvents / events : null,
    inputTokens: input,
    outputTokens: output,
    cachedTokens: Number(row?.cached_tokens ?? 0n),
    totalTokens: input + output,
    characters: Number(row?.characters ?? 0n),
    images: Number(row?.images ?? 0n),
    audioSeconds: Number(row?.audio_seconds ?? 0),
    videoSeconds: Number(row?.video_seconds ?? 0),
    avgLatencyMs: row?.avg_latency_ms == null ? null : Number(row.avg_latency_ms),
    providerCostMicroUsd: row?.provider_cost_micro_usd ?? 0n,
    creditsCharged: row?.credits_charged ?? 0n,
  };
}

const byTokens = (a: UsageMetrics, b: UsageMetrics) =>
  b.totalTokens - a.totalTokens || b.events - a.events;

export async function getUsageStats(
  actor: Actor,
  subject: Subject,
  period: UsagePeriod = '30d',
): Promise<UsageStats> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const { from, to } = periodDays(parseInput(usagePeriod, period));
  const { rows, names } = await runAs(actor, async (tx) => {
    const found = await tx<StatsRow[]>`
      select * from public.usage_stats(${kind}, ${id}, ${from}::date, ${to}::date)`;
    const members = found.filter((row) => row.dimension === 'member').map((row) => row.key);
    // Names of members the caller may see (RLS: people who share an org with them).
    const people = members.length
      ? await tx<{ id: string; name: string }[]>`
          select id, coalesce(nullif(full_name, ''), email) as name from public.profiles
          where id = any(${members}::uuid[])`
      : [];
    return { rows: found, names: new Map(people.map((person) => [person.id, person.name])) };
  }).catch(planError);

  const pick = (dimension: Dimension) => rows.filter((row) => row.dimension === dimension);
  const days = new Map(pick('day').map((row) => [row.key, row]));
  const byDay: UsageStats['byDay'] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`);
    t += 86_400_000
  ) {
    const day = new Date(t).toISOString().slice(0, 10);
    byDay.push({ day, ...metrics(days.get(day)) });
  }
  return {
    from,
    to,
    total: metrics(pick('total')[0]),
    byDay,
    byModel: pick('model')
      .map((row) => ({ model: row.key, provider: row.provider ?? '', ...metrics(row) }))
      .sort(byTokens),
    byFeature: pick('feature')
      .map((row) => ({ feature: row.key, ...metrics(row) }))
      .sort(byTokens),
    byCategory: pick('category')
      .map((row) => ({ category: row.key, ...metrics(row) }))
      .sort(byTokens),
    bySource: pick('source')
      .map((row) => ({ source: row.key, ...metrics(row) }))
      .sort(byTokens),
    byMember: pick('member')
      .map((row) => ({
        userId: row.key,
        name: names.get(row.key) ?? 'Former member',
        ...metrics(row),
      }))
      .sort(byTokens),
  };
}

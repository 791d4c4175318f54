import 'server-only';
import type { Actor, Subject } from '@/lib/core';
import { getUsageStats, type UsageMetrics, type UsagePeriod } from '@/lib/usage';

/**
 * Where a subject's LLM tokens went in a period, by model, feature, category, source and day.
 * Built on the usage rollups, so it agrees with getUsageStats to the token.
 */

interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  totalTokens: number;
  events: number;
}

interface TokenBreakdown {
  from: string;
  to: string;
  total: TokenCounts;
  byModel: (TokenCounts & { model: string; provider: string })[];
  byFeature: (TokenCounts & { feature: string })[];
  byCategory: (TokenCounts & { category: string })[];
  bySource: (TokenCounts & { source: string })[];
  byDay: (TokenCounts & { day: string })[];
}

function counts(metrics: UsageMetrics): TokenCounts {
  return {
    inputTokens: metrics.inputTokens,
    outputTokens: metrics.outputTokens,
    cachedTokens: metrics.cachedTokens,
    totalTokens: metrics.totalTokens,
    events: metrics.events,
  };
}

export async function getTokenBreakdown(
  actor: Actor,
  subject: Subject,
  period: UsagePeriod = '30d',
): Promise<TokenBreakdown> {
  const stats = await getUsageStats(actor, subject, period);
  return {
    from: stats.from,
    to: stats.to,
    total: counts(stats.total),
    byModel: stats.byModel.map((row) => ({
      model: row.model,
      provider: row.provider,
      ...counts(row),
    })),
    byFeature: stats.byFeature.map((row) => ({ feature: row.feature, ...counts(row) })),
    byCategory: stats.byCategory.map((row) => ({ category: row.category, ...counts(row) })),
    bySource: stats.bySource.map((row) => ({ source: row.source, ...counts(row) })),
    byDay: stats.byDay.map((row) => ({ day: row.day, ...counts(row) })),
  };
}

import { callApi } from '@/lib/api/client';
import type { TokenStatsView } from './stats-schema';
import { quotaKey } from './quota';

/**
 * Client-side reads of allowances and plan limits for react-query. Dates travel as ISO text and
 * credit amounts as decimal strings and stay that way, so the server's first data (passed through
 * the same JSON and ./stats-schema) and refetched data share one shape. No schema library on this
 * side: the answers are the API's own types, and a shape check turns a garbled one into an error.
 */

// The types only: the server pages parse their first data with ./stats-schema directly, which
// keeps zod out of the client bundle of every page that reaches this module.
export type { TokenBalanceView, TokenStatsView } from './stats-schema';

export const tokensKeys = {
  stats: (orgId: string | null) => ['tokens', 'stats', orgId ?? 'personal'] as const,
  quota: quotaKey,
};

function isTokenStats(body: unknown): body is TokenStatsView {
  if (typeof body !== 'object' || body === null) return false;
  const { balances, usage } = body as Record<string, unknown>;
  if (!Array.isArray(balances) || typeof usage !== 'object' || usage === null) return false;
  const { total, byTokenType } = usage as Record<string, unknown>;
  return typeof total === 'object' && total !== null && Array.isArray(byTokenType);
}

async function getJson<T>(
  url: string,
  isExpected: (body: unknown) => body is T,
  signal?: AbortSignal,
): Promise<T> {
  const body = await callApi(url, { signal });
  if (!isExpected(body)) throw new Error('Tollgate sent an answer this page does not understand.');
  return body;
}

function withOrg(path: string, orgId: string | null, extra = ''): string {
  const params = new URLSearchParams(extra);
  if (orgId) params.set('orgId', orgId);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function fetchTokenStats(orgId: string | null, signal?: AbortSignal) {
  return getJson(withOrg('/api/v1/allowances/stats', orgId, 'period=30d'), isTokenStats, signal);
}

export type UsageLevel = 'ok' | 'warning' | 'critical' | 'exhausted';

/** The low-balance thresholds: 80 % used warns, 95 % is critical, 100 % is spent. */
export function usageLevel(percent: number): UsageLevel {
  if (percent >= 100) return 'exhausted';
  if (percent >= 95) return 'critical';
  if (percent >= 80) return 'warning';
  return 'ok';
}

export function percentOf(used: number, limit: number): number {
  if (limit <= 0) return used > 0 ? 100 : 0;
  return Math.min(100, Math.floor((used * 100) / limit));
}

// zod/mini keeps this module (shipped in every dashboard page by the usage widget) small.
import * as z from 'zod/mini';

/**
 * Client-side reads of allowances and plan limits for react-query. Dates travel as ISO text and
 * credit amounts as decimal strings; the parsers keep them that way, so the server's first data
 * (passed through the same JSON) and refetched data share one shape.
 */

const instant = z.iso.datetime({ offset: true });

const balanceSchema = z.object({
  tokenType: z.string(),
  label: z.string(),
  costPerAction: z.number(),
  planId: z.string(),
  allowance: z.number(),
  balance: z.number(),
  reserved: z.number(),
  periodUsed: z.number(),
  periodStart: instant,
  refreshAt: instant,
  lastUsedAt: z.nullable(instant),
  actionsLeft: z.number(),
});

const bucketSchema = z.object({
  key: z.string(),
  events: z.number(),
  tokens: z.number(),
  credits: z.string(),
});

export const tokenStatsSchema = z.object({
  period: z.string(),
  from: instant,
  to: instant,
  balances: z.array(balanceSchema),
  usage: z.object({ total: bucketSchema, byTokenType: z.array(bucketSchema) }),
});
export type TokenStatsView = z.infer<typeof tokenStatsSchema>;
export type TokenBalanceView = z.infer<typeof balanceSchema>;

export const quotaSchema = z.object({
  planId: z.string(),
  planName: z.string(),
  periodEnd: instant,
  used: z.number(),
  limit: z.nullable(z.number()),
  remaining: z.nullable(z.number()),
  percentUsed: z.nullable(z.number()),
});
export type QuotaView = z.infer<typeof quotaSchema>;

export const tokensKeys = {
  stats: (orgId: string | null) => ['tokens', 'stats', orgId ?? 'personal'] as const,
  quota: (orgId: string | null) => ['tokens', 'quota', orgId ?? 'personal'] as const,
};

const problemSchema = z.object({ detail: z.optional(z.string()), title: z.optional(z.string()) });

async function getJson<T>(url: string, schema: z.ZodMiniType<T>, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = problemSchema.safeParse(body);
    const message = problem.success ? (problem.data.detail ?? problem.data.title) : undefined;
    throw new Error(message ?? `The request failed (HTTP ${response.status}).`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error('Tollgate sent an answer this page does not understand.');
  return parsed.data;
}

function withOrg(path: string, orgId: string | null, extra = ''): string {
  const params = new URLSearchParams(extra);
  if (orgId) params.set('orgId', orgId);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function fetchTokenStats(orgId: string | null, signal?: AbortSignal) {
  return getJson(withOrg('/api/v1/tokens/stats', orgId, 'period=30d'), tokenStatsSchema, signal);
}

export function fetchQuota(orgId: string | null, signal?: AbortSignal) {
  return getJson(withOrg('/api/credits/tokens', orgId), quotaSchema, signal);
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

import 'server-only';
import type { Tx } from '@/lib/db';

/**
 * Provider health from the raw usage events of a window: calls, failures, error rate and latency
 * p50/p95 (linear interpolation). Cache hits are left out: no provider was called. Platform and
 * BYOK calls both count, since both reach the provider. A stream the client stopped is recorded
 * as a success with error_code client_aborted: not the provider's failure, so it stays out of
 * the error rate. Run it as the service (all subjects).
 */

export interface ProviderHealth {
  provider: string;
  events: bigint;
  errors: bigint;
  /** Errors per 10,000 calls. */
  errorRateBps: bigint;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

interface HealthRow {
  provider: string;
  events: bigint;
  errors: bigint;
  p50: number | null;
  p95: number | null;
}

export async function providerHealth(tx: Tx, since: Date, until: Date): Promise<ProviderHealth[]> {
  const rows = await tx<HealthRow[]>`
    select e.provider, count(*)::bigint as events,
           count(*) filter (where not e.success)::bigint as errors,
           round(percentile_cont(0.5) within group (order by e.latency_ms))::integer as p50,
           round(percentile_cont(0.95) within group (order by e.latency_ms))::integer as p95
    from public.usage_events e
    where e.occurred_at >= ${since} and e.occurred_at <= ${until} and not e.cached
    group by e.provider
    order by events desc, e.provider`;
  return rows.map((row) => ({
    provider: row.provider,
    events: row.events,
    errors: row.errors,
    errorRateBps: row.events > 0n ? (row.errors * 10_000n) / row.events : 0n,
    p50LatencyMs: row.p50,
    p95LatencyMs: row.p95,
  }));
}

export interface HealthWindow {
  events: bigint;
  errors: bigint;
  errorRateBps: bigint;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

export const EMPTY_WINDOW: HealthWindow = {
  events: 0n,
  errors: 0n,
  errorRateBps: 0n,
  p50LatencyMs: null,
  p95LatencyMs: null,
};

/** Each provider's health over the last hour and the last 24 hours, by provider id. */
export async function recentProviderHealth(
  tx: Tx,
  now = new Date(),
): Promise<Map<string, { lastHour: HealthWindow; last24h: HealthWindow }>> {
  const hour = await providerHealth(tx, new Date(now.getTime() - 3_600_000), now);
  const day = await providerHealth(tx, new Date(now.getTime() - 86_400_000), now);
  const windowOf = (rows: ProviderHealth[], provider: string): HealthWindow => {
    const row = rows.find((candidate) => candidate.provider === provider);
    if (!row) return EMPTY_WINDOW;
    const { provider: _provider, ...window } = row;
    return window;
  };
  const providers = new Set([...day, ...hour].map((row) => row.provider));
  return new Map(
    [...providers].map((provider) => [
      provider,
      { lastHour: windowOf(hour, provider), last24h: windowOf(day, provider) },
    ]),
  );
}

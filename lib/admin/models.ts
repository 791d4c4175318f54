import 'server-only';
import { asService, type DbSession } from '@/lib/db';
import { providerHealth, type ProviderHealth } from '@/lib/gateway';
import { requirePlatformAdmin } from './guard';

/**
 * Cost versus revenue per model and provider (last 30 UTC days, platform calls only — BYOK calls
 * are paid with the customer's key) and provider health (last 24 h of raw events). Costs are
 * micro-USD; revenue is the micro-credits charged converted at ai_settings.credits_per_usd.
 */

export interface MarginRow {
  provider: string;
  /** Null on a provider total. */
  model: string | null;
  events: bigint;
  costMicroUsd: bigint;
  creditsCharged: bigint;
  revenueMicroUsd: bigint;
  marginMicroUsd: bigint;
  /** Margin as basis points of revenue (null when there was no revenue). */
  marginBps: bigint | null;
}

export type { ProviderHealth } from '@/lib/gateway';

interface AdminModelStats {
  from: Date;
  to: Date;
  creditsPerUsd: bigint;
  models: MarginRow[];
  providers: MarginRow[];
  total: MarginRow;
  health: ProviderHealth[];
}

const DAY_MS = 86_400_000;

interface SumRow {
  provider: string | null;
  model: string | null;
  events: bigint;
  cost: bigint;
  credits: bigint;
}

function toMarginRow(row: SumRow, creditsPerUsd: bigint): MarginRow {
  const revenue = row.credits / creditsPerUsd;
  const margin = revenue - row.cost;
  return {
    provider: row.provider ?? 'all',
    model: row.model,
    events: row.events,
    costMicroUsd: row.cost,
    creditsCharged: row.credits,
    revenueMicroUsd: revenue,
    marginMicroUsd: margin,
    marginBps: revenue > 0n ? (margin * 10_000n) / revenue : null,
  };
}

export async function getAdminModelStats(
  session: DbSession,
  now = new Date(),
): Promise<AdminModelStats> {
  await requirePlatformAdmin(session);
  const to = now;
  const from = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 29 * DAY_MS,
  );
  const since24h = new Date(now.getTime() - DAY_MS);

  return asService(async (tx) => {
    const [settings] = await tx<{ credits_per_usd: bigint }[]>`
      select credits_per_usd from public.ai_settings limit 1`;
    const creditsPerUsd = settings?.credits_per_usd ?? 1n;

    // Rollups only (fast at millions of events); grouping sets give models, providers and total.
    const sums = await tx<(SumRow & { level: 'model' | 'provider' | 'total' })[]>`
      select case when grouping(d.model) = 0 then 'model'
                  when grouping(d.provider) = 0 then 'provider' else 'total' end as level,
             d.provider, d.model,
             coalesce(sum(d.events), 0)::bigint as events,
             coalesce(sum(d.provider_cost_micro_usd), 0)::bigint as cost,
             coalesce(sum(d.credits_charged), 0)::bigint as credits
      from public.usage_daily d
      where d.source = 'platform' and d.day between ${from.toISOString().slice(0, 10)}::date
        and ${to.toISOString().slice(0, 10)}::date
      group by grouping sets ((d.provider, d.model), (d.provider), ())
      order by cost desc, credits desc, d.provider, d.model`;

    const health = await providerHealth(tx, since24h, to);

    const pick = (level: string) =>
      sums.filter((row) => row.level === level).map((row) => toMarginRow(row, creditsPerUsd));
    const [total] = pick('total');
    return {
      from,
      to,
      creditsPerUsd,
      models: pick('model'),
      providers: pick('provider'),
      total:
        total ??
        toMarginRow(
          { provider: null, model: null, events: 0n, cost: 0n, credits: 0n },
          creditsPerUsd,
        ),
      health,
    };
  });
}

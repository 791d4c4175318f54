import 'server-only';
import { parseInput, runAs, subjectSchema, type Actor, type Subject } from '@/lib/core';
import { planError } from '@/lib/plans';
import { getAllTokenBalances, type TokenBalance } from './balances';
import { periodRange, statsPeriod, type StatsPeriod } from './schemas';

/**
 * Allowance statistics: every balance (allocated, used, left, refresh date) and the period's use
 * from the append-only log, by token type, feature, UTC day and source.
 */

interface UsageBucket {
  key: string;
  events: number;
  tokens: number;
  credits: bigint;
}

interface TokenStats {
  period: StatsPeriod;
  from: Date;
  to: Date;
  balances: TokenBalance[];
  totals: { allocated: number; used: number; balance: number; reserved: number };
  usage: {
    total: UsageBucket;
    byTokenType: UsageBucket[];
    byFeature: UsageBucket[];
    byDay: UsageBucket[];
    bySource: UsageBucket[];
  };
}

type Dimension = 'token_type' | 'feature' | 'day' | 'source' | 'total';

export async function getTokenStats(
  actor: Actor,
  subject: Subject,
  period: StatsPeriod = '30d',
): Promise<TokenStats> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const chosen = parseInput(statsPeriod, period);
  const { from, to } = periodRange(chosen);
  const [balances, rows] = await Promise.all([
    getAllTokenBalances(actor, subject),
    runAs(
      actor,
      (tx) => tx<
        { dimension: Dimension; key: string; events: bigint; tokens: bigint; credits: bigint }[]
      >`
        select * from public.token_usage_stats(${kind}, ${id}, ${from}, ${to})`,
    ).catch(planError),
  ]);

  const buckets = (dimension: Dimension) =>
    rows
      .filter((row) => row.dimension === dimension)
      .map((row) => ({
        key: row.key,
        events: Number(row.events),
        tokens: Number(row.tokens),
        credits: row.credits,
      }))
      .sort((a, b) => (dimension === 'day' ? a.key.localeCompare(b.key) : b.tokens - a.tokens));

  return {
    period: chosen,
    from,
    to,
    balances,
    totals: {
      allocated: balances.reduce((sum, row) => sum + row.totalAllocated, 0),
      used: balances.reduce((sum, row) => sum + row.totalUsed, 0),
      balance: balances.reduce((sum, row) => sum + row.balance, 0),
      reserved: balances.reduce((sum, row) => sum + row.reserved, 0),
    },
    usage: {
      total: buckets('total')[0] ?? { key: 'total', events: 0, tokens: 0, credits: 0n },
      byTokenType: buckets('token_type'),
      byFeature: buckets('feature'),
      byDay: buckets('day'),
      bySource: buckets('source'),
    },
  };
}

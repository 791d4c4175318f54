import 'server-only';
import {
  one,
  orgSubject,
  parseInput,
  runAs,
  subjectSchema,
  userSubject,
  type Actor,
  type Subject,
} from '@/lib/core';
import { z } from 'zod';
import { planError, type OveragePolicy } from '@/lib/plans';

/**
 * Plan limits over usage: LLM tokens this subscription period against the plan's monthly limit
 * (read from the per-period counter that recordUsage keeps, one row), and requests this hour.
 */

interface TokenUsage {
  subject: Subject;
  planId: string;
  planName: string;
  periodStart: Date;
  periodEnd: Date;
  /** Tokens that count toward the limit (platform, plus BYOK when the plan counts it). */
  used: number;
  platformTokens: number;
  byokTokens: number;
  /** null = unlimited. */
  limit: number | null;
  remaining: number | null;
  /** 0–100, rounded down; null when unlimited. */
  percentUsed: number | null;
  byokCountsTowardLimits: boolean;
  overagePolicy: OveragePolicy;
  requests: { limit: number; used: number; remaining: number; resetAt: Date };
}

interface QuotaRow {
  plan_id: string;
  plan_name: string;
  period_start: Date;
  period_end: Date;
  platform_tokens: bigint;
  byok_tokens: bigint;
  counted_tokens: bigint;
  token_limit: bigint | null;
  tokens_remaining: bigint | null;
  byok_counts_toward_limits: boolean;
  overage_policy: OveragePolicy;
  requests_per_hour: number;
  requests_this_hour: number;
  requests_reset_at: Date;
}

export async function getQuota(actor: Actor, subject: Subject): Promise<TokenUsage> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const row = one(
    await runAs(
      actor,
      (tx) => tx<QuotaRow[]>`select * from public.quota_status(${kind}, ${id})`,
    ).catch(planError),
    'result of quota_status',
  );
  const used = Number(row.counted_tokens);
  const limit = row.token_limit === null ? null : Number(row.token_limit);
  return {
    subject: { kind, id },
    planId: row.plan_id,
    planName: row.plan_name,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    used,
    platformTokens: Number(row.platform_tokens),
    byokTokens: Number(row.byok_tokens),
    limit,
    remaining: limit === null ? null : Math.max(limit - used, 0),
    percentUsed:
      limit === null ? null : limit === 0 ? 100 : Math.min(100, Math.floor((used * 100) / limit)),
    byokCountsTowardLimits: row.byok_counts_toward_limits,
    overagePolicy: row.overage_policy,
    requests: {
      limit: row.requests_per_hour,
      used: row.requests_this_hour,
      remaining: Math.max(row.requests_per_hour - row.requests_this_hour, 0),
      resetAt: row.requests_reset_at,
    },
  };
}

/** A user's LLM tokens this period against their plan (the user, or a platform admin). */
export function getTokenUsage(actor: Actor, userId: string): Promise<TokenUsage> {
  return getQuota(actor, userSubject(userId));
}

/** An org's LLM tokens this period against its plan (members and platform admins). */
export function getOrgTokenUsage(actor: Actor, orgId: string): Promise<TokenUsage> {
  return getQuota(actor, orgSubject(orgId));
}

type LimitReason = 'ok' | 'unlimited' | 'byok_exempt' | 'overage_credits' | 'limit_reached';

interface TokenLimitCheck {
  allowed: boolean;
  reason: LimitReason;
  used: number;
  limit: number | null;
  remaining: number | null;
  estimate: number;
}

const estimateSchema = z.number().int().min(0).max(1_000_000_000_000);

/**
 * Pre-flight before a model call of about `estimate` tokens. Over the limit, a plan that spends
 * credits still allows it (reason overage_credits); otherwise limit_reached. Writes nothing.
 */
export async function checkTokenLimit(
  actor: Actor,
  subject: Subject,
  estimate: number,
  options: { byok?: boolean } = {},
): Promise<TokenLimitCheck> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const tokens = parseInput(estimateSchema, estimate);
  const row = one(
    await runAs(
      actor,
      (tx) =>
        tx<
          {
            allowed: boolean;
            reason: LimitReason;
            used: bigint;
            token_limit: bigint | null;
            remaining: bigint | null;
            estimate: bigint;
          }[]
        >`select * from public.quota_check(${kind}, ${id}, ${tokens}::bigint, ${options.byok ?? false})`,
    ).catch(planError),
    'result of quota_check',
  );
  return {
    allowed: row.allowed,
    reason: row.reason,
    used: Number(row.used),
    limit: row.token_limit === null ? null : Number(row.token_limit),
    remaining: row.remaining === null ? null : Number(row.remaining),
    estimate: tokens,
  };
}

interface PeriodTokens {
  periodStart: Date;
  periodEnd: Date;
  platformTokens: number;
  byokTokens: number;
  platformRequests: number;
  byokRequests: number;
}

/** LLM tokens per subscription period, newest first (the current one included when used). */
export async function getMonthlyTokens(
  actor: Actor,
  subject: Subject,
  periods = 12,
): Promise<PeriodTokens[]> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const limit = z.number().int().min(1).max(120).parse(periods);
  const rows = await runAs(
    actor,
    (tx) =>
      tx<
        {
          period_start: Date;
          period_end: Date;
          platform_tokens: bigint;
          byok_tokens: bigint;
          platform_requests: bigint;
          byok_requests: bigint;
        }[]
      >`select * from public.quota_periods(${kind}, ${id}, ${limit})`,
  ).catch(planError);
  return rows.map((row) => ({
    periodStart: row.period_start,
    periodEnd: row.period_end,
    platformTokens: Number(row.platform_tokens),
    byokTokens: Number(row.byok_tokens),
    platformRequests: Number(row.platform_requests),
    byokRequests: Number(row.byok_requests),
  }));
}

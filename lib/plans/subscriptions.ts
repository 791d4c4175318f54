import 'server-only';
import { one, parseInput, runAs, subjectSchema, type Actor, type Subject } from '@/lib/core';
import { z } from 'zod';
import { planError } from './errors';
import type { OveragePolicy } from './plans';

/**
 * Subscriptions: one plan per user and per org in 30-day periods from an anchor. Reading one
 * settles it first (a due downgrade, the period's credit grant), so what it returns is current.
 */

export interface Subscription {
  subscriptionId: string;
  planId: string;
  planName: string;
  tier: number;
  anchorAt: Date;
  periodStart: Date;
  periodEnd: Date;
  /** A downgrade waiting for the period end. */
  pendingPlanId: string | null;
  pendingPlanName: string | null;
  pendingAt: Date | null;
  monthlyCreditGrant: bigint;
  monthlyLlmTokenLimit: number | null;
  requestsPerHour: number;
  byokCountsTowardLimits: boolean;
  overagePolicy: OveragePolicy;
  overageCreditsPerToken: bigint;
}

interface SubscriptionRow {
  subscription_id: string;
  plan_id: string;
  plan_name: string;
  tier: number;
  anchor_at: Date;
  period_start: Date;
  period_end: Date;
  pending_plan_id: string | null;
  pending_plan_name: string | null;
  pending_at: Date | null;
  monthly_credit_grant: bigint;
  monthly_llm_token_limit: bigint | null;
  requests_per_hour: number;
  byok_counts_toward_limits: boolean;
  overage_policy: OveragePolicy;
  overage_credits_per_token: bigint;
}

export async function getSubscription(actor: Actor, subject: Subject): Promise<Subscription> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const row = one(
    await runAs(
      actor,
      (tx) => tx<SubscriptionRow[]>`select * from public.subscription_current(${kind}, ${id})`,
    ).catch(planError),
    'result of subscription_current',
  );
  return {
    subscriptionId: row.subscription_id,
    planId: row.plan_id,
    planName: row.plan_name,
    tier: row.tier,
    anchorAt: row.anchor_at,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    pendingPlanId: row.pending_plan_id,
    pendingPlanName: row.pending_plan_name,
    pendingAt: row.pending_at,
    monthlyCreditGrant: row.monthly_credit_grant,
    monthlyLlmTokenLimit:
      row.monthly_llm_token_limit === null ? null : Number(row.monthly_llm_token_limit),
    requestsPerHour: row.requests_per_hour,
    byokCountsTowardLimits: row.byok_counts_toward_limits,
    overagePolicy: row.overage_policy,
    overageCreditsPerToken: row.overage_credits_per_token,
  };
}

type PlanChangeKind = 'upgraded' | 'downgrade_scheduled' | 'downgrade_canceled' | 'unchanged';

export interface PlanChange {
  subscriptionId: string;
  planId: string;
  pendingPlanId: string | null;
  pendingAt: Date | null;
  change: PlanChangeKind;
  periodStart: Date;
  periodEnd: Date;
  /** Plan credits granted by this change (an upgrade's difference in monthly credits). */
  creditsGranted: bigint;
}

const planId = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'must be a plan id');

/**
 * Moves a subject to a plan: an upgrade at once (new allowance less what was used this period),
 * a downgrade at the period end. The service (billing webhooks) or a platform admin only.
 */
export async function changePlan(
  actor: Actor,
  subject: Subject,
  targetPlanId: string,
): Promise<PlanChange> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const plan = parseInput(planId, targetPlanId);
  const row = one(
    await runAs(
      actor,
      (tx) =>
        tx<
          {
            subscription_id: string;
            plan_id: string;
            pending_plan_id: string | null;
            pending_at: Date | null;
            change: PlanChangeKind;
            period_start: Date;
            period_end: Date;
            credits_granted: bigint;
          }[]
        >`select * from public.subscription_change(${kind}, ${id}, ${plan})`,
    ).catch(planError),
    'result of subscription_change',
  );
  return {
    subscriptionId: row.subscription_id,
    planId: row.plan_id,
    pendingPlanId: row.pending_plan_id,
    pendingAt: row.pending_at,
    change: row.change,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    creditsGranted: row.credits_granted,
  };
}

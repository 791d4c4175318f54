import 'server-only';
import { z } from 'zod';
import { type DbSession } from '@/lib/db';
import { planError } from './errors';
import { parseInput, runAs, type Actor } from '@/lib/core';

/**
 * The price list: plans with their terms and per-feature allowances, and the token types with
 * their cost per action. Everyone signed in reads it; platform admins edit it (checked in SQL).
 */

export const OVERAGE_POLICIES = ['block', 'credits'] as const;
export type OveragePolicy = (typeof OVERAGE_POLICIES)[number];

export interface Plan {
  id: string;
  name: string;
  description: string;
  tier: number;
  /** Micro-credits granted each period, as a lot that expires at the period end. */
  monthlyCreditGrant: bigint;
  /** null = unlimited. */
  monthlyLlmTokenLimit: number | null;
  requestsPerHour: number;
  byokCountsTowardLimits: boolean;
  overagePolicy: OveragePolicy;
  /** Micro-credits per allowance token once an allowance is spent (policy "credits"). */
  overageCreditsPerToken: bigint;
  isDefault: boolean;
  isActive: boolean;
  allowances: Record<string, number>;
}

interface TokenType {
  name: string;
  label: string;
  description: string;
  costPerAction: number;
}

interface PlanRow {
  id: string;
  name: string;
  description: string;
  tier: number;
  monthly_credit_grant: bigint;
  monthly_llm_token_limit: bigint | null;
  requests_per_hour: number;
  byok_counts_toward_limits: boolean;
  overage_policy: OveragePolicy;
  overage_credits_per_token: bigint;
  is_default: boolean;
  is_active: boolean;
  allowances: Record<string, number> | null;
}

function toPlan(row: PlanRow): Plan {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tier: row.tier,
    monthlyCreditGrant: row.monthly_credit_grant,
    monthlyLlmTokenLimit:
      row.monthly_llm_token_limit === null ? null : Number(row.monthly_llm_token_limit),
    requestsPerHour: row.requests_per_hour,
    byokCountsTowardLimits: row.byok_counts_toward_limits,
    overagePolicy: row.overage_policy,
    overageCreditsPerToken: row.overage_credits_per_token,
    isDefault: row.is_default,
    isActive: row.is_active,
    allowances: row.allowances ?? {},
  };
}

/** Every plan (active first, by tier) with its allowances per token type. */
export async function listPlans(actor: Actor): Promise<Plan[]> {
  const rows = await runAs(
    actor,
    (tx) => tx<PlanRow[]>`
      select p.id, p.name, p.description, p.tier, p.monthly_credit_grant, p.monthly_llm_token_limit,
             p.requests_per_hour, p.byok_counts_toward_limits, p.overage_policy,
             p.overage_credits_per_token, p.is_default, p.is_active,
             (select jsonb_object_agg(a.token_type, a.monthly_allowance)
              from public.plan_token_allowances a where a.plan_id = p.id) as allowances
      from public.plans p
      order by p.is_active desc, p.tier`,
  );
  return rows.map(toPlan);
}

export async function listTokenTypes(actor: Actor): Promise<TokenType[]> {
  const rows = await runAs(
    actor,
    (tx) => tx<{ name: string; label: string; description: string; cost_per_action: number }[]>`
      select name, label, description, cost_per_action from public.token_types
      order by sort_order, name`,
  );
  return rows.map((row) => ({
    name: row.name,
    label: row.label,
    description: row.description,
    costPerAction: row.cost_per_action,
  }));
}

const micro = z
  .union([z.bigint(), z.number().int().nonnegative().safe(), z.string().regex(/^\d{1,16}$/)])
  .transform((value) => BigInt(value));

const planInput = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'must be 2–32 lowercase letters, digits or _'),
  name: z.string().trim().min(1).max(60),
  description: z.string().trim().max(500).default(''),
  tier: z.number().int().min(0).max(1000),
  monthlyCreditGrant: micro,
  monthlyLlmTokenLimit: z.number().int().nonnegative().safe().nullable(),
  requestsPerHour: z.number().int().min(1).max(100_000_000),
  byokCountsTowardLimits: z.boolean(),
  overagePolicy: z.enum(OVERAGE_POLICIES),
  overageCreditsPerToken: micro.default(0n),
  isActive: z.boolean().default(true),
});
type PlanInput = z.input<typeof planInput>;

/** Platform admins: creates or replaces a plan (every term at once). */
export async function savePlan(session: DbSession, input: PlanInput): Promise<void> {
  const plan = parseInput(planInput, input);
  await runAs(
    session,
    (tx) => tx`
      select id from public.plan_upsert(${plan.id}, ${plan.name}, ${plan.description}, ${plan.tier}::smallint,
        ${plan.monthlyCreditGrant.toString()}::bigint, ${plan.monthlyLlmTokenLimit}::bigint,
        ${plan.requestsPerHour}, ${plan.byokCountsTowardLimits}, ${plan.overagePolicy},
        ${plan.overageCreditsPerToken.toString()}::bigint, ${plan.isActive})`,
  ).catch(planError);
}

const allowanceInput = z.object({
  planId: z.string().min(1).max(32),
  tokenType: z.string().min(1).max(48),
  monthlyAllowance: z.number().int().min(0).max(1_000_000_000_000),
});

/** Platform admins: a plan's allowance for one feature (0 removes it); applies from the next period. */
export async function setPlanAllowance(
  session: DbSession,
  input: z.input<typeof allowanceInput>,
): Promise<void> {
  const args = parseInput(allowanceInput, input);
  await runAs(
    session,
    (tx) => tx`
      select public.plan_set_allowance(${args.planId}, ${args.tokenType}, ${args.monthlyAllowance}::bigint)`,
  ).catch(planError);
}

const tokenTypeInput = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, 'must be 2–48 lowercase letters, digits or _'),
  label: z.string().trim().min(1).max(60),
  costPerAction: z.number().int().min(1).max(1_000_000),
  description: z.string().trim().max(500).default(''),
  sortOrder: z.number().int().min(-1000).max(1000).default(0),
});

/** Platform admins: creates a token type or changes its label and cost per action. */
export async function saveTokenType(
  session: DbSession,
  input: z.input<typeof tokenTypeInput>,
): Promise<void> {
  const args = parseInput(tokenTypeInput, input);
  await runAs(
    session,
    (tx) => tx`
      select name from public.token_type_upsert(${args.name}, ${args.label}, ${args.costPerAction},
        ${args.description}, ${args.sortOrder}::smallint)`,
  ).catch(planError);
}

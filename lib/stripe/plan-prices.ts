import 'server-only';
import { z } from 'zod';
import { one, parseInput, runAs, type Actor } from '@/lib/core';
import { asService } from '@/lib/db';

/**
 * What plans cost: monthly and yearly prices in a currency's minor unit, a free trial, the grace
 * days of a failed renewal and the rollover cap. The price list is public (the pricing page reads
 * it without a session); platform admins edit it, checked in SQL.
 */

export interface PlanPrice {
  planId: string;
  currency: string;
  /** Minor units (cents); null = not sold monthly. */
  monthlyAmount: bigint | null;
  /** Minor units (cents); null = not sold yearly. */
  yearlyAmount: bigint | null;
  trialDays: number;
  graceDays: number;
  /** Micro-credits of unused plan credits carried into the next period (0 = none). */
  rolloverCap: bigint;
  /** Whether `npm run stripe:sync` has created its Stripe prices. */
  syncedToStripe: boolean;
}

interface PlanPriceRow {
  plan_id: string;
  currency: string;
  monthly_amount: bigint | null;
  yearly_amount: bigint | null;
  trial_days: number;
  grace_days: number;
  rollover_cap: bigint;
  synced: boolean;
}

function toPlanPrice(row: PlanPriceRow): PlanPrice {
  return {
    planId: row.plan_id,
    currency: row.currency,
    monthlyAmount: row.monthly_amount,
    yearlyAmount: row.yearly_amount,
    trialDays: row.trial_days,
    graceDays: row.grace_days,
    rolloverCap: row.rollover_cap,
    syncedToStripe: row.synced,
  };
}

/** Every plan's prices, keyed by plan id (plans without a row are free). */
export async function listPlanPrices(): Promise<Map<string, PlanPrice>> {
  const rows = await asService(
    (tx) => tx<PlanPriceRow[]>`
      select plan_id, currency, monthly_amount, yearly_amount, trial_days, grace_days, rollover_cap,
             (stripe_monthly_price_id is not null or monthly_amount is null) as synced
      from public.plan_billing`,
  );
  return new Map(rows.map((row) => [row.plan_id, toPlanPrice(row)]));
}

const minor = (max: number) =>
  z
    .union([z.bigint(), z.number().int().safe(), z.string().regex(/^\d{1,12}$/)])
    .transform((value, ctx) => {
      const amount = BigInt(value);
      if (amount < 50n || amount > BigInt(max)) {
        ctx.addIssue({ code: 'custom', message: `must be between 50 and ${max} minor units` });
        return z.NEVER;
      }
      return amount;
    });

export const planPriceInput = z.object({
  planId: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'must be a plan id'),
  currency: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{3}$/, 'must be a three-letter currency code'),
  monthlyAmount: minor(100_000_000).nullable(),
  yearlyAmount: minor(1_000_000_000).nullable(),
  trialDays: z.number().int().min(0).max(365),
  graceDays: z.number().int().min(0).max(60),
  rolloverCap: z
    .union([z.bigint(), z.number().int().nonnegative().safe(), z.string().regex(/^\d{1,16}$/)])
    .transform((value) => BigInt(value)),
});

/** Platform admins: sets a plan's prices and billing terms (null amounts: not for sale). */
export async function savePlanPrice(
  actor: Actor,
  input: z.input<typeof planPriceInput>,
): Promise<PlanPrice> {
  const args = parseInput(planPriceInput, input);
  const row = one(
    await runAs(
      actor,
      (tx) => tx<PlanPriceRow[]>`
        select plan_id, currency, monthly_amount, yearly_amount, trial_days, grace_days, rollover_cap,
               (stripe_monthly_price_id is not null or monthly_amount is null) as synced
        from public.plan_billing_set(${args.planId}, ${args.currency},
          ${args.monthlyAmount?.toString() ?? null}::bigint, ${args.yearlyAmount?.toString() ?? null}::bigint,
          ${args.trialDays}::smallint, ${args.graceDays}::smallint, ${args.rolloverCap.toString()}::bigint)`,
    ),
    'result of plan_billing_set',
  );
  return toPlanPrice(row);
}

import { formatCredits } from '@/lib/credits/format';
import { formatPrice } from '@/lib/stripe/format';

/**
 * A plan's terms in words for the pricing page: prices, credits, each feature's allowance as
 * actions a month ("about 100 lead generations a month"). Pure, so it is easy to test.
 */

export interface PlanCard {
  id: string;
  name: string;
  description: string;
  tier: number;
  /** "$29.00" or null when the plan is not sold monthly (free plans: "Free"). */
  monthlyPrice: string | null;
  yearlyPrice: string | null;
  /** "Save $58.00 a year" against twelve monthly payments. */
  yearlySaving: string | null;
  purchasable: { month: boolean; year: boolean };
  trialDays: number;
  monthlyCredits: string;
  rollover: string | null;
  features: string[];
  requestsPerHour: string;
  byok: string;
  overage: string;
}

interface PlanInput {
  id: string;
  name: string;
  description: string;
  tier: number;
  monthlyCreditGrant: bigint;
  requestsPerHour: number;
  byokCountsTowardLimits: boolean;
  overagePolicy: 'block' | 'credits';
  overageCreditsPerToken: bigint;
  allowances: Record<string, number>;
}

interface PriceInput {
  currency: string;
  monthlyAmount: bigint | null;
  yearlyAmount: bigint | null;
  trialDays: number;
  rolloverCap: bigint;
}

interface TokenTypeInput {
  name: string;
  label: string;
  costPerAction: number;
}

/** "Lead generation" → "lead generations"; "Strategy analysis" → "strategy analyses". */
export function pluralAction(label: string, count: number): string {
  const lower = label.toLowerCase();
  if (count === 1) return lower === 'general' ? 'general assistant action' : lower;
  if (lower === 'general') return 'general assistant actions';
  if (lower.endsWith('sis')) return `${lower.slice(0, -3)}ses`;
  return `${lower}s`;
}

/** "about 100 lead generations a month", from allowance tokens and a feature's cost per action. */
export function allowanceInWords(tokens: number, type: TokenTypeInput): string {
  const actions = Math.floor(tokens / type.costPerAction);
  return `about ${actions.toLocaleString('en-US')} ${pluralAction(type.label, actions)} a month`;
}

export function planCard(
  plan: PlanInput,
  price: PriceInput | undefined,
  tokenTypes: TokenTypeInput[],
): PlanCard {
  const currency = price?.currency ?? 'usd';
  const monthly = price?.monthlyAmount ?? null;
  const yearly = price?.yearlyAmount ?? null;
  const saving = monthly !== null && yearly !== null ? monthly * 12n - yearly : 0n;
  const features = tokenTypes
    .filter((type) => (plan.allowances[type.name] ?? 0) > 0)
    .map((type) => allowanceInWords(plan.allowances[type.name]!, type));
  return {
    id: plan.id,
    name: plan.name,
    description: plan.description,
    tier: plan.tier,
    monthlyPrice: monthly === null ? null : formatPrice(monthly, currency),
    yearlyPrice: yearly === null ? null : formatPrice(yearly, currency),
    yearlySaving: saving > 0n ? `Save ${formatPrice(saving, currency)} a year` : null,
    purchasable: { month: monthly !== null, year: yearly !== null },
    trialDays: monthly === null ? 0 : (price?.trialDays ?? 0),
    monthlyCredits: `${formatCredits(plan.monthlyCreditGrant, { decimals: 0 })} credits a month`,
    rollover:
      price && price.rolloverCap > 0n
        ? `Unused plan credits roll over, up to ${formatCredits(price.rolloverCap, { decimals: 0 })}`
        : null,
    features,
    requestsPerHour: `${plan.requestsPerHour.toLocaleString('en-US')} requests per hour`,
    byok: plan.byokCountsTowardLimits
      ? 'Your own provider keys (BYOK) count toward the limits'
      : 'Your own provider keys (BYOK) do not count toward the limits',
    overage:
      features.length === 0
        ? 'No AI feature allowances: AI usage is paid with credits'
        : plan.overagePolicy === 'credits'
          ? `Past an allowance, features spend credits (${formatCredits(plan.overageCreditsPerToken)} per token)`
          : 'Past an allowance, features pause until the next period',
  };
}

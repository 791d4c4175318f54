import { describe, expect, it } from 'vitest';
import { allowanceInWords, planCard, pluralAction } from '../../app/(marketing)/pricing/plan-terms';

const types = [
  { name: 'goal_generation', label: 'Goal generation', costPerAction: 3 },
  { name: 'strategy_analysis', label: 'Strategy analysis', costPerAction: 2 },
  { name: 'general', label: 'General', costPerAction: 1 },
];

const pro = {
  id: 'pro',
  name: 'Pro',
  description: 'AI features.',
  tier: 20,
  monthlyCreditGrant: 100_000_000n,
  requestsPerHour: 1000,
  byokCountsTowardLimits: false,
  overagePolicy: 'block' as const,
  overageCreditsPerToken: 0n,
  allowances: { goal_generation: 20, strategy_analysis: 200, general: 1000 },
};

describe('pricing terms in words', () => {
  it('turns allowance tokens into actions a month', () => {
    expect(allowanceInWords(20, types[0]!)).toBe('about 6 goal generations a month');
    expect(allowanceInWords(200, types[1]!)).toBe('about 100 strategy analyses a month');
    expect(allowanceInWords(1000, types[2]!)).toBe('about 1,000 general assistant actions a month');
    expect(pluralAction('Forecast', 1)).toBe('forecast');
  });

  it('describes a priced plan: prices, yearly saving, trial, credits, rollover, limits', () => {
    const card = planCard(
      pro,
      {
        currency: 'usd',
        monthlyAmount: 2900n,
        yearlyAmount: 29000n,
        trialDays: 14,
        rolloverCap: 100_000_000n,
      },
      types,
    );
    expect(card).toMatchObject({
      monthlyPrice: '$29.00',
      yearlyPrice: '$290.00',
      yearlySaving: 'Save $58.00 a year',
      purchasable: { month: true, year: true },
      trialDays: 14,
      monthlyCredits: '100 credits a month',
      rollover: 'Unused plan credits roll over, up to 100',
      requestsPerHour: '1,000 requests per hour',
      overage: 'Past an allowance, features pause until the next period',
    });
    expect(card.features).toHaveLength(3);
  });

  it('a plan without a price is free and cannot be bought', () => {
    const card = planCard({ ...pro, allowances: {} }, undefined, types);
    expect(card).toMatchObject({
      monthlyPrice: null,
      purchasable: { month: false, year: false },
      trialDays: 0,
      rollover: null,
      features: [],
    });
  });
});

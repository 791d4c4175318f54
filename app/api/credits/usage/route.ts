import { z } from 'zod';
import { route } from '@/lib/api';
import {
  breakdownView,
  getPeriodGrantProgress,
  getUsageBreakdown,
  getUsageByCategory,
  resolveWallet,
  usagePeriod,
} from '@/lib/credits';

export const runtime = 'nodejs';

const query = z.object({
  period: usagePeriod,
  view: z.union([z.literal('category'), z.literal('grant'), breakdownView]).default('category'),
});

/**
 * Personal spending over ?period=7d|30d|90d. ?view=category (default): by category with a daily
 * series; model or feature: AI usage by model or feature; grant: progress through this plan
 * period's credit grant and allowances (the period is the plan's own, so ?period is ignored).
 */
export const GET = route({ query }, async ({ session, query }) => {
  const wallet = { type: 'personal' } as const;
  if (query.view === 'grant') return getPeriodGrantProgress(session, wallet);
  if (query.view === 'category') {
    return getUsageByCategory(session, await resolveWallet(session, wallet), query.period);
  }
  return getUsageBreakdown(session, wallet, query.view, query.period);
});

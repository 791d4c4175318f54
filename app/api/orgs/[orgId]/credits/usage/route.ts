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

const params = z.object({ orgId: z.uuid() });
const query = z.object({
  period: usagePeriod,
  view: z.union([z.literal('category'), z.literal('grant'), breakdownView]).default('category'),
});

/**
 * The org wallet's spending, for its members: ?view=category (default, with a daily series),
 * model, feature, member (owners and admins) or grant (this plan period's credit grant and
 * allowances), over ?period=7d|30d|90d.
 */
export const GET = route({ params, query }, async ({ session, params, query }) => {
  const wallet = { type: 'org', orgId: params.orgId } as const;
  if (query.view === 'grant') return getPeriodGrantProgress(session, wallet);
  if (query.view === 'category') {
    return getUsageByCategory(session, await resolveWallet(session, wallet), query.period);
  }
  return getUsageBreakdown(session, wallet, query.view, query.period);
});

import { z } from 'zod';
import { route } from '@/lib/api';
import { getUsageByCategory, resolveWallet, usagePeriod } from '@/lib/credits';

export const runtime = 'nodejs';

/** Personal spending by category with a daily series: ?period=7d|30d|90d. */
export const GET = route({ query: z.object({ period: usagePeriod }) }, async ({ session, query }) =>
  getUsageByCategory(session, await resolveWallet(session, { type: 'personal' }), query.period),
);

import { z } from 'zod';
import { route } from '@/lib/api';
import { getUsageByCategory, resolveWallet, usagePeriod } from '@/lib/credits';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** The org wallet's spending by category with a daily series, for its members. */
export const GET = route(
  { params, query: z.object({ period: usagePeriod }) },
  async ({ session, params, query }) =>
    getUsageByCategory(
      session,
      await resolveWallet(session, { type: 'org', orgId: params.orgId }),
      query.period,
    ),
);

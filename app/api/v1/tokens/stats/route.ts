import { z } from 'zod';
import { route } from '@/lib/api';
import { getTokenStats, statsPeriod } from '@/lib/aiTokens';
import { subjectFor } from '@/lib/core';

export const runtime = 'nodejs';

/** Allowance balances and their use: ?period=7d|30d|90d, ?orgId= for an org's (members only). */
export const GET = route(
  { query: z.object({ period: statsPeriod, orgId: z.uuid().optional() }) },
  async ({ session, query }) =>
    getTokenStats(session, subjectFor(session, query.orgId), query.period),
);

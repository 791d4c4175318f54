import { route } from '@/lib/api';
import { getTokenStats, tokenStatsQuery } from '@/lib/aiTokens';
import { subjectFor } from '@/lib/core';

export const runtime = 'nodejs';

/** Allowance balances and their use: ?period=7d|30d|90d, ?orgId= for an org's (members only). */
export const GET = route({ query: tokenStatsQuery }, async ({ session, query }) =>
  getTokenStats(session, subjectFor(session, query.orgId), query.period),
);

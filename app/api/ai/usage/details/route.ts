import { route } from '@/lib/api';
import { listUsageDetails, usageDetailsQuery } from '@/lib/gateway';

export const runtime = 'nodejs';

/**
 * Per-call AI usage of the caller (or of an org with ?orgId=: owners and admins see every
 * member's calls, members their own), newest first. Filters: from, to, model, feature,
 * operation, status; pass nextCursor back as ?cursor= for the next page.
 */
export const GET = route({ query: usageDetailsQuery }, async ({ session, query }) =>
  listUsageDetails(session, query),
);

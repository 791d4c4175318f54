import { z } from 'zod';
import { route } from '@/lib/api';
import { historyFilters, listTransactions, resolveWallet } from '@/lib/credits';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** The org wallet's transactions, for its members (404 to everyone else). */
export const GET = route({ params, query: historyFilters }, async ({ session, params, query }) =>
  listTransactions(
    session,
    await resolveWallet(session, { type: 'org', orgId: params.orgId }),
    query,
  ),
);

import { route } from '@/lib/api';
import { historyFilters, listTransactions, resolveWallet } from '@/lib/credits';

export const runtime = 'nodejs';

/** Personal transactions, newest first: ?type&category&direction&from&to&cursor&limit. */
export const GET = route({ query: historyFilters }, async ({ session, query }) =>
  listTransactions(session, await resolveWallet(session, { type: 'personal' }), query),
);

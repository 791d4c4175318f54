import { route } from '@/lib/api';
import { resolveWallet } from '@/lib/credits';
import { exportFilename, historyCsvResponse, historyExportFilters } from '@/lib/exports';

export const runtime = 'nodejs';

/** Personal transactions as CSV, with the same filters as /history: ?type&category&direction&from&to. */
export const GET = route({ query: historyExportFilters }, async ({ session, query }) =>
  historyCsvResponse(
    session,
    await resolveWallet(session, { type: 'personal' }),
    query,
    exportFilename('tollgate-credits'),
  ),
);

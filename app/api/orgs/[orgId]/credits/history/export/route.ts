import { z } from 'zod';
import { route } from '@/lib/api';
import { resolveWallet } from '@/lib/credits';
import { exportFilename, historyCsvResponse, historyExportFilters } from '@/lib/exports';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** The org wallet's transactions as CSV, for its members (404 to everyone else). */
export const GET = route(
  { params, query: historyExportFilters },
  async ({ session, params, query }) =>
    historyCsvResponse(
      session,
      await resolveWallet(session, { type: 'org', orgId: params.orgId }),
      query,
      exportFilename('tollgate-org-credits'),
    ),
);

import { z } from 'zod';
import { route } from '@/lib/api';
import { batchExportQuery, batchResultsResponse } from '@/lib/exports';

export const runtime = 'nodejs';

const params = z.object({ id: z.string().max(100) });

/** The batch's results as a download: ?format=csv (default) or ?format=jsonl; 404 for others'. */
export const GET = route({ params, query: batchExportQuery }, async ({ session, params, query }) =>
  batchResultsResponse(session, params.id, query.format),
);

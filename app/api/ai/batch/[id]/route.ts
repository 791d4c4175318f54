import { z } from 'zod';
import { route } from '@/lib/api';
import { batchPage, cancelBatch, getBatch } from '@/lib/ai';

export const runtime = 'nodejs';

const params = z.object({ id: z.string().max(100) });

/** Status, progress, totals and one page of results (?offset=&limit=); 404 for anyone else's. */
export const GET = route({ params, query: batchPage }, async ({ session, params, query }) =>
  getBatch(session, params.id, query),
);

/** Cancels the rest of the batch (same as POST …/cancel). */
export const DELETE = route({ params }, async ({ session, params }) => ({
  batch: await cancelBatch(session, params.id),
}));

import { z } from 'zod';
import { route } from '@/lib/api';
import { batchInput, listBatches, submitBatch, scheduleBatch } from '@/lib/ai';

export const runtime = 'nodejs';

/**
 * Submits up to 1,000 AI requests at once. Every item's worst case is reserved now (402 with
 * needed/available when the wallet cannot cover the whole batch, and nothing is written); the
 * items run in the background and are charged by real usage. Accepts Idempotency-Key.
 */
export const POST = route({ body: batchInput }, async ({ session, body, idempotencyKey }) => {
  const batch = await submitBatch(session, body, idempotencyKey);
  if (!batch.replayed) {
    await scheduleBatch(batch.id).catch((error: unknown) =>
      // The batch stays queued with its holds; holds lapse on their own if it never runs.
      console.error('[ai] could not queue batch', batch.id, error),
    );
  }
  return { batch: { ...batch, status: 'queued' } };
});

const query = z.object({ orgId: z.uuid().optional() });

/** The caller's latest batches (or an org's, as far as the caller may see them). */
export const GET = route({ query }, async ({ session, query }) => ({
  batches: await listBatches(session, { orgId: query.orgId }),
}));

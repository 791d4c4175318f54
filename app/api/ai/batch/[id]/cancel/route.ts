import { z } from 'zod';
import { route } from '@/lib/api';
import { cancelBatch } from '@/lib/ai';

export const runtime = 'nodejs';

const params = z.object({ id: z.string().max(100) });

/** Cancels the items not started yet and releases their holds; running items finish. */
export const POST = route({ params }, async ({ session, params }) => ({
  batch: await cancelBatch(session, params.id),
}));

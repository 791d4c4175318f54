import { z } from 'zod';
import { route, jsonWithStatus } from '@/lib/api';
import { replayDelivery } from '@/lib/webhooks';

export const runtime = 'nodejs';

/** Sends the delivery's event again as a new delivery (its own attempts); 202 with its id. */
export const POST = route({ params: z.object({ id: z.uuid() }) }, async ({ session, params }) =>
  jsonWithStatus(await replayDelivery(session, params.id), 202),
);

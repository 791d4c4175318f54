import { z } from 'zod';
import { route, jsonWithStatus } from '@/lib/api';
import { sendTestEvent } from '@/lib/webhooks';

export const runtime = 'nodejs';

/** Queues a `webhook.test` event to this endpoint only; 202 with the delivery id. */
export const POST = route({ params: z.object({ id: z.uuid() }) }, async ({ session, params }) =>
  jsonWithStatus(await sendTestEvent(session, params.id), 202),
);

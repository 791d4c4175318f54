import 'server-only';
import { z } from 'zod';
import type { JobHandlers } from '@/lib/jobs';
import { attemptDelivery, dispatchWebhookEvents } from './deliver';

const deliverData = z.object({ deliveryId: z.uuid() });

/** The webhook jobs the worker runs (lib/worker composes every domain's jobs). */
export const webhookJobs: JobHandlers = {
  // Fan new outbox events out to webhook endpoints. The worker also runs it as soon as an event
  // is written (LISTEN tollgate_events); the schedule catches anything a notification missed.
  'webhooks.dispatch': {
    schedule: '* * * * *',
    handle: () => dispatchWebhookEvents(),
  },
  // One HTTP attempt of one delivery; a failure queues the next attempt itself.
  'webhooks.deliver': {
    handle: async (job) => ({
      outcome: await attemptDelivery(deliverData.parse(job.data).deliveryId),
    }),
  },
};

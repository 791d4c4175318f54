import 'server-only';
import { z } from 'zod';
import { processBatch } from '@/lib/ai/batch';
import { scheduleBatch } from '@/lib/ai/batch-schedule';
import { runMaintenanceTick } from '@/lib/maintenance';
import { attemptDelivery, dispatchWebhookEvents } from '@/lib/webhooks/deliver';
import type { JobHandlers } from './index';

/**
 * What each job does: job name → handler (and an optional cron schedule, UTC). The worker
 * (scripts/worker.ts) runs exactly these. A new job adds its queue in ./queues.ts and its
 * handler here.
 */

const deliverData = z.object({ deliveryId: z.uuid() });
const batchData = z.object({ batchId: z.uuid() });

export const jobHandlers: JobHandlers = {
  // Expire holds and lots, refresh allowances, dispatch auto-recharges: every minute.
  'maintenance.tick': {
    schedule: '* * * * *',
    handle: () => runMaintenanceTick(),
  },
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
  // Runs a submitted AI batch to its end (idempotent: a retried job resumes the batch). Items
  // still leased by a worker that stopped are looked at again when their lease lapses.
  'ai.batch': {
    handle: async (job) => {
      const { batchId } = batchData.parse(job.data);
      const result = await processBatch(batchId);
      if (result.retryAfterSeconds !== null) await scheduleBatch(batchId, result.retryAfterSeconds);
      return result;
    },
  },
};

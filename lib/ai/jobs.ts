import 'server-only';
import { z } from 'zod';
import type { JobHandlers } from '@/lib/jobs';
import { processBatch } from './batch';
import { scheduleBatch } from './batch-schedule';

const batchData = z.object({ batchId: z.uuid() });

/** The AI feature jobs the worker runs (lib/worker composes every domain's jobs). */
export const batchJobs: JobHandlers = {
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

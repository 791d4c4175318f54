import 'server-only';
import type { JobHandlers } from '@/lib/jobs';
import { batchJobs } from '@/lib/ai';
import { emailJobs } from '@/lib/mailer';
import { maintenanceJobs } from '@/lib/maintenance';
import { postpaidJobs } from '@/lib/stripe';
import { webhookJobs } from '@/lib/webhooks';

/**
 * What the worker (scripts/worker.ts) runs: job name → handler, each given by the domain that owns
 * the job. lib/jobs only queues and runs jobs and imports no domain, so a domain can enqueue its
 * own jobs without a cycle; this module sits above them and nothing in lib imports it.
 */
export const jobHandlers: JobHandlers = {
  ...maintenanceJobs,
  ...webhookJobs,
  ...batchJobs,
  ...postpaidJobs,
  ...emailJobs,
};

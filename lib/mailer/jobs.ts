import 'server-only';
import type { JobHandlers } from '@/lib/jobs';
import { sendDueEmails } from './send';

/** The email job the worker runs (lib/worker composes every domain's jobs). */
export const emailJobs: JobHandlers = {
  // Sends what is due. The worker also runs it as soon as mail is queued (LISTEN
  // tollgate_email); the schedule picks up retries and anything a notification missed.
  'email.send': {
    schedule: '* * * * *',
    handle: () => sendDueEmails(),
  },
};

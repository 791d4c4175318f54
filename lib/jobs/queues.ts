import type PgBoss from 'pg-boss';

/**
 * Every queue the app uses, with its pg-boss options. `enqueue` and the worker both create a
 * queue from here before using it, so its options never depend on who touched it first.
 * A new kind of job adds its queue here; its domain exports the handler, and lib/worker adds
 * it to the worker's table.
 */
export const JOB_QUEUES = {
  // One tick runs at a time (a slow tick never overlaps the next).
  'maintenance.tick': { policy: 'singleton', retryLimit: 0, expireInSeconds: 5 * 60 },
  'webhooks.dispatch': {
    policy: 'standard',
    retryLimit: 3,
    retryDelay: 5,
    expireInSeconds: 5 * 60,
  },
  // HTTP failures are retried by the delivery itself (24-h backoff, every attempt recorded);
  // pg-boss retries only when the handler crashed (say the database was unreachable).
  'webhooks.deliver': {
    policy: 'standard',
    retryLimit: 5,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 2 * 60,
  },
  // Sends every due email; one run at a time (each email is claimed, so overlap would only idle).
  'email.send': { policy: 'singleton', retryLimit: 2, retryDelay: 10, expireInSeconds: 5 * 60 },
  // A batch runs until no item is left; a crashed run is retried and resumes where it stopped.
  'ai.batch': { policy: 'standard', retryLimit: 2, retryDelay: 30, expireInSeconds: 60 * 60 },
  // Pay-as-you-go usage to Stripe's meter; each usage row retries on its own backoff in SQL, and
  // one send runs at a time.
  'stripe.meter_events': { policy: 'singleton', retryLimit: 0, expireInSeconds: 5 * 60 },
} satisfies Record<string, Omit<PgBoss.Queue, 'name'>>;

export type JobName = keyof typeof JOB_QUEUES;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_QUEUES, name);
}

import { EnvError, loadEnv } from '../lib/env';
import { closePool, createPool } from '../lib/db/pool';
import { enqueue, nudgeWorker, startWorker, stopWorker } from '../lib/jobs';
import { jobHandlers } from '../lib/worker';

/**
 * `npm run worker`: runs the background jobs (maintenance tick every minute, webhook dispatch and
 * delivery, batch AI jobs, email) on pg-boss, against DATABASE_URL. `npm run dev` starts it next to the
 * app; in production run it as its own long-lived process (one or more).
 */

const log = (line: string) => console.log(`[worker] ${line}`);

async function main(): Promise<void> {
  try {
    loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  await startWorker({ handlers: jobHandlers, log });

  // New outbox events wake the dispatcher at once (at most one queued dispatch per second).
  // LISTEN needs a session-mode connection, like pg-boss itself.
  const session = createPool(process.env.JOBS_DATABASE_URL || process.env.DATABASE_URL!, 1);
  const listener = await session.listen('tollgate_events', () => {
    enqueue('webhooks.dispatch', {}, { singletonKey: 'events', singletonSeconds: 1 })
      .then(() => nudgeWorker('webhooks.dispatch'))
      .catch((error: unknown) => log(`could not queue a dispatch: ${String(error)}`));
  });
  // Queued email goes out at once too (at most one queued send run per second).
  const mailListener = await session.listen('tollgate_email', () => {
    enqueue('email.send', {}, { singletonKey: 'email', singletonSeconds: 1 })
      .then(() => nudgeWorker('email.send'))
      .catch((error: unknown) => log(`could not queue an email run: ${String(error)}`));
  });
  // Whatever was written while no worker ran goes out now.
  await enqueue('webhooks.dispatch', {});
  await enqueue('email.send', {});
  log('ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing running jobs`);
    await listener.unlisten().catch(() => undefined);
    await mailListener.unlisten().catch(() => undefined);
    await session.end({ timeout: 5 }).catch(() => undefined);
    await stopWorker().catch((error: unknown) => console.error(error));
    await closePool().catch(() => undefined);
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(signal));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import 'server-only';
import PgBoss from 'pg-boss';
import { toJson } from '@/lib/core';
import { JOB_QUEUES, isJobName, type JobName } from './queues';

/**
 * Background jobs on Postgres with pg-boss (its tables live in the `pgboss` schema, which
 * pg-boss creates and migrates at start). One instance per process, on the same DATABASE_URL
 * as lib/db. The app only sends jobs; `npm run worker` (scripts/worker.ts) runs them.
 *
 * pg-boss needs a session-mode connection: on Supabase set JOBS_DATABASE_URL to the direct
 * connection or the session pooler (port 5432), since DATABASE_URL is the transaction pooler.
 */

interface Job<T = unknown> {
  id: string;
  name: string;
  data: T;
}

type JobHandler = (job: Job) => Promise<unknown>;

interface JobDefinition {
  handle: JobHandler;
  /** Cron expression (UTC) when the job also runs on a schedule. */
  schedule?: string;
}

export type JobHandlers = Partial<Record<JobName, JobDefinition>>;

interface EnqueueOptions {
  /** Do not run before this time (a Date) or this many seconds from now. */
  startAfter?: Date | number;
  /** At most one queued job with this key at a time (per queue). */
  singletonKey?: string;
  /** With singletonKey: one job per key within this many seconds. */
  singletonSeconds?: number;
  priority?: number;
}

interface WorkerOptions {
  handlers: JobHandlers;
  /** Database to use; defaults to DATABASE_URL. */
  databaseUrl?: string;
  /** How often idle workers look for jobs (pg-boss minimum 0.5 s). */
  pollingIntervalSeconds?: number;
  /** Jobs each queue runs at once. */
  concurrency?: number;
  log?: (line: string) => void;
}

type Mode = 'send' | 'work';

let boss: PgBoss | undefined;
let bossMode: Mode | undefined;
let opening: Promise<PgBoss> | undefined;
const queuesReady = new Set<string>();

function connectionString(url?: string): string {
  // Read at call time (not through env()) so tests and scripts can point it at their database.
  const value = url ?? (process.env.JOBS_DATABASE_URL || process.env.DATABASE_URL);
  if (!value) {
    throw new Error(
      'DATABASE_URL is not set: background jobs use the same database as the app (start it with `npm run dev`).',
    );
  }
  return value;
}

async function open(mode: Mode, url?: string): Promise<PgBoss> {
  const instance = new PgBoss({
    connectionString: connectionString(url),
    schema: 'pgboss',
    application_name: mode === 'work' ? 'tollgate-worker' : 'tollgate-jobs',
    max: mode === 'work' ? 6 : 2,
    // Only the worker maintains the queues (expiry, archiving) and fires cron schedules.
    supervise: mode === 'work',
    schedule: mode === 'work',
    migrate: true,
  });
  instance.on('error', (error: unknown) =>
    console.error(`[jobs] ${error instanceof Error ? error.message : String(error)}`),
  );
  await instance.start();
  boss = instance;
  bossMode = mode;
  queuesReady.clear();
  return instance;
}

async function instanceFor(mode: Mode, url?: string): Promise<PgBoss> {
  // Concurrent first calls share one start (the check and the assignment below run together).
  while (opening) await opening.catch(() => undefined);
  if (boss && (bossMode === 'work' || mode === 'send')) return boss;
  // A sending-only instance is replaced by a full one when this process becomes the worker.
  const previous = boss;
  boss = undefined;
  opening = (async () => {
    await previous?.stop({ graceful: false, wait: true }).catch(() => undefined);
    return open(mode, url);
  })();
  try {
    return await opening;
  } finally {
    opening = undefined;
  }
}

async function ensureQueue(instance: PgBoss, name: JobName): Promise<void> {
  if (queuesReady.has(name)) return;
  await instance.createQueue(name, { name, ...JOB_QUEUES[name] });
  queuesReady.add(name);
}

/** Queues a job; returns its id (null when a singleton key already holds the slot). */
export async function enqueue<T extends object>(
  name: JobName,
  data: T,
  options: EnqueueOptions = {},
): Promise<string | null> {
  if (!isJobName(name)) throw new Error(`Unknown job ${String(name)}.`);
  const instance = await instanceFor('send');
  await ensureQueue(instance, name);
  // pg-boss rejects keys that are present but undefined: pass only what was given.
  const sendOptions: PgBoss.SendOptions = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  );
  return instance.send(name, data, sendOptions);
}

let workerIds: Partial<Record<JobName, string[]>> = {};

/** Wakes the named queue's worker in this process at once instead of at its next poll. */
export function nudgeWorker(name: JobName): void {
  for (const id of workerIds[name] ?? []) boss?.notifyWorker(id);
}

/** Starts working every queue that has a handler, and registers their cron schedules. */
export async function startWorker(options: WorkerOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const instance = await instanceFor('work', options.databaseUrl);
  workerIds = {};
  for (const [name, definition] of Object.entries(options.handlers) as [JobName, JobDefinition][]) {
    await ensureQueue(instance, name);
    // `concurrency` single-job workers per queue: each job succeeds or fails on its own.
    const ids: string[] = [];
    for (let slot = 0; slot < (options.concurrency ?? 2); slot++) {
      ids.push(
        await instance.work<object>(
          name,
          { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 },
          async ([job]) => {
            if (!job) return;
            try {
              const output = await definition.handle({ id: job.id, name, data: job.data });
              // pg-boss stores the result as JSON: bigint amounts travel as decimal strings.
              return output === undefined ? undefined : (JSON.parse(toJson(output)) as unknown);
            } catch (error) {
              log(`${name} ${job.id} failed: ${error instanceof Error ? error.message : error}`);
              throw error;
            }
          },
        ),
      );
    }
    workerIds[name] = ids;
    if (definition.schedule) {
      await instance.schedule(name, definition.schedule, {}, { tz: 'UTC' });
    } else {
      await instance.unschedule(name).catch(() => undefined);
    }
    log(`working ${name}${definition.schedule ? ` (schedule ${definition.schedule})` : ''}`);
  }
}

/** Stops working (waits for running jobs, at most `timeoutMs`) and closes the connections. */
export async function stopWorker(timeoutMs = 10_000): Promise<void> {
  if (opening) await opening.catch(() => undefined);
  const instance = boss;
  boss = undefined;
  bossMode = undefined;
  workerIds = {};
  queuesReady.clear();
  await instance?.stop({ graceful: true, wait: true, timeout: timeoutMs });
}

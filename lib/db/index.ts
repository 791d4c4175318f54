import 'server-only';
import type postgres from 'postgres';
import { getPool } from './pool';
import { HEALTH_DEADLINE_MS, withDeadline } from './request-timeouts';

/**
 * The two doors to the database, as PostgREST opens them:
 *
 *   withUser(session, tx => …)  a transaction as `authenticated` with the verified JWT claims in
 *                               `request.jwt.claims`, so RLS and auth.uid() apply;
 *   asService(tx => …)          a transaction as `service_role` for trusted server work
 *                               (webhooks, jobs, the platform admin).
 *
 * There is no third door for queries: app code never queries outside one of these. The one
 * exception is group commit (`groupCommit`), which sends a batch function in one statement; that
 * function switches to each item's role and claims itself, exactly as these doors would.
 */

export type Tx = postgres.TransactionSql;

/** Claims as Supabase Auth issues them; only verified claims may reach the database. */
export interface JwtClaims {
  sub: string;
  email?: string;
  role: 'authenticated';
  aud: string | string[];
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

export interface DbSession {
  userId: string;
  claims: JwtClaims;
}

/**
 * Sends the role and claims together with the work's first statement instead of waiting a round
 * trip for them: statements on one transaction run in the order they were sent, so the work still
 * runs under the role, and a failed setup aborts the transaction before any of it.
 */
async function pipelined<T>(
  tx: Tx,
  setup: postgres.PendingQuery<postgres.Row[]>,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const ready = setup.execute().then(
    () => null,
    (error: unknown) => ({ error }),
  );
  let result: T;
  try {
    result = await work(tx);
  } catch (error) {
    const failed = await ready;
    throw failed ? failed.error : error;
  }
  const failed = await ready;
  if (failed) throw failed.error;
  return result;
}

export function withUser<T>(session: DbSession, work: (tx: Tx) => Promise<T>): Promise<T> {
  return getPool().begin((tx) =>
    pipelined(
      tx,
      tx`
        select set_config('role', 'authenticated', true),
               set_config('request.jwt.claims', ${JSON.stringify(session.claims)}, true)`,
      work,
    ),
  ) as Promise<T>;
}

const SERVICE_CLAIMS = JSON.stringify({ role: 'service_role' });

export function asService<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return getPool().begin((tx) =>
    pipelined(
      tx,
      tx`
        select set_config('role', 'service_role', true),
               set_config('request.jwt.claims', ${SERVICE_CLAIMS}, true)`,
      work,
    ),
  ) as Promise<T>;
}

/**
 * One statement in a transaction as the user (or the service), in one round trip: BEGIN, the role
 * and claims, the statement and COMMIT are sent together on one connection and run in that order,
 * so the statement sees exactly what withUser/asService would give it (role, claims, RLS, grants)
 * without waiting for each step. A failing step aborts the transaction, and COMMIT then rolls it
 * back. For a single read or a single function call; work that needs several steps uses withUser.
 */
export async function statementAs<T extends readonly postgres.Row[]>(
  session: DbSession | 'service',
  statement: (sql: postgres.Sql) => postgres.PendingQuery<T>,
): Promise<T> {
  const conn = await getPool().reserve();
  try {
    const role = session === 'service' ? 'service_role' : 'authenticated';
    const claims = session === 'service' ? SERVICE_CLAIMS : JSON.stringify(session.claims);
    const steps = [
      conn`begin`.execute(),
      conn`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${claims}, true)`.execute(),
    ];
    const work = statement(conn).execute();
    const commit = conn`commit`.execute();
    const settled = await Promise.allSettled([...steps, work, commit]);
    const failed = settled.find((step) => step.status === 'rejected');
    if (failed) throw failed.reason;
    return await work;
  } finally {
    conn.release();
  }
}

/**
 * LISTEN on a channel of NOTIFY wake-ups (a channel carries no data, only "look again"), on the
 * pool's dedicated listening connection; `onListen` runs on every (re)connect.
 */
export function listen(channel: string, onNotify: () => void, onListen?: () => void) {
  return getPool().listen(channel, onNotify, onListen);
}

export { hotConfig, hotCache, type HotConfig, type HotCache } from './hot-config';

/** A liveness probe that needs no role: used by /api/health. */
export async function pingDatabase(): Promise<boolean> {
  // A dead or frozen server must not hold the health check: 503 within the deadline.
  const [row] = await withDeadline(
    getPool()`select 1 as ok`.execute(),
    HEALTH_DEADLINE_MS,
    'The database did not answer in time.',
  );
  return row?.ok === 1;
}

export { groupCommit, type GroupCommit } from './group-commit';

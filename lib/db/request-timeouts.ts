import type postgres from 'postgres';

/**
 * Timeouts of the web pool: a request must fail fast when the database is down instead of
 * waiting for the operating system's TCP timeouts. Scripts (migrations, workers) keep their own
 * pools without a statement timeout. Free of `server-only`, like pool.ts.
 */

/** A new connection that is not ready within this many seconds fails the query waiting on it. */
export const CONNECT_TIMEOUT_SECONDS = 3;
/** How long the health check waits for `select 1` before it answers 503. */
export const HEALTH_DEADLINE_MS = 1_500;

export function requestPoolOptions(
  env: NodeJS.ProcessEnv = process.env,
): postgres.Options<Record<string, postgres.PostgresType>> {
  const statementMs = Number(env.DATABASE_STATEMENT_TIMEOUT_MS ?? 30_000);
  return {
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    // Server-side bounds, sent as startup parameters; 0 turns them off (e.g. a pooler that
    // refuses startup parameters).
    connection:
      statementMs > 0
        ? {
            statement_timeout: statementMs,
            idle_in_transaction_session_timeout: statementMs * 2,
          }
        : {},
  };
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

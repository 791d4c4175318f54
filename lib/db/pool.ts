import postgres from 'postgres';
import { requestPoolOptions } from './request-timeouts';

/**
 * The one connection pool of this process. Bigint columns come back as JavaScript bigint so money
 * never passes through a float. Free of `server-only` so scripts can share it; app code imports
 * `@/lib/db`.
 */

let pool: postgres.Sql | undefined;

/**
 * Whether the pool may use prepared statements. Without them the driver asks the server to
 * describe every statement with parameters before it sends it: two round trips where one would
 * do, and a pipelined transaction (statementAs) stalls at each such statement. A transaction
 * pooler cannot keep a statement prepared on one connection for the next transaction, so they
 * are off there: Supabase's transaction pooler (port 6543), a URL marked `pgbouncer=true`, or
 * `DATABASE_PREPARE=false`. Direct connections, session poolers and the embedded database keep
 * them (`DATABASE_PREPARE=true` forces them on).
 */
export function usesPreparedStatements(
  url: string,
  setting = process.env.DATABASE_PREPARE,
): boolean {
  if (setting === 'true') return true;
  if (setting === 'false') return false;
  try {
    const parsed = new URL(url);
    return parsed.port !== '6543' && parsed.searchParams.get('pgbouncer') !== 'true';
  } catch {
    return false;
  }
}

export function createPool(
  url: string,
  max = 10,
  extra: postgres.Options<Record<string, postgres.PostgresType>> = {},
): postgres.Sql {
  return postgres(url, {
    max,
    prepare: usesPreparedStatements(url),
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    types: {
      bigint: postgres.BigInt,
    },
    ...extra,
    connection: { application_name: 'tollgate', ...extra.connection },
  });
}

export function getPool(): postgres.Sql {
  if (!pool) {
    const url = process.env.DATABASE_URL;
    if (!url) {
      throw new Error(
        'DATABASE_URL is not set. Start the app with `npm run dev` (embedded PostgreSQL) or set DATABASE_URL.',
      );
    }
    pool = createPool(url, Number(process.env.DATABASE_POOL_SIZE ?? 10), requestPoolOptions());
  }
  return pool;
}

export async function closePool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.end({ timeout: 5 });
}

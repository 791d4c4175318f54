import postgres from 'postgres';
import { requestPoolOptions } from './request-timeouts';

/**
 * The one connection pool of this process. `prepare: false` keeps it compatible with Supabase's
 * transaction pooler; bigint columns come back as JavaScript bigint so money never passes
 * through a float. Free of `server-only` so scripts can share it; app code imports `@/lib/db`.
 */

let pool: postgres.Sql | undefined;

export function createPool(
  url: string,
  max = 10,
  extra: postgres.Options<Record<string, postgres.PostgresType>> = {},
): postgres.Sql {
  return postgres(url, {
    max,
    prepare: false,
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

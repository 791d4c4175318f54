import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { migrate } from '../lib/db/migrate';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../scripts/embedded-db';

/**
 * Shared by the benchmarks: a fresh, durable embedded PostgreSQL (default commit settings, like
 * production) with the migrations applied, and a closed-loop load generator that reports
 * throughput and latency percentiles.
 */

export interface BenchDatabase {
  url: string;
  sql: postgres.Sql;
  close: () => Promise<void>;
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tollgate-bench-'));
  await chmod(dir, 0o755);
  const server: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  const url = server.url();
  const sql = postgres(url, { max: 4, onnotice: () => {}, types: { bigint: postgres.BigInt } });
  await migrate(sql);
  return {
    url,
    sql,
    close: async () => {
      await sql.end();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface LoadResult {
  clients: number;
  operations: number;
  failures: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * `clients` loops, each with its own connection, run `operation` back to back for `seconds`
 * (after a short warm-up). Latencies are in milliseconds.
 */
export async function closedLoop(
  url: string,
  clients: number,
  seconds: number,
  operation: (sql: postgres.Sql, client: number, i: number) => Promise<unknown>,
): Promise<LoadResult> {
  const sql = postgres(url, {
    max: clients,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
  await Promise.all(Array.from({ length: clients }, () => sql`select 1`));
  const latencies: number[] = [];
  let failures = 0;
  const warmUntil = performance.now() + 300;
  const started = warmUntil;
  const stopAt = warmUntil + seconds * 1000;
  let counter = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        try {
          await operation(sql, client, counter++);
          if (t0 >= started) latencies.push(performance.now() - t0);
        } catch {
          failures += 1;
        }
      }
    }),
  );
  await sql.end();
  return summarize(clients, latencies, failures, seconds);
}

function summarize(
  clients: number,
  latencies: number[],
  failures: number,
  seconds: number,
): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    clients,
    operations: latencies.length,
    failures,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

/**
 * `clients` concurrent loops share `total` calls of `operation` (no database connection of its
 * own: for work that brings its own, like a route handler). Latencies are in milliseconds.
 */
function latencyOf(result: unknown): number | undefined {
  if (result && typeof result === 'object' && 'latencyMs' in result) {
    return Number((result as { latencyMs: unknown }).latencyMs);
  }
  return undefined;
}

export async function fixedCount(
  clients: number,
  total: number,
  operation: (client: number, i: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        try {
          const result = await operation(client, i);
          // An operation may time the part its caller waits for itself ({ latencyMs }).
          latencies.push(latencyOf(result) ?? performance.now() - t0);
        } catch (error) {
          if (failures++ === 0) console.error('first failure:', error);
        }
      }
    }),
  );
  return summarize(clients, latencies, failures, (performance.now() - started) / 1000);
}

export const fmt = (value: number, digits = 2) => value.toFixed(digits).padStart(9);

/**
 * BENCH_SQL_PROFILE=1: PostgreSQL counts the time spent in every function (track_functions), and
 * `printSqlProfile` lists the ones that took the most of it, per call, self and total.
 */
export const SQL_PROFILE = process.env.BENCH_SQL_PROFILE === '1';

export async function startSqlProfile(sql: postgres.Sql): Promise<void> {
  if (!SQL_PROFILE) return;
  await sql`alter system set track_functions = 'all'`;
  await sql`select pg_reload_conf()`;
  await sql`select pg_stat_reset()`;
}

export async function printSqlProfile(sql: postgres.Sql, top = 15): Promise<void> {
  if (!SQL_PROFILE) return;
  // Backends report their counters when idle for a moment.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const rows = await sql<{ name: string; calls: number; self_us: number; total_us: number }[]>`
    select schemaname || '.' || funcname as name, calls::int as calls,
           (self_time / calls * 1000)::float8 as self_us, (total_time / calls * 1000)::float8 as total_us
    from pg_stat_user_functions where calls > 0 order by self_time desc limit ${top}`;
  console.log('SQL functions by self time   calls   self µs/call  total µs/call');
  for (const row of rows) {
    console.log(
      `  ${row.name.padEnd(34)} ${String(row.calls).padStart(7)} ${fmt(row.self_us, 1)} ${fmt(row.total_us, 1)}`,
    );
  }
}

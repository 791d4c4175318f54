import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type postgres from 'postgres';

/**
 * The migration runner: applies `supabase/shim` (plain PostgreSQL only) and then
 * `supabase/migrations/*.sql` in file-name order, all in one transaction (all or nothing), recording each
 * version with a checksum. An applied file that later changes is refused, never re-run.
 *
 * Deliberately free of `server-only`: the dev, test and CI scripts call it outside Next.js.
 */

export const MIGRATIONS_DIR = path.join(process.cwd(), 'supabase', 'migrations');
export const SHIM_DIR = path.join(process.cwd(), 'supabase', 'shim');
const MIGRATION_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;
const LOCK_KEY = 727_1001; // pg_advisory_lock key: one runner at a time per database

export class MigrationChangedError extends Error {
  constructor(
    readonly file: string,
    readonly recorded: string,
    readonly actual: string,
  ) {
    super(
      `Migration ${file} was changed after it was applied ` +
        `(applied checksum ${recorded.slice(0, 12)}, file now ${actual.slice(0, 12)}). ` +
        'Applied migrations are history: restore the file and put the change in a new migration.',
    );
    this.name = 'MigrationChangedError';
  }
}

interface MigrationFile {
  version: string;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

interface MigrationReport {
  shimApplied: boolean;
  applied: string[];
  skipped: string[];
}

async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  return Promise.all(
    names.map(async (file) => {
      const match = MIGRATION_NAME.exec(file);
      if (!match) {
        throw new Error(
          `Migration file name ${file} must look like <14-digit timestamp>_<snake_case_name>.sql`,
        );
      }
      const sql = await readFile(path.join(dir, file), 'utf8');
      return {
        version: match[1]!,
        name: match[2]!,
        file,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

export async function applyShimIfNeeded(
  tx: postgres.TransactionSql,
  shimDir: string,
): Promise<boolean> {
  const [row] = await tx<{ present: boolean }[]>`
    select exists (select 1 from pg_namespace where nspname = 'auth') as present`;
  if (row?.present) return false;
  const files = (await readdir(shimDir)).filter((name) => name.endsWith('.sql')).sort();
  for (const file of files) {
    await tx.unsafe(await readFile(path.join(shimDir, file), 'utf8'));
  }
  return true;
}

/** Brings the database up to date. Safe to run concurrently and repeatedly. */
export async function migrate(
  sql: postgres.Sql,
  options: { migrationsDir?: string; shimDir?: string; log?: (line: string) => void } = {},
): Promise<MigrationReport> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir);
  const report: MigrationReport = { shimApplied: false, applied: [], skipped: [] };

  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    report.shimApplied = await applyShimIfNeeded(tx, options.shimDir ?? SHIM_DIR);
    if (report.shimApplied) log('applied Supabase shim (plain PostgreSQL detected)');

    await tx.unsafe(`
      create schema if not exists tollgate_meta;
      create table if not exists tollgate_meta.migrations (
        version text primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      );`);
    const recorded = new Map(
      (
        await tx<{ version: string; checksum: string }[]>`
        select version, checksum from tollgate_meta.migrations`
      ).map((row) => [row.version, row.checksum]),
    );

    for (const migration of migrations) {
      const checksum = recorded.get(migration.version);
      if (checksum === migration.checksum) {
        report.skipped.push(migration.file);
        continue;
      }
      if (checksum !== undefined) {
        throw new MigrationChangedError(migration.file, checksum, migration.checksum);
      }
      await tx.unsafe(migration.sql);
      await tx`
        insert into tollgate_meta.migrations (version, name, checksum)
        values (${migration.version}, ${migration.name}, ${migration.checksum})`;
      report.applied.push(migration.file);
      log(`applied ${migration.file}`);
    }
  });
  return report;
}

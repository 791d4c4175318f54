import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type postgres from 'postgres';
import { migrate } from '../lib/db/migrate';

/** Migrations, then the demo data when the database has no users yet. */

export const SEED_FILE = path.join(process.cwd(), 'supabase', 'seed.sql');

export async function seed(sql: postgres.Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe(await readFile(SEED_FILE, 'utf8'));
  });
}

export async function prepareDatabase(
  sql: postgres.Sql,
  log: (line: string) => void = console.log,
): Promise<void> {
  const report = await migrate(sql, { log });
  if (report.applied.length === 0) log('database schema is up to date');
  const [row] = await sql<
    { empty: boolean }[]
  >`select not exists (select 1 from auth.users) as empty`;
  if (row?.empty) {
    await seed(sql);
    log('seeded demo data');
  }
}

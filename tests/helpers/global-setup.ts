import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../lib/db/migrate';
import { startEmbeddedPostgres } from '../../scripts/embedded-db';

/**
 * One embedded PostgreSQL for the whole run. The migrated `template_tollgate` database is the
 * starting point every test file clones (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 */

export const TEMPLATE_DATABASE = 'template_tollgate';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tollgate-test-'));
  await chmod(dir, 0o755); // as root, the server runs as `postgres`, which must reach its data dir
  const database = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), durable: false });
  const admin = postgres(database.url(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();

  const template = postgres(database.url(TEMPLATE_DATABASE), { max: 1, onnotice: () => {} });
  await migrate(template);
  await template.end();

  project.provide('postgresAdminUrl', database.url());
  project.provide('templateDatabase', TEMPLATE_DATABASE);

  return async () => {
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

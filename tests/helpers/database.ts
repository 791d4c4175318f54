import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, inject } from 'vitest';
import { closePool } from '../../lib/db/pool';

/**
 * Runs before each db/api test file: clones the migrated template into a fresh database and
 * points DATABASE_URL (and so lib/db's pool) at it. The file owns that database alone.
 */

const adminUrl = inject('postgresAdminUrl');
const template = inject('templateDatabase');
const name = `test_${randomUUID().replaceAll('-', '')}`;

const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name} template ${template}`);
await admin.end();

process.env.DATABASE_URL = adminUrl.replace(/\/[^/]*$/, `/${name}`);
process.env.AUTH_JWT_SECRET ??= 'test-secret-test-secret-test-secret-0123';

afterAll(async () => {
  await closePool();
  const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await cleanup.unsafe(`drop database if exists ${name} with (force)`);
  await cleanup.end();
});

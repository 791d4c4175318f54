import { createPool } from '../lib/db/pool';
import { migrate } from '../lib/db/migrate';
import { DEV_DATABASE, ensureDatabase, openDevDatabase } from './embedded-db';
import { prepareDatabase, seed } from './prepare-db';

/**
 * npm run db:migrate | db:reset | db:seed
 * Works on DATABASE_URL when set, otherwise on the embedded database (running or not).
 */

const command = process.argv[2];
const log = (line: string) => console.log(`[db] ${line}`);

async function main(): Promise<void> {
  if (!['migrate', 'reset', 'seed'].includes(command ?? '')) {
    console.error('usage: tsx scripts/db.ts migrate|reset|seed');
    process.exit(2);
  }
  const database = await openDevDatabase(log);
  try {
    if (command === 'reset') {
      if (!database.embedded) {
        console.error(
          'db:reset only resets the embedded database; it never drops a DATABASE_URL database.',
        );
        process.exit(1);
      }
      const adminUrl = database.url.replace(/\/[^/]*$/, '/postgres');
      const admin = createPool(adminUrl, 1);
      await admin.unsafe(`drop database if exists "${DEV_DATABASE}" with (force)`);
      await admin.end();
      await ensureDatabase(adminUrl, DEV_DATABASE);
      log(`dropped and recreated database ${DEV_DATABASE}`);
    }
    const sql = createPool(database.url, 2);
    try {
      if (command === 'migrate') {
        const report = await migrate(sql, { log });
        log(`${report.applied.length} applied, ${report.skipped.length} already up to date`);
      } else if (command === 'reset') {
        await prepareDatabase(sql, log);
      } else {
        await seed(sql);
        log('seeded demo data');
      }
    } finally {
      await sql.end();
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

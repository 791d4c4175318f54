import { cp, mkdtemp, readdir, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, MigrationChangedError, migrate } from '../../lib/db/migrate';
import { db } from '../helpers/fixtures';

describe('migration runner', () => {
  it('records every migration with its checksum and re-running is a no-op', async () => {
    const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql'));
    const recorded = await db()<{ version: string; checksum: string }[]>`
      select version, checksum from tollgate_meta.migrations order by version`;
    expect(recorded.map((row) => row.version)).toEqual(
      files.sort().map((file) => file.slice(0, 14)),
    );
    expect(recorded.every((row) => /^[0-9a-f]{64}$/.test(row.checksum))).toBe(true);

    const report = await migrate(db());
    expect(report).toEqual({ shimApplied: false, applied: [], skipped: files.sort() });
  });

  it('refuses an applied migration whose file changed, and applies nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const [first] = (await readdir(dir)).sort();
    await appendFile(path.join(dir, first!), '\n-- an edit after the fact\n');
    const extra = '29991231235959_should_not_apply.sql';
    await appendFile(path.join(dir, extra), 'create table public.should_not_exist (id int);');

    const error = await migrate(db(), { migrationsDir: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationChangedError);
    expect((error as Error).message).toContain(first!);
    expect((error as Error).message).toContain('new migration');
    const [row] = await db()`select to_regclass('public.should_not_exist') as present`;
    expect(row!.present).toBeNull();
  });

  it('applies a new migration once, in order', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await appendFile(
      path.join(dir, '29991231235959_add_probe.sql'),
      'create table public.probe (id int);',
    );
    const first = await migrate(db(), { migrationsDir: dir });
    expect(first.applied).toEqual(['29991231235959_add_probe.sql']);
    const second = await migrate(db(), { migrationsDir: dir });
    expect(second.applied).toEqual([]);
  });

  it('rejects a file name that is not <timestamp>_<name>.sql', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    await appendFile(path.join(dir, 'add-things.sql'), 'select 1;');
    await expect(migrate(db(), { migrationsDir: dir })).rejects.toThrow(/14-digit timestamp/);
  });

  it('skips the shim on a database that already has an auth schema', async () => {
    const report = await migrate(db());
    expect(report.shimApplied).toBe(false);
  });
});

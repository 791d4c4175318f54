import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { applySchemas, catalogDump, schemaFiles } from '../helpers/catalog';
import { db } from '../helpers/fixtures';

/**
 * `supabase/schemas/<domain>.sql` is the live schema, one definition per object; the migrations
 * are the history that brings a database there. These tests hold the two together: a database
 * built from the schema files alone equals the migrated one, object by object.
 */

const adminUrl = inject('postgresAdminUrl');
const name = `schemas_${process.pid}_${Date.now()}`;

afterAll(async () => {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe('declarative schemas', () => {
  it('build the same database as the migrations', async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const fromSchemas = postgres(adminUrl.replace(/\/[^/]*$/, `/${name}`), {
      max: 1,
      onnotice: () => {},
    });
    try {
      await applySchemas(fromSchemas);
      const expected = await catalogDump(db());
      const actual = await catalogDump(fromSchemas);
      const missing = expected.filter((line) => !actual.includes(line));
      const extra = actual.filter((line) => !expected.includes(line));
      // On failure the two lists name each object whose definition differs.
      expect({ missingFromSchemas: missing, onlyInSchemas: extra }).toEqual({
        missingFromSchemas: [],
        onlyInSchemas: [],
      });
      expect(expected.length).toBeGreaterThan(1000);
    } finally {
      await fromSchemas.end();
    }
  });

  it('lists every schema file in config.toml and defines each function once', async () => {
    const dir = path.join(process.cwd(), 'supabase', 'schemas');
    const listed = (await schemaFiles()).map((file) => path.basename(file)).sort();
    const present = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
    expect(listed).toEqual(present);

    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const file of present) {
      const text = await readFile(path.join(dir, file), 'utf8');
      for (const match of text.matchAll(
        /create\s+(?:or\s+replace\s+)?function\s+([a-z_]+\.[a-z_0-9]+)/gi,
      )) {
        const fn = match[1]!.toLowerCase();
        if (seen.has(fn)) twice.push(`${fn} in ${seen.get(fn)} and ${file}`);
        seen.set(fn, file);
      }
    }
    expect(twice).toEqual([]);
    expect(seen.size).toBeGreaterThan(150);
  });
});

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../lib/env';

describe('environment validation', () => {
  it('accepts an empty environment (embedded database, local mode)', () => {
    const parsed = loadEnv({});
    expect(parsed.DATABASE_URL).toBeUndefined();
    expect(parsed.APP_URL).toBe('http://localhost:3000');
    expect(parsed.DATABASE_POOL_SIZE).toBe(10);
  });

  it.each([
    ['DATABASE_URL', 'not-a-url'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['NEXT_PUBLIC_SUPABASE_URL', 'supabase'],
    ['AUTH_JWT_SECRET', 'short'],
    ['ENCRYPTION_KEY', 'xyz'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_PREPARE', 'yes'],
  ])('rejects %s=%s naming the variable', (variable, value) => {
    const error = (() => {
      try {
        loadEnv({ [variable]: value });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).issues.map((issue) => issue.variable)).toContain(variable);
    expect((error as Error).message).toContain(variable);
  });

  it('requires the anon key with a Supabase URL', () => {
    expect(() => loadEnv({ NEXT_PUBLIC_SUPABASE_URL: 'https://x.supabase.co' })).toThrow(
      /NEXT_PUBLIC_SUPABASE_ANON_KEY/,
    );
  });

  it('stops `npm run dev` with a message naming the variable and a non-zero exit', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const result = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/serve.ts', 'dev'],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: 'postgres//broken' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL');
    // Starting tsx takes a few seconds on a busy machine: the spawn has its own 30 s bound.
  }, 40_000);
});

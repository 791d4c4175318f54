import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.resolve(import.meta.dirname, '..');

const shared = {
  root,
  resolve: {
    alias: {
      '@': root,
      // Server modules import 'server-only' (a guard for client bundles); tests run on the server.
      'server-only': path.join(root, 'tests/helpers/server-only.ts'),
    },
  },
};

/**
 * Three projects: unit (no database), db and api (each test file on its own fresh database,
 * cloned from a migrated template on one embedded PostgreSQL per run).
 */
export default defineConfig({
  test: {
    globalSetup: [path.join(root, 'tests/helpers/global-setup.ts')],
    projects: [
      {
        ...shared,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        ...shared,
        test: {
          name: 'db',
          include: ['tests/db/**/*.test.ts'],
          setupFiles: [path.join(root, 'tests/helpers/database.ts')],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        ...shared,
        test: {
          name: 'api',
          include: ['tests/api/**/*.test.ts'],
          setupFiles: [path.join(root, 'tests/helpers/database.ts')],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

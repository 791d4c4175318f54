import { existsSync, mkdtempSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { assertLocalDatabase } from './guard';

/**
 * End-to-end journeys in a real Chromium against the built app (`next build` first) served by
 * `npm start` on a throwaway embedded database: migrated and seeded fresh for every run.
 */

assertLocalDatabase();

const root = path.resolve(import.meta.dirname, '../..');
const port = Number(process.env.E2E_PORT ?? 3107);
const baseURL = `http://localhost:${port}`;
const executablePath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

// Created once here, so the server and the tests agree on it; world-readable for the postgres user.
process.env.E2E_DATA_DIR ??= (() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tollgate-e2e-'));
  chmodSync(dir, 0o755);
  return dir;
})();

export default defineConfig({
  testDir: '.',
  outputDir: path.join(root, 'test-results'),
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [
    ['list'],
    ['json', { outputFile: path.join(root, 'reports', 'playwright.json') }],
    ...(process.env.CI
      ? []
      : [['html', { open: 'never', outputFolder: path.join(root, 'playwright-report') }] as const]),
  ],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    {
      name: 'desktop',
      testMatch: /.*\.spec\.ts/,
      dependencies: ['setup'],
      use: { ...devices['Desktop Chrome'], channel: undefined },
    },
  ],
  webServer: {
    command: 'npx tsx scripts/serve.ts start',
    cwd: root,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      DATABASE_URL: '', // always the throwaway embedded database below
      TOLLGATE_DATA_DIR: path.join(process.env.E2E_DATA_DIR, 'postgres'),
      APP_URL: baseURL,
      // The local SMTP catcher and its /dev/mail page, in this production build too.
      LOCAL_MAIL: '1',
      SMTP_URL: '',
    },
  },
});

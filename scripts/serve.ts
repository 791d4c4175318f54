import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EnvError, loadEnv } from '../lib/env';
import { createPool } from '../lib/db/pool';
import {
  DEV_DATABASE,
  defaultDataDir,
  ensureDatabase,
  runningServer,
  startEmbeddedPostgres,
  type EmbeddedDatabase,
} from './embedded-db';
import { startMailCatcher, type MailCatcher } from './mail-catcher';
import { prepareDatabase } from './prepare-db';

/**
 * `npm run dev` and `npm start`. Without DATABASE_URL: start the embedded PostgreSQL (data kept
 * in .data/ between runs), migrate, seed demo data when empty, then run Next.js; stop the
 * database when Next.js exits, crashes, or on Ctrl-C. With DATABASE_URL: migrate nothing
 * implicitly, start nothing, just run Next.js against it. Either way the background worker
 * (scripts/worker.ts) runs beside Next.js and stops with it. Without SMTP_URL, `dev` also starts
 * a local SMTP catcher (scripts/mail-catcher.ts) whose mail the app shows at /dev/mail.
 */

const mode = process.argv[2] === 'start' ? 'start' : 'dev';
const log = (line: string) => console.log(`[tollgate] ${line}`);

/** A random secret kept in .data/ so local sessions survive restarts. */
function localSecret(name: string, bytes: number): string {
  const file = path.join(process.cwd(), '.data', name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(bytes).toString('hex');
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  try {
    loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  await mkdir(path.join(process.cwd(), '.data'), { recursive: true });
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  childEnv.AUTH_JWT_SECRET ??= localSecret('auth-secret', 32);
  childEnv.ENCRYPTION_KEY ??= localSecret('encryption-key', 32);
  childEnv.CRON_SECRET ??= localSecret('cron-secret', 24);

  let database: EmbeddedDatabase | undefined;
  if (!process.env.DATABASE_URL) {
    const dataDir = process.env.TOLLGATE_DATA_DIR ?? defaultDataDir();
    const pidFile = path.join(path.dirname(dataDir), 'serve.pid');
    const owner = readPid(pidFile);
    if (runningServer(dataDir) && owner !== null && isAlive(owner)) {
      console.error(`Tollgate is already running (pid ${owner}). Stop it first (Ctrl-C).`);
      process.exit(1);
    }
    database = await startEmbeddedPostgres({ dataDir, log });
    writeFileSync(pidFile, `${process.pid}\n`);
    await ensureDatabase(database.url(), DEV_DATABASE);
    childEnv.DATABASE_URL = database.url(DEV_DATABASE);
    log(`embedded PostgreSQL on 127.0.0.1:${database.port}`);
    const sql = createPool(childEnv.DATABASE_URL, 2);
    try {
      await prepareDatabase(sql, log);
    } finally {
      await sql.end();
    }
  } else {
    log('using DATABASE_URL; no embedded database started');
  }

  const port = process.env.PORT ?? '3000';
  childEnv.APP_URL ??= `http://localhost:${port}`;

  // Email: without SMTP_URL, `npm run dev` catches every message locally (shown at /dev/mail).
  let catcher: MailCatcher | undefined;
  if (!process.env.SMTP_URL && (mode === 'dev' || process.env.LOCAL_MAIL === '1')) {
    // Beside the database's data directory (a throwaway one in the end-to-end tests).
    const dir = process.env.TOLLGATE_DATA_DIR
      ? path.join(path.dirname(process.env.TOLLGATE_DATA_DIR), 'mail')
      : path.join(process.cwd(), '.data', 'mail');
    catcher = await startMailCatcher({ dir, port: Number(process.env.LOCAL_SMTP_PORT ?? 0) });
    childEnv.SMTP_URL = catcher.url;
    childEnv.LOCAL_MAIL_DIR = dir;
    log(`local mail catcher on ${catcher.url}; caught mail at ${childEnv.APP_URL}/dev/mail`);
  } else if (!process.env.SMTP_URL) {
    log('SMTP_URL is not set: emails are queued but not sent');
  }
  const next = path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next');
  const child: ChildProcess = spawn(process.execPath, [next, mode, '--port', port], {
    stdio: 'inherit',
    env: childEnv,
  });

  // The background worker (maintenance tick every minute, webhooks, batch jobs) beside the app,
  // as production runs it (`npm run worker`), with the same environment. One process (tsx as a
  // loader, not its CLI wrapper), so waiting for its exit really waits for running jobs.
  const worker: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './scripts/server-only.mjs', path.join('scripts', 'worker.ts')],
    { stdio: 'inherit', env: childEnv },
  );

  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if (worker.exitCode === null && worker.signalCode === null) {
      const stopped = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      // Let running jobs finish before the database goes away (at most 10 s).
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    await catcher?.close().catch(() => {});
    await database?.stop().catch(() => {});
    if (database) log('embedded PostgreSQL stopped');
    process.exit(code);
  };

  worker.on('exit', (code, signal) => {
    if (!shuttingDown) log(`worker exited (${signal ?? code}); the app keeps running without it`);
  });
  child.on('exit', (code, signal) => {
    if (!shuttingDown && code !== 0) log(`Next.js exited (${signal ?? code}); stopping`);
    void shutdown(code ?? (signal ? 1 : 0));
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void shutdown(0));
  }
  process.on('uncaughtException', (error) => {
    console.error(error);
    void shutdown(1);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

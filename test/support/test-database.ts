import { randomBytes } from 'node:crypto';
import { testServerUrl, urlForDatabase, withAdmin } from './pg-server.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of this test file's own, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.TEST_TEMPLATE_DB;
  const runId = process.env.TEST_RUN_ID;
  if (!template || !runId) throw new Error('test/support/global-setup.ts did not run');
  const server = testServerUrl();
  const name = `companion_t_${runId}_${randomBytes(4).toString('hex')}`;
  await withAdmin(server, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    url: urlForDatabase(server, name),
    drop: () =>
      withAdmin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

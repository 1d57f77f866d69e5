import { testServerUrl, withAdmin } from './pg-server.js';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env.TEST_RUN_ID;
  if (!runId || process.env.TEST_TEARDOWN_DONE) return;
  process.env.TEST_TEARDOWN_DONE = '1';
  await withAdmin(testServerUrl(), async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
      [`companion_tpl_${runId}`, `companion_t_${runId}_%`],
    );
    for (const { datname } of rows)
      await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
  await (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg?.stop();
}

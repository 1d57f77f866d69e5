import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { RelaxedWrites, RelaxedWritesModule } from '../../src/database/statements.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let writes: RelaxedWrites;

beforeAll(async () => {
  db = await createTestDatabase();
  const [provider] = RelaxedWritesModule.forRoot(db.url, 2).providers as Array<{
    useFactory: () => RelaxedWrites;
  }>;
  writes = provider.useFactory();
});
afterAll(async () => {
  await writes.onApplicationShutdown();
  await db.drop();
});

it('survives the server ending its idle connections, and the next write opens another', async () => {
  const before = await writes.query<Array<{ pid: number }>>('SELECT pg_backend_pid() AS pid');
  // What a PostgreSQL restart or failover does to the pool's idle connection.
  await sql(db.url, 'SELECT pg_terminate_backend($1)', [before[0].pid]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = await writes.query<Array<{ pid: number; commit: string }>>(
    `SELECT pg_backend_pid() AS pid, current_setting('synchronous_commit') AS commit`,
  );
  expect(after[0].pid).not.toBe(before[0].pid);
  expect(after[0].commit).toBe('off');
});

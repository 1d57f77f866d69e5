import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { pendingSchemaChanges } from '../../src/database/data-source.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('migrations', () => {
  it('bring the database exactly to what the entities describe (run migration:generate if not)', async () => {
    const { up } = await pendingSchemaChanges(db.url);
    expect(up).toEqual([]);
  });

  it('keep a turn trace in its row up to a page (entities cannot say so)', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ options: string[] | null }>(
        `SELECT reloptions AS options FROM pg_class WHERE relname = 'turn_traces'`,
      );
      expect(rows[0].options).toEqual(['toast_tuple_target=8160']);
    } finally {
      await client.end();
    }
  });
});

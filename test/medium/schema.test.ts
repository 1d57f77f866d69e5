import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
});

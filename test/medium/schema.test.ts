import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ConversationBookkeeping1796420000000 } from '../../migrations/1796420000000-ConversationBookkeeping.js';
import { dataSourceOptions, pendingSchemaChanges } from '../../src/database/data-source.js';
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

describe('migration ConversationBookkeeping, on conversations from before it', () => {
  it('takes forgotten or deleted words out of titles, and leaves the rest to the queued roll-ups', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const ds = new DataSource({
      ...dataSourceOptions(db.url, 1),
      logger: undefined,
      logging: false,
    });
    await ds.initialize();
    try {
      const user = 'bookkeeping-user';
      await client.query(`INSERT INTO users (id) VALUES ($1)`, [user]);
      // Conversations as the roll-up left them: `fresh` not rolled up yet, `forgotten` titled with
      // words the user later asked to forget, `deleted` with a message an operator deleted,
      // `kept` rolled up and current.
      const ids = {
        fresh: '00000000-0000-7000-8000-000000000001',
        forgotten: '00000000-0000-7000-8000-000000000002',
        deleted: '00000000-0000-7000-8000-000000000003',
        kept: '00000000-0000-7000-8000-000000000004',
      };
      const conversations: Array<
        [string, string | null, number, Array<[string, string, boolean, boolean]>]
      > = [
        // id, title, message_count, messages: role, content, memory_excluded, deleted
        [
          ids.fresh,
          null,
          0,
          [
            ['user', '  first\n words ', false, false],
            ['assistant', 'hello', false, false],
          ],
        ],
        [
          ids.forgotten,
          'my secret',
          3,
          [
            ['user', 'my secret', true, false],
            ['assistant', 'ok', false, false],
            ['user', 'next thing', false, false],
          ],
        ],
        [
          ids.deleted,
          'gone words',
          2,
          [
            ['user', '', true, true],
            ['user', 'what stays', false, false],
          ],
        ],
        [
          ids.kept,
          'still here',
          2,
          [
            ['user', 'still here', false, false],
            ['assistant', 'yes', false, false],
          ],
        ],
      ];
      for (const [id, title, count, messages] of conversations) {
        await client.query(
          `INSERT INTO conversations (id, user_id, title, last_seq, message_count) VALUES ($1, $2, $3, $4, $5)`,
          [id, user, title, messages.length, count],
        );
        for (const [i, [role, content, excluded, deleted]] of messages.entries()) {
          await client.query(
            `INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, status,
                                   memory_excluded, deleted_at)
             VALUES (gen_random_uuid(), $1, $2, $3, $4, 'text', $5, 'completed', $6,
                     CASE WHEN $7::boolean THEN now() END)`,
            [id, user, i + 1, role, content, excluded, deleted],
          );
        }
      }
      const runner = ds.createQueryRunner();
      try {
        await new ConversationBookkeeping1796420000000().up(runner);
      } finally {
        await runner.release();
      }
      const { rows } = await client.query<{
        id: string;
        title: string | null;
        message_count: number;
      }>(`SELECT id, title, message_count FROM conversations WHERE user_id = $1 ORDER BY id`, [
        user,
      ]);
      expect(rows).toEqual([
        // Its roll-up job, queued by the version before, recounts and titles it (not here).
        { id: ids.fresh, title: null, message_count: 0 },
        { id: ids.forgotten, title: 'next thing', message_count: 3 },
        { id: ids.deleted, title: 'what stays', message_count: 2 },
        { id: ids.kept, title: 'still here', message_count: 2 },
      ]);
    } finally {
      await ds.destroy();
      await client.end();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { AffectService } from '../../src/affect/affect.service.js';
import { LexiconTextEmotionClassifier } from '../../src/affect/lexicon-text-emotion.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { insertConversation } from '../support/history.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let ds: DataSource;
let affect: AffectService;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 20), logger: undefined, logging: false });
  await ds.initialize();
  affect = new AffectService(new LexiconTextEmotionClassifier(), new AffectRepository(ds));
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

describe("the user's mood", () => {
  it('counts every turn when turns of one user in different conversations are read at once', async () => {
    const user = 'mood-racer';
    const lines = [
      'I feel so lonely tonight',
      'work was exhausting',
      'I am so happy today!',
      'my exam went badly',
      'I am worried about tomorrow',
      'everything is fine',
      'I miss my family',
      'what a wonderful walk',
    ];
    const messages = await Promise.all(
      lines.map(async (text) => {
        const [id] = await insertConversation(db.url, user, [text], { userOnly: true });
        const [row] = await sql(
          db.url,
          'SELECT conversation_id, created_at FROM messages WHERE id = $1',
          [id],
        );
        return {
          id,
          text,
          conversationId: row.conversation_id as string,
          createdAt: row.created_at as Date,
        };
      }),
    );
    const read = await Promise.all(
      messages.map((m) =>
        affect.assess({
          messageId: m.id,
          userId: user,
          conversationId: m.conversationId,
          content: m.text,
          createdAt: m.createdAt,
          voice: null,
        }),
      ),
    );
    expect(read.every((r) => r !== null)).toBe(true);
    const [state] = await sql(
      db.url,
      `SELECT (mood->>'turns')::int AS turns, mood_version FROM affect_user_states WHERE user_id = $1`,
      [user],
    );
    expect(state.turns).toBe(lines.length);
    expect(state.mood_version).toBe(lines.length);
  });
});

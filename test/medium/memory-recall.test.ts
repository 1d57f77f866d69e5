import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { RecallTurns } from '../../src/memory/recall/recall-turns.js';
import { RecallService } from '../../src/memory/recall/recall.service.js';
import { encodeTerms, textTerms } from '../../src/memory/recall/text-terms.js';
import { insertConversation } from '../support/history.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 4), logger: undefined, logging: false });
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

const speakers = { user: 'User', assistant: 'Companion' };
const countTokens = { count: (text: string) => text.split(/\s+/).length };
const T0 = Date.parse('2024-03-01T10:00:00Z');

/** One conversation of `userId`: turns alternate user/assistant a minute apart from T0. */
const conversation = (
  userId: string,
  contents: string[],
  options: { start?: number; statuses?: string[] } = {},
) => insertConversation(db.url, userId, contents, { start: T0, ...options });

async function ownersOf(messageIds: string[]): Promise<string[]> {
  const rows = await sql<{ user_id: string }>(
    db.url,
    'SELECT DISTINCT user_id FROM messages WHERE id = ANY($1::uuid[])',
    [messageIds],
  );
  return rows.map((r) => r.user_id);
}

describe('RecallRepository and RecallService on Postgres', () => {
  it("never returns another user's rows, even when they match the query better", async () => {
    // Same words, neighbouring ids: 'ana' and 'ana2', and an id with a quote in it.
    const mine = await conversation('ana', ['I walked the dog today', 'Nice walk!']);
    await conversation('ana2', ['My sister Lily passed her exam', 'Congratulations to Lily!']);
    await conversation("o'brien", ['Lily exam exam Lily sister', 'Lily!']);
    const repository = new RecallTurns(new MessageRepository(ds));
    const turns = await repository.turnsForRecall('ana', new Date(T0 + 3_600_000));
    expect(turns.map((t) => t.messageId).sort()).toEqual([...mine].sort());
    const first = turns.find((t) => t.messageId === mine[0])!;
    expect(first).toMatchObject({ seq: 1, role: 'user', content: 'I walked the dog today' });
    expect(first.createdAt.toISOString()).toBe(new Date(T0).toISOString());

    const service = new RecallService(repository, countTokens);
    const result = await service.recall({
      userId: 'ana',
      query: { text: "How was Lily's exam?", at: new Date(T0 + 3_600_000) },
      speakers,
    });
    const returned = [...result.ranked, ...result.selected].flatMap((i) => i.sourceMessageIds);
    expect(returned.every((id) => mine.includes(id))).toBe(true);
    expect(result.ranked.some((i) => /Lily/.test(i.text))).toBe(false);
  });

  it('keeps each of many users sharing one vocabulary to their own messages', async () => {
    const vocabulary = [
      'exam',
      'sister',
      'dog',
      'hike',
      'Lily',
      '考试',
      '妹妹',
      'lonely',
      'Sunday',
    ];
    const users = Array.from({ length: 12 }, (_, i) => `shared-${i}`);
    const owned = new Map<string, string[]>();
    for (const [u, userId] of users.entries()) {
      const contents = Array.from(
        { length: 6 },
        (_, i) =>
          `${vocabulary[(u + i) % vocabulary.length]} ${vocabulary[(u * 3 + i) % 9]} note ${i}`,
      );
      owned.set(userId, await conversation(userId, contents));
    }
    const service = new RecallService(new RecallTurns(new MessageRepository(ds)), countTokens);
    for (const userId of users) {
      const result = await service.recall({
        userId,
        query: { text: vocabulary.join(' '), at: new Date(T0 + 3_600_000) },
        speakers,
        limit: 50,
      });
      const returned = result.ranked.flatMap((i) => i.sourceMessageIds);
      expect(returned.length).toBeGreaterThan(0);
      expect(await ownersOf(returned)).toEqual([userId]);
      expect(returned.every((id) => owned.get(userId)!.includes(id))).toBe(true);
    }
  });

  it('reads only turns the user saw, up to the query time', async () => {
    const ids = await conversation(
      'viewer',
      ['first question', 'a full answer', 'second question', 'half a reply', 'third', ''],
      { statuses: ['received', 'completed', 'received', 'failed', 'received', 'completed'] },
    );
    const later = await conversation('viewer', ['from the future'], { start: T0 + 86_400_000 });
    const turns = await new RecallTurns(new MessageRepository(ds)).turnsForRecall(
      'viewer',
      new Date(T0 + 3_600_000),
    );
    const got = turns.map((t) => t.messageId);
    expect(got.sort()).toEqual([ids[0], ids[1], ids[2], ids[4]].sort());
    expect(got).not.toContain(later[0]);
  });

  it('keeps the newest turns when a history is longer than maxTurns', async () => {
    const ids = await conversation(
      'long',
      Array.from({ length: 10 }, (_, i) => `turn ${i}`),
    );
    const turns = await new RecallTurns(new MessageRepository(ds), { maxTurns: 4 }).turnsForRecall(
      'long',
      new Date(T0 + 3_600_000),
    );
    expect(turns.map((t) => t.messageId).sort()).toEqual(ids.slice(6).sort());
  });

  it('uses stored terms when the column exists, and recomputes stale ones', async () => {
    // This test database only: the column the docs ask the service to add.
    await sql(db.url, 'ALTER TABLE messages ADD COLUMN IF NOT EXISTS search_terms text');
    const [fresh, stale] = await conversation('terms', ['Painting sunsets', 'Hiking trails']);
    await sql(db.url, 'UPDATE messages SET search_terms = $2 WHERE id = $1', [
      fresh,
      encodeTerms('Painting sunsets'),
    ]);
    await sql(db.url, `UPDATE messages SET search_terms = 'v0 old' WHERE id = $1`, [stale]);
    const turns = await new RecallTurns(new MessageRepository(ds), {
      storedTerms: true,
    }).turnsForRecall('terms', new Date(T0 + 3_600_000));
    const byId = new Map(turns.map((t) => [t.messageId, t]));
    expect(byId.get(fresh)!.terms).toEqual(textTerms('Painting sunsets'));
    expect(byId.get(stale)!.terms).toBeNull();
    const result = await new RecallService(
      new RecallTurns(new MessageRepository(ds), { storedTerms: true }),
      countTokens,
    ).recall({
      userId: 'terms',
      query: { text: 'hiking', at: new Date(T0 + 3_600_000) },
      speakers,
    });
    expect(result.ranked[0].sourceMessageIds).toContain(stale);
  });

  it('refuses to read without a user id', async () => {
    await expect(
      new RecallTurns(new MessageRepository(ds)).turnsForRecall('', new Date()),
    ).rejects.toThrow('recall needs a user id');
  });
});

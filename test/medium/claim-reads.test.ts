import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { AffectService } from '../../src/affect/affect.service.js';
import { LexiconTextEmotionClassifier } from '../../src/affect/lexicon-text-emotion.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { MemoryRepository } from '../../src/memory/memory.repository.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { SafetyRepository } from '../../src/safety/safety.repository.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The safety and affect stages' state comes back with the reply claim (ClaimReads): what the
 * claim carries must be exactly what each module's own read finds. The safety stage's write goes
 * with the reply's finish (CarriedWrite).
 */
let db: TestDatabase;
let ds: DataSource;
let messages: MessageRepository;
let safety: SafetyRepository;
let affectRepo: AffectRepository;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 10), logger: undefined, logging: false });
  await ds.initialize();
  messages = new MessageRepository(ds);
  safety = new SafetyRepository(ds);
  affectRepo = new AffectRepository(ds);
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

const reads = { safety: SafetyRepository.stateRead, affect: AffectRepository.stateRead };

async function userMessage(userId: string, clientMsgId: string, conversationId?: string) {
  const { message } = await messages.insertUserMessage({
    userId,
    clientMsgId,
    conversationId,
    content: 'I feel so lonely tonight',
    contentTokens: 6,
    kind: 'text',
  });
  return message;
}

/** A completed reply's outcome, for the finishes here. */
const COMPLETED = {
  status: 'completed' as const,
  content: 'here',
  contentTokens: 1,
  errorCode: null,
  model: 'm',
  promptVersion: 'p',
  ttftMs: 1,
  totalMs: 2,
  promptTokens: 3,
  completionTokens: 1,
};

async function claim(conversationId: string) {
  const claimed = await messages.startReply({
    conversationId,
    owner: 'test',
    leaseMs: 60_000,
    reads,
  });
  if (!claimed || 'takenOverBy' in claimed) throw new Error('nothing claimed');
  return claimed;
}

describe('reads and writes carried by the reply claim and finish', () => {
  it('find the same safety and affect state as their own reads, stored state and all', async () => {
    const userId = 'claim-reads-1';
    const first = await userMessage(userId, 'a1');
    const conversationId = first.conversationId;
    const affect = new AffectService(new LexiconTextEmotionClassifier(), affectRepo);
    await affect.assess({
      messageId: first.id,
      userId,
      conversationId,
      content: first.content,
      createdAt: first.createdAt,
      voice: null,
    });
    await sql(db.url, `UPDATE affect_user_states SET voice_baseline = $2 WHERE user_id = $1`, [
      userId,
      JSON.stringify({ clips: 3, f0: { mean: 180.5 } }),
    ]);
    const at = new Date(Date.now() - 90_000);
    await safety.saveTurn({
      userId,
      conversationId,
      user: { score: 0.42, at },
      conversation: { score: 1.5, at, crisis: true },
      clock: {
        sessionStartedAt: at.getTime(),
        lastActiveAt: at.getTime() + 1000,
        lastDisclosureAt: at.getTime(),
        lastBreakAt: null,
      },
      ageBand: 'minor',
      notices: [],
    });

    const claimed = await claim(conversationId);
    expect(claimed.answering.id).toBe(first.id);
    const safetyState = SafetyRepository.stateFromRead(claimed.reads.safety);
    expect(safetyState).toEqual(await safety.state(userId, conversationId));
    expect(safetyState).toMatchObject({
      user: { score: 0.42, at },
      conversation: { score: 1.5, at },
      ageBand: 'minor',
      clock: { lastActiveAt: at.getTime() + 1000, lastBreakAt: null },
    });
    expect(safetyState.conversation.lastCrisisAt).toBeInstanceOf(Date);
    const affectState = AffectRepository.stateFromRead(claimed.reads.affect);
    expect(affectState).toEqual(await affectRepo.state(first.id, userId, conversationId));
    expect(affectState.existing).not.toBeNull();
    expect(affectState.userMoodVersion).toBe(1);
    expect(affectState.voiceBaseline).toEqual({ clips: 3, f0: { mean: 180.5 } });
  });

  it('find the defaults for a user nothing is stored about yet', async () => {
    const userId = 'claim-reads-2';
    const first = await userMessage(userId, 'b1');
    const claimed = await claim(first.conversationId);
    expect(SafetyRepository.stateFromRead(claimed.reads.safety)).toEqual(
      await safety.state(userId, first.conversationId),
    );
    expect(AffectRepository.stateFromRead(claimed.reads.affect)).toEqual({
      voiceBaseline: null,
      userMood: null,
      userMoodVersion: 0,
      conversationMood: null,
      existing: null,
    });
  });

  it("carry the safety write in the reply's finish, stored even when the finish finds nothing", async () => {
    const userId = 'claim-reads-3';
    const first = await userMessage(userId, 'c1');
    const conversationId = first.conversationId;
    const claimed = await claim(conversationId);
    const at = new Date(Date.now() - 5_000);
    const write = (score: number) =>
      SafetyRepository.turnWrite({
        userId,
        conversationId,
        user: { score, at },
        conversation: { score: score * 2, at, crisis: false },
        clock: {
          sessionStartedAt: at.getTime(),
          lastActiveAt: at.getTime(),
          lastDisclosureAt: at.getTime(),
          lastBreakAt: null,
        },
        ageBand: null,
        notices: [{ kind: 'ai_disclosure', policy: 'CA:adult', textVersion: 'v1' }],
      });
    const outcome = COMPLETED;
    const finished = await messages.finishReply(claimed.id, outcome, [write(0.25)]);
    expect(finished?.status).toBe('completed');
    expect(await safety.state(userId, conversationId)).toMatchObject({
      user: { score: 0.25, at },
      conversation: { score: 0.5, at, lastCrisisAt: null },
    });
    // The reply is finished already: the finish finds nothing, and its writes land all the same.
    expect(await messages.finishReply(claimed.id, outcome, [write(0.75)])).toBeNull();
    expect((await safety.state(userId, conversationId)).user.score).toBe(0.75);
    const [events] = await sql<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM compliance_events WHERE user_id = $1 AND kind = 'ai_disclosure'`,
      [userId],
    );
    expect(events.n).toBe(2);
  });

  it("carry affect's reading with the safety write in the finish, folding a mood another turn moved meanwhile", async () => {
    const userId = 'claim-reads-5';
    const affect = new AffectService(new LexiconTextEmotionClassifier(), affectRepo);
    // A turn in another conversation of the user, stored first: the user's mood is version 1.
    const other = await userMessage(userId, 'e0');
    await affect.assess({
      messageId: other.id,
      userId,
      conversationId: other.conversationId,
      content: other.content,
      createdAt: other.createdAt,
      voice: null,
    });
    const first = await userMessage(userId, 'e1');
    const claimed = await claim(first.conversationId);
    const input = {
      messageId: first.id,
      userId,
      conversationId: first.conversationId,
      content: 'I am so happy today!',
      createdAt: first.createdAt,
      voice: null,
      state: claimed.reads.affect,
    };
    const read = await affect.read(input);
    expect(read?.write).not.toBeNull();
    // Meanwhile a third turn of the user, in yet another conversation, moves the mood (version 2).
    const third = await userMessage(userId, 'e2');
    await affect.assess({
      messageId: third.id,
      userId,
      conversationId: third.conversationId,
      content: 'work was exhausting',
      createdAt: third.createdAt,
      voice: null,
    });
    const at = new Date();
    const safetyWrite = SafetyRepository.turnWrite({
      userId,
      conversationId: first.conversationId,
      user: { score: 0.1, at },
      conversation: { score: 0.2, at, crisis: false },
      clock: {
        sessionStartedAt: null,
        lastActiveAt: null,
        lastDisclosureAt: null,
        lastBreakAt: null,
      },
      ageBand: null,
      notices: [],
    });
    const finished = await messages.finishReply(claimed.id, COMPLETED, [safetyWrite, read!.write!]);
    expect(finished?.status).toBe('completed');
    // The reading and the conversation's mood landed with the reply, the safety state too.
    const [stored] = await sql<{ label: string }>(
      db.url,
      'SELECT label FROM turn_affects WHERE message_id = $1',
      [first.id],
    );
    expect(stored.label).toBe(read!.result.affect.label);
    expect((await safety.state(userId, first.conversationId)).user.score).toBe(0.1);
    const [conversation] = await sql<{ turns: number }>(
      db.url,
      `SELECT (mood->>'turns')::int AS turns FROM affect_conversation_states WHERE conversation_id = $1`,
      [first.conversationId],
    );
    expect(conversation.turns).toBe(1);
    // The user's mood had moved on (version 2): the guarded write lost, and the settle folded this
    // turn into it: three turns counted, none lost.
    const [user] = await sql<{ turns: number; mood_version: number }>(
      db.url,
      `SELECT (mood->>'turns')::int AS turns, mood_version FROM affect_user_states WHERE user_id = $1`,
      [userId],
    );
    expect(user).toEqual({ turns: 3, mood_version: 3 });
    // A retried finish carrying the same reading counts nothing twice.
    await messages.finishReply(claimed.id, COMPLETED, [read!.write!]);
    const [again] = await sql<{ turns: number }>(
      db.url,
      `SELECT (mood->>'turns')::int AS turns FROM affect_user_states WHERE user_id = $1`,
      [userId],
    );
    expect(again.turns).toBe(3);
  });

  it("carry the user's memories for recall, exactly as recall's own read finds them", async () => {
    const userId = 'claim-reads-4';
    const first = await userMessage(userId, 'd1');
    const seed = (
      text: string,
      extra: { validUntil?: string; superseded?: boolean; model?: string | null } = {},
    ) =>
      sql(
        db.url,
        `INSERT INTO memories (id, user_id, kind, text, language, importance, emotional_intensity, valence,
                               arousal, sensitive, core, event_from, event_to, valid_until,
                               source_message_ids, origin, dedupe_key, embedding, embedding_model,
                               superseded_by)
         VALUES (gen_random_uuid(), $1, 'fact', $2::text, 'en', 0.7, 0.4, -0.25, 0.5, false, $3::boolean,
                 '2026-11-30T10:00:00Z', '2026-11-30T12:00:00Z', $4::timestamptz, ARRAY[$5]::uuid[],
                 'extraction', $2::text, $6, $7, CASE WHEN $8::boolean THEN gen_random_uuid() END)`,
        [
          userId,
          text,
          text.includes('core'),
          extra.validUntil ?? null,
          first.id,
          Buffer.from(Int8Array.from([3, -4, 5, 0])),
          extra.model === undefined ? 'embed-a' : extra.model,
          extra.superseded ?? false,
        ],
      );
    await seed('Has a cat named Miso.');
    await seed('A core fact: lives in Hangzhou.');
    await seed('Another model made this vector.', { model: 'embed-b' });
    await seed('Expired already.', { validUntil: '2020-01-01T00:00:00Z' });
    await seed('Replaced by a newer one.', { superseded: true });
    const store = new MemoryRepository(ds);
    const claimed = await messages.startReply({
      conversationId: first.conversationId,
      owner: 'test',
      leaseMs: 60_000,
      reads: { recall: store.recallRead('embed-a') },
    });
    if (!claimed || 'takenOverBy' in claimed) throw new Error('nothing claimed');
    const carried = store.recallFromRead(claimed.reads.recall);
    const own = await store.memoriesForRecall(userId, first.createdAt, 'embed-a');
    expect(carried).toEqual(own);
    expect(carried.map((m) => m.text).sort()).toEqual([
      'A core fact: lives in Hangzhou.',
      'Another model made this vector.',
      'Has a cat named Miso.',
    ]);
    const cat = carried.find((m) => m.text.startsWith('Has a cat'))!;
    expect(cat.embedding?.values).toEqual(Int8Array.from([3, -4, 5, 0]));
    expect(cat.eventSpan?.from).toEqual(new Date('2026-11-30T10:00:00Z'));
    expect(carried.find((m) => m.text.startsWith('Another'))!.embedding).toBeNull();
  });
});

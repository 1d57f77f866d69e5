import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { ModelCompletions } from '../../src/llm/model-completions.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { MemoryExtractionService } from '../../src/memory/memory-extraction.service.js';
import { MemoryRepository, type NewMemory } from '../../src/memory/memory.repository.js';
import { Metrics } from '../../src/observability/metrics.js';
import { TemplateStore } from '../../src/prompting/template-store.js';
import { uuidv7 } from '../../src/common/uuid.js';
import { memoryAnswer } from '../support/memory-operations.js';
import { insertConversation } from '../support/history.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let ds: DataSource;
let memories: MemoryRepository;
let model: VllmStandIn;
let extraction: MemoryExtractionService;
let n = 0;
/** A user row of this test's own (memories belong to a user). */
async function user(): Promise<string> {
  const id = `mem-user-${++n}`;
  await sql(db.url, 'INSERT INTO users (id) VALUES ($1)', [id]);
  return id;
}

const memory = (text: string, over: Partial<NewMemory> = {}): NewMemory => ({
  kind: 'fact',
  text,
  language: 'en',
  importance: 0.5,
  emotionalIntensity: 0,
  valence: null,
  arousal: null,
  sensitive: false,
  core: false,
  eventFrom: null,
  eventTo: null,
  validUntil: null,
  sourceMessageIds: [],
  origin: 'extraction',
  ...over,
});

/** What the stand-in answers to an extraction request: these operations. */
function answer(operations: Array<Record<string, unknown>>) {
  model.setResponder(() => ({ pieces: [memoryAnswer(operations)] }));
}

/** The user's messages of one conversation, a millisecond apart, or all at `at`. */
const say = (userId: string, texts: string[], at?: Date) =>
  insertConversation(db.url, userId, texts, { start: at, stepMs: at ? 0 : 1, userOnly: true });

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 10), logger: undefined, logging: false });
  await ds.initialize();
  memories = new MemoryRepository(ds);
  model = await startVllmStandIn({ model: 'memory-test' });
  const config = loadConfig({ MEMORY_BATCH_MESSAGES: '20' });
  extraction = new MemoryExtractionService(
    config,
    new ModelCompletions({ baseUrl: model.url, model: 'memory-test', timeoutMs: 5000 }),
    new TemplateStore(resolve(import.meta.dirname, '../../prompts'), 'memory/v1'),
    new MessageRepository(ds),
    memories,
    new AffectRepository(ds),
    new Metrics(),
  );
});
afterAll(async () => {
  await ds.destroy();
  await model.close();
  await db.drop();
});

/** "Forget that" as MemoryService carries it out: the messages and what was drawn from them. */
const forgetMessages = (userId: string, ids: string[]) =>
  ds.transaction(async (tx) => {
    await new MessageRepository(ds).excludeFromMemory(userId, ids, tx);
    const deleted = await memories.recordForget(tx, userId, {
      id: uuidv7(),
      scope: 'last',
      topic: null,
      messageIds: ids,
      requestMessageIds: [],
      memoryIds: [],
      undoUntil: new Date(Date.now() + 60_000),
    });
    return deleted.length;
  });

describe('memory store', () => {
  it('keeps the same fact once, merging its sources', async () => {
    const u = await user();
    const [a, b] = await say(u, ['one', 'two']);
    const first = await memories.add(
      u,
      memory('Has a sister named Anna.', { sourceMessageIds: [a] }),
    );
    const again = await memories.add(
      u,
      memory('has a sister named anna', { sourceMessageIds: [b], importance: 0.9 }),
    );
    expect(again).toBe(first);
    const [stored] = await memories.current(u);
    expect(stored).toMatchObject({ importance: 0.9, text: 'Has a sister named Anna.' });
    expect(new Set(stored.sourceMessageIds)).toEqual(new Set([a, b]));
  });

  it('supersedes instead of overwriting, and deleting takes the older versions too', async () => {
    const u = await user();
    const old = await memories.add(u, memory('Works as a nurse.'));
    const next = await memories.supersede(u, old, memory('Works as a teacher now.'));
    expect(next).not.toBeNull();
    expect((await memories.current(u)).map((m) => m.text)).toEqual(['Works as a teacher now.']);
    expect((await memories.get(u, old))!.supersededBy).toBe(next);
    expect((await memories.all(u)).length).toBe(2);
    expect(await memories.delete(u, next!)).toBe(true);
    expect(await memories.all(u)).toEqual([]);
  });

  it("never reads, changes or deletes another user's memory", async () => {
    const owner = await user();
    const other = await user();
    const id = await memories.add(owner, memory('Secret: afraid of dogs.'));
    expect(await memories.get(other, id)).toBeNull();
    expect(await memories.current(other)).toEqual([]);
    expect(await memories.memoriesForRecall(other, new Date())).toEqual([]);
    expect(await memories.supersede(other, id, memory('hijacked'))).toBeNull();
    expect(await memories.delete(other, id)).toBe(false);
    expect(await memories.deleteAll(other)).toBe(0);
    expect((await memories.current(owner)).map((m) => m.text)).toEqual(['Secret: afraid of dogs.']);
  });

  it('forgets messages: they are excluded and memories drawn from them go', async () => {
    const u = await user();
    const [keep, forget] = await say(u, ['I like tea', 'My ex is called Sam']);
    await sql(
      db.url,
      `UPDATE messages SET embedding = '\\x7f00', embedding_model = 'm' WHERE user_id = $1`,
      [u],
    );
    await memories.add(u, memory('Likes tea.', { sourceMessageIds: [keep] }));
    await memories.add(u, memory('Their ex is called Sam.', { sourceMessageIds: [forget] }));
    expect(await forgetMessages(u, [forget])).toBe(1);
    expect((await memories.current(u)).map((m) => m.text)).toEqual(['Likes tea.']);
    const rows = await sql(
      db.url,
      'SELECT memory_excluded, embedding IS NOT NULL AS has_vector FROM messages WHERE user_id = $1 ORDER BY seq',
      [u],
    );
    expect(rows).toEqual([
      { memory_excluded: false, has_vector: true },
      { memory_excluded: true, has_vector: false },
    ]);
  });
});

describe('memory extraction', () => {
  it('stores what the model proposes, in the language spoken, with resolved dates and its sources', async () => {
    const u = await user();
    const said = new Date('2024-05-08T10:00:00Z'); // a Wednesday
    const [t1, t2] = await say(
      u,
      ['我下周二有个面试，好紧张', 'My sister Anna lives in Berlin'],
      said,
    );
    answer([
      {
        kind: 'plan',
        text: '下周二（2024年5月14日）有一个面试，很紧张',
        about: '下周二',
        sources: ['t1'],
        emotional_intensity: 0.7,
        valence: -0.4,
        arousal: 0.5,
      },
      {
        kind: 'person',
        text: 'Has a sister, Anna, who lives in Berlin.',
        sources: ['t2'],
        core: true,
        importance: 0.9,
      },
    ]);
    expect(await extraction.extract(u)).toMatchObject({ batches: 1, applied: 2, dropped: 0 });
    const stored = await memories.current(u);
    const plan = stored.find((m) => m.kind === 'plan')!;
    expect(plan).toMatchObject({ language: 'zh', emotionalIntensity: 0.7, sourceMessageIds: [t1] });
    expect(plan.eventFrom!.toISOString().slice(0, 10)).toBe('2024-05-14');
    expect(plan.validUntil!.getTime()).toBeGreaterThan(plan.eventTo!.getTime());
    expect(stored.find((m) => m.kind === 'person')).toMatchObject({
      core: true,
      language: 'en',
      sourceMessageIds: [t2],
    });
    // Shown the existing memories next time, and nothing new to read: no call at all.
    const before = model.requests.length;
    expect(await extraction.extract(u)).toMatchObject({ batches: 0 });
    expect(model.requests.length).toBe(before);
    const request = model.requests.at(-1)!.body;
    expect(request).toMatchObject({
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'memory_operations', strict: true },
      },
    });
    expect(request).not.toHaveProperty('guided_json');
  });

  it('supersedes a memory that changed, and merges one said again in other words', async () => {
    const u = await user();
    await say(u, ['I work as a nurse at the city hospital']);
    answer([{ text: 'Works as a nurse at the city hospital.', core: true }]);
    await extraction.extract(u);
    await say(u, [
      'I quit, I am a teacher now',
      'I work as a nurse at the city hospital, did I say?',
    ]);
    answer([
      {
        op: 'supersede',
        target: 'm1',
        text: 'Works as a teacher now (was a nurse).',
        sources: ['t1'],
        core: true,
      },
    ]);
    await extraction.extract(u);
    const current = await memories.current(u);
    expect(current.map((m) => m.text)).toEqual(['Works as a teacher now (was a nurse).']);
    const all = await memories.all(u);
    expect(all.find((m) => m.text.startsWith('Works as a nurse'))!.supersededBy).toBe(
      current[0].id,
    );

    await say(u, ['I teach history']);
    answer([{ text: 'works as a teacher now, was a nurse', sources: ['t1'] }]);
    await extraction.extract(u);
    expect((await memories.current(u)).length).toBe(1);
  });

  it('holds a batch whose answer is malformed: nothing stored, the cursor stays, and the next run reads it', async () => {
    const u = await user();
    const [id] = await say(u, ['I love hiking']);
    let calls = 0;
    model.setResponder(() => {
      calls++;
      return { pieces: [calls === 1 ? 'not json' : memoryAnswer([{ text: 'Loves hiking.' }])] };
    });
    await expect(extraction.extract(u)).rejects.toMatchObject({
      name: 'ExtractionHeldError',
      reason: 'invalid_answer',
      messageId: id,
    });
    expect(calls).toBe(1);
    expect(await memories.current(u)).toEqual([]);
    const cursor = () =>
      sql(db.url, 'SELECT message_id FROM memory_cursors WHERE user_id = $1', [u]);
    expect(await cursor()).toEqual([]);
    // The queue runs the job again: the same batch, from the same cursor.
    expect(await extraction.extract(u)).toMatchObject({ batches: 1, applied: 1, dropped: 0 });
    expect((await memories.current(u)).map((m) => m.text)).toEqual(['Loves hiking.']);
    expect(await cursor()).toEqual([{ message_id: id }]);
  });

  it('refuses operations that name turns or memories it was not shown', async () => {
    const u = await user();
    await say(u, ['hello']);
    answer([{ text: 'Says hello.', sources: ['t9'] }]);
    expect(await extraction.extract(u)).toMatchObject({ applied: 0, dropped: 1 });
  });

  it('marks health and self-harm sensitive whatever the model says', async () => {
    const u = await user();
    await say(u, ['I was diagnosed with depression last year']);
    answer([{ text: 'Was diagnosed with depression last year.', sensitive: false }]);
    await extraction.extract(u);
    expect((await memories.current(u))[0]).toMatchObject({ sensitive: true });
  });

  it('reads every message once even when a batch ends among messages of the same instant', async () => {
    const u = await user();
    const texts = Array.from({ length: 25 }, (_, i) => `same instant message number ${i + 1}`);
    await say(u, texts, new Date('2024-05-08T10:00:00Z'));
    const before = model.requests.length;
    answer([]);
    expect(await extraction.extract(u)).toMatchObject({ batches: 2 });
    const shown = model.requests
      .slice(before)
      .map((r) => JSON.stringify(r.body))
      .join('\n');
    for (const text of texts)
      expect(shown.match(new RegExp(`${text}(?!\\d)`, 'g'))).toHaveLength(1);
    expect(await extraction.extract(u)).toMatchObject({ batches: 0 });
  });

  it('shows the model how the user seemed, and keeps the measured feeling of an episode', async () => {
    const u = await user();
    const [calm, upset] = await say(u, ['I passed by the lake', 'I am fine, the test went okay']);
    const [conversation] = await sql<{ conversation_id: string }>(
      db.url,
      'SELECT conversation_id FROM messages WHERE id = $1',
      [upset],
    );
    await sql(db.url, `UPDATE messages SET kind = 'voice' WHERE id = $1`, [upset]);
    const feel = (id: string, label: string, v: number, a: number, c: number, inc: string | null) =>
      sql(
        db.url,
        `INSERT INTO turn_affects (message_id, user_id, conversation_id, valence, arousal, label, confidence, incongruence, affect)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '{}')`,
        [id, u, conversation.conversation_id, v, a, label, c, inc],
      );
    await feel(calm, 'neutral', 0, 0, 0.9, null);
    await feel(upset, 'sadness', -0.7, -0.3, 0.8, 'says_fine_sounds_low');
    // The model reads the words ("fine") and gets the feeling wrong.
    answer([
      {
        kind: 'episode',
        text: 'Took a test and said it went okay.',
        sources: ['t2'],
        valence: 0.4,
        arousal: 0,
        emotional_intensity: 0.1,
      },
    ]);
    await extraction.extract(u);
    const prompt = model.requests.at(-1)!.body.messages!.at(-1)!.content;
    expect(prompt).toMatch(/^t1 \([\d-]+\) User: I passed by the lake$/m);
    expect(prompt).toMatch(
      /^t2 \([\d-]+\) User \[seemed: sadness \(from words and voice; words and voice disagree\)\]: I am fine/m,
    );
    const [episode] = await memories.current(u);
    expect(episode.valence).toBeCloseTo(-0.7, 5);
    expect(episode.arousal).toBeCloseTo(-0.3, 5);
    expect(episode.emotionalIntensity).toBeGreaterThan(0.4);
  });

  it('never reads messages the user asked to forget', async () => {
    const u = await user();
    const [secret] = await say(u, ['my password is hunter2']);
    await forgetMessages(u, [secret]);
    const before = model.requests.length;
    expect(await extraction.extract(u)).toMatchObject({ batches: 0 });
    expect(model.requests.length).toBe(before);
  });
});

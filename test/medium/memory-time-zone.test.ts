import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { loadConfig } from '../../src/config/app-config.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { ModelCompletions } from '../../src/llm/model-completions.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import { MemoryExtractionService } from '../../src/memory/memory-extraction.service.js';
import { MemoryRepository } from '../../src/memory/memory.repository.js';
import { Metrics } from '../../src/observability/metrics.js';
import { TemplateStore } from '../../src/prompting/template-store.js';
import { insertConversation } from '../support/history.js';
import { memoryAnswer } from '../support/memory-operations.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Memory extraction reads dates in the user's own calendar: the prompt's today, each turn's date
 * and what a memory is about are days where the user lives (users.time_zone, else
 * DEFAULT_TIME_ZONE), and "yesterday" is stored as that local day.
 */

let db: TestDatabase;
let ds: DataSource;
let memories: MemoryRepository;
let model: VllmStandIn;
/** DEFAULT_TIME_ZONE unset (UTC). */
let extraction: MemoryExtractionService;
/** DEFAULT_TIME_ZONE=Asia/Shanghai. */
let extractionInShanghai: MemoryExtractionService;
let n = 0;

/** 00:30 on Thursday 3 December 2026 in Shanghai, still 2 December in UTC. */
const AFTER_SHANGHAI_MIDNIGHT = new Date('2026-12-02T16:30:00Z');

/** A user row with the time zone the app gave (null: never given). */
async function user(timeZone: string | null): Promise<string> {
  const id = `mem-zone-${++n}`;
  await sql(db.url, 'INSERT INTO users (id, time_zone) VALUES ($1, $2)', [id, timeZone]);
  return id;
}

const say = (userId: string, texts: string[], at: Date) =>
  insertConversation(db.url, userId, texts, { start: at, stepMs: 0, userOnly: true });

/** What the stand-in answers to an extraction request: these operations. */
function answer(operations: Array<Record<string, unknown>>) {
  model.setResponder(() => ({ pieces: [memoryAnswer(operations)] }));
}

/** The extraction prompt of the latest request. */
function lastPrompt(): string {
  return model.requests.at(-1)!.body.messages!.at(-1)!.content;
}

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`, as Intl sees it. */
const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone }).format(at);

function service(env: Record<string, string>): MemoryExtractionService {
  return new MemoryExtractionService(
    loadConfig({ MEMORY_BATCH_MESSAGES: '20', ...env }),
    new ModelCompletions({ baseUrl: model.url, model: 'memory-test', timeoutMs: 5000 }),
    new TemplateStore(resolve(import.meta.dirname, '../../prompts'), 'memory/v1'),
    new MessageRepository(ds),
    memories,
    new AffectRepository(ds),
    new Metrics(),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 10), logger: undefined, logging: false });
  await ds.initialize();
  memories = new MemoryRepository(ds);
  model = await startVllmStandIn({ model: 'memory-test' });
  extraction = service({});
  extractionInShanghai = service({ DEFAULT_TIME_ZONE: 'Asia/Shanghai' });
});
afterAll(async () => {
  await ds.destroy();
  await model.close();
  await db.drop();
});

describe('memory extraction in the user time zone', () => {
  it('dates the turns and resolves "yesterday" in the user calendar', async () => {
    const u = await user('Asia/Shanghai');
    const [turn] = await say(u, ['我昨天去看了牙医，还是有点疼'], AFTER_SHANGHAI_MIDNIGHT);
    answer([
      {
        kind: 'event',
        text: '2026年12月2日去看了牙医，还是有点疼',
        about: '昨天',
        sources: ['t1'],
        sensitive: true,
      },
    ]);
    const before = localDate(new Date(), 'Asia/Shanghai');
    expect(await extraction.extract(u)).toMatchObject({ batches: 1, applied: 1 });
    const after = localDate(new Date(), 'Asia/Shanghai');

    const prompt = lastPrompt();
    expect(prompt).toMatch(/^t1 \(2026-12-03\) User: 我昨天去看了牙医/m);
    const today = /Today is (\d{4}-\d{2}-\d{2})\./.exec(prompt)?.[1];
    expect([before, after]).toContain(today);

    const [stored] = await memories.current(u);
    expect(stored.sourceMessageIds).toEqual([turn]);
    // The whole of 2 December in Shanghai.
    expect(stored.eventFrom!.toISOString()).toBe('2026-12-01T16:00:00.000Z');
    expect(stored.eventTo!.toISOString()).toBe('2026-12-02T15:59:59.999Z');
  });

  it('shows what a memory is about on the user local day', async () => {
    const u = await user('Asia/Shanghai');
    // An interview on 5 December in Shanghai, as extraction stores it: from local midnight.
    await memories.add(u, {
      kind: 'plan',
      text: '12月5日有一个面试',
      language: 'zh',
      importance: 0.7,
      emotionalIntensity: 0.5,
      valence: null,
      arousal: null,
      sensitive: false,
      core: false,
      eventFrom: new Date('2026-12-04T16:00:00Z'),
      eventTo: new Date('2026-12-05T15:59:59.999Z'),
      validUntil: null,
      sourceMessageIds: [],
      origin: 'extraction',
    });
    await say(u, ['面试的事让我很紧张'], AFTER_SHANGHAI_MIDNIGHT);
    answer([]);
    await extraction.extract(u);
    expect(lastPrompt()).toMatch(/^m1 \[plan, 2026-12-05\] 12月5日有一个面试$/m);
  });

  it("writes today as the user's day on either side of the date line", async () => {
    // UTC+14 and UTC-12 are 26 hours apart: their calendar days always differ.
    const prompts: Record<string, string | undefined> = {};
    for (const zone of ['Pacific/Kiritimati', 'Etc/GMT+12']) {
      const u = await user(zone);
      await say(u, ['hello'], AFTER_SHANGHAI_MIDNIGHT);
      answer([]);
      const before = localDate(new Date(), zone);
      await extraction.extract(u);
      const after = localDate(new Date(), zone);
      prompts[zone] = /Today is (\d{4}-\d{2}-\d{2})\./.exec(lastPrompt())?.[1];
      expect([before, after]).toContain(prompts[zone]);
      expect(lastPrompt()).toMatch(`t1 (${localDate(AFTER_SHANGHAI_MIDNIGHT, zone)}) User: hello`);
    }
    expect(prompts['Pacific/Kiritimati']).not.toBe(prompts['Etc/GMT+12']);
  });

  it('falls back to DEFAULT_TIME_ZONE when the app never sent a zone, or sent one unknown here', async () => {
    for (const zone of [null, 'Moon/Base']) {
      const u = await user(zone);
      await say(u, ['I ran my first 10k yesterday'], AFTER_SHANGHAI_MIDNIGHT);
      answer([{ kind: 'event', text: 'Ran a first 10k.', about: 'yesterday' }]);
      expect(await extractionInShanghai.extract(u)).toMatchObject({ applied: 1 });
      expect(lastPrompt()).toMatch(/^t1 \(2026-12-03\) User: I ran my first 10k yesterday$/m);
      const [stored] = await memories.current(u);
      expect(stored.eventFrom!.toISOString()).toBe('2026-12-01T16:00:00.000Z');
    }
    // Without a default, the same turn is read in UTC.
    const u = await user(null);
    await say(u, ['I ran my first 10k yesterday'], AFTER_SHANGHAI_MIDNIGHT);
    answer([{ kind: 'event', text: 'Ran a first 10k.', about: 'yesterday' }]);
    await extraction.extract(u);
    expect(lastPrompt()).toMatch(/^t1 \(2026-12-02\) User: I ran my first 10k yesterday$/m);
    const [stored] = await memories.current(u);
    expect(stored.eventFrom!.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});

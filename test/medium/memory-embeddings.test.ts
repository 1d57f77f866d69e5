import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { ModelCompletions } from '../../src/llm/model-completions.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import { EmbeddingClient } from '../../src/memory/embeddings/embedding-client.js';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { MemoryExtractionService } from '../../src/memory/memory-extraction.service.js';
import { MemoryRepository } from '../../src/memory/memory.repository.js';
import { RecallTurns } from '../../src/memory/recall/recall-turns.js';
import { RecallService } from '../../src/memory/recall/recall.service.js';
import { Metrics } from '../../src/observability/metrics.js';
import { TemplateStore } from '../../src/prompting/template-store.js';
import { startEmbeddingsStandIn, type EmbeddingsStandIn } from '../support/embeddings-stand-in.js';
import { memoryAnswer } from '../support/memory-operations.js';
import { insertConversation } from '../support/history.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const MODEL = 'bge-m3';
/** Words the stand-in's "model" knows to mean the same thing. */
const concepts = {
  hike: 'outdoors',
  hikes: 'outdoors',
  hiking: 'outdoors',
  camping: 'outdoors',
  tent: 'outdoors',
  mountains: 'outdoors',
  family: 'family',
  kids: 'family',
  children: 'family',
  爬山: 'outdoors',
};

let db: TestDatabase;
let ds: DataSource;
let model: VllmStandIn;
let embeddingsServer: EmbeddingsStandIn;
let embeddings: EmbeddingClient;
let metrics: Metrics;
let extraction: MemoryExtractionService;
let memories: MemoryRepository;
let n = 0;

const countTokens = { count: (text: string) => text.split(/\s+/).length };

function client(over: Partial<ConstructorParameters<typeof EmbeddingClient>[0]> = {}) {
  return new EmbeddingClient(
    {
      baseUrl: embeddingsServer.url,
      model: MODEL,
      queryTimeoutMs: 300,
      batchTimeoutMs: 2000,
      ...over,
    },
    metrics,
  );
}

async function user(): Promise<string> {
  const id = `emb-user-${++n}`;
  await sql(db.url, 'INSERT INTO users (id) VALUES ($1)', [id]);
  return id;
}

/** A conversation of alternating user / companion turns, a minute apart; returns their ids. */
const say = (userId: string, texts: string[], start: Date) =>
  insertConversation(db.url, userId, texts, { start });

function extractionService(withEmbeddings: EmbeddingClient | null) {
  return new MemoryExtractionService(
    loadConfig({ MEMORY_BATCH_MESSAGES: '20' }),
    new ModelCompletions({ baseUrl: model.url, model: 'memory-test', timeoutMs: 5000 }),
    new TemplateStore(resolve(import.meta.dirname, '../../prompts'), 'memory/v1'),
    new MessageRepository(ds),
    memories,
    new AffectRepository(ds),
    metrics,
    withEmbeddings,
  );
}

function answerWith(operations: Array<Record<string, unknown>>) {
  model.setResponder(() => ({ pieces: [memoryAnswer(operations)] }));
}

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 6), logger: undefined, logging: false });
  await ds.initialize();
  model = await startVllmStandIn({ model: 'memory-test' });
  embeddingsServer = await startEmbeddingsStandIn({ model: MODEL, concepts });
  metrics = new Metrics();
  embeddings = client();
  memories = new MemoryRepository(ds);
  extraction = extractionService(embeddings);
});
afterAll(async () => {
  await ds.destroy();
  await model.close();
  await embeddingsServer.close();
  await db.drop();
});

describe('embeddings client', () => {
  it('asks with the official client (base64) and gets the same unit vectors as in float', async () => {
    const [viaClient] = await embeddings.embedMany(['We went camping'], 'turns');
    const request = embeddingsServer.requests.at(-1)!;
    expect(request).toMatchObject({ model: MODEL, encodingFormat: 'base64' });
    const raw = (await (
      await fetch(`${embeddingsServer.url}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: 'We went camping', encoding_format: 'float' }),
      })
    ).json()) as { data: Array<{ embedding: number[] }> };
    const float = raw.data[0].embedding;
    const length = Math.hypot(...float);
    expect(viaClient.length).toBe(256);
    expect(Math.hypot(...viaClient)).toBeCloseTo(1, 5);
    viaClient.forEach((v, i) => expect(v).toBeCloseTo(float[i] / length, 5));
  });

  it('splits long batches and keeps the order', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `text number ${i}`);
    const before = embeddingsServer.requests.length;
    const vectors = await embeddings.embedMany(texts, 'turns');
    expect(embeddingsServer.requests.length - before).toBe(3);
    const [again] = await embeddings.embedMany(['text number 137'], 'turns');
    expect(Array.from(vectors[137])).toEqual(Array.from(again));
  });

  it('gives up on the query vector after its timeout, without a retry', async () => {
    embeddingsServer.setDelay(1000);
    try {
      const before = embeddingsServer.requests.length;
      const started = performance.now();
      expect(await embeddings.embedQuery('hello')).toBeNull();
      expect(performance.now() - started).toBeLessThan(900);
      expect(embeddingsServer.requests.length - before).toBe(1);
    } finally {
      embeddingsServer.setDelay(0);
    }
    const timeouts = await metrics.registry.getSingleMetricAsString(
      'companion_embedding_requests_total',
    );
    expect(timeouts).toMatch(/purpose="query",outcome="timeout"} 1/);
  });

  it('throws for a failing endpoint in batches (after one retry) and for a wrong model', async () => {
    embeddingsServer.failNext(2, 503);
    await expect(embeddings.embedMany(['a'], 'turns')).rejects.toThrow();
    await expect(client({ model: 'no-such-model' }).embedMany(['a'], 'turns')).rejects.toThrow(
      /does not exist/,
    );
  });
});

describe('extraction with embeddings', () => {
  it('stores a vector with every turn it reads and every memory it writes, with the model name', async () => {
    const u = await user();
    const ids = await say(
      u,
      ['We went camping in the mountains with the kids', 'That sounds wonderful!'],
      new Date('2024-05-04T10:00:00Z'),
    );
    answerWith([{ text: 'Went camping in the mountains with the kids.', kind: 'event' }]);
    expect(await extraction.extract(u)).toMatchObject({ applied: 1 });
    const turns = await sql<{ id: string; bytes: number; embedding_model: string }>(
      db.url,
      `SELECT id, length(embedding) AS bytes, embedding_model FROM messages WHERE user_id = $1 ORDER BY seq`,
      [u],
    );
    expect(turns).toEqual(ids.map((id) => ({ id, bytes: 256, embedding_model: MODEL })));
    const [stored] = await sql<{ bytes: number; embedding_model: string }>(
      db.url,
      `SELECT length(embedding) AS bytes, embedding_model FROM memories WHERE user_id = $1`,
      [u],
    );
    expect(stored).toEqual({ bytes: 256, embedding_model: MODEL });
  });

  it('stores turns and memories without vectors when the endpoint is down, and goes on', async () => {
    const u = await user();
    await say(u, ['I love hiking'], new Date('2024-05-04T10:00:00Z'));
    answerWith([{ text: 'Loves hiking.' }]);
    embeddingsServer.failNext(10, 500);
    try {
      expect(await extraction.extract(u)).toMatchObject({ applied: 1 });
    } finally {
      embeddingsServer.failNext(0);
    }
    const rows = await sql<{ t: string; has: boolean }>(
      db.url,
      `SELECT 'message' AS t, embedding IS NOT NULL AS has FROM messages WHERE user_id = $1
       UNION ALL SELECT 'memory', embedding IS NOT NULL FROM memories WHERE user_id = $1`,
      [u],
    );
    expect(rows).toEqual([
      { t: 'message', has: false },
      { t: 'memory', has: false },
    ]);
  });
});

describe('recall with embeddings, on the real store', () => {
  const distractors = [
    'My boss moved the deadline again',
    'Work was exhausting today',
    'I made pasta for dinner',
    'The printer at the office broke',
    'I watched a documentary about whales',
    'My phone screen cracked',
  ];
  const question = 'Any ideas for hikes with my family this weekend?';

  async function history(u: string): Promise<string[]> {
    // The camping trip is the oldest: recency alone would pick any other turn first.
    let t = Date.parse('2024-04-01T10:00:00Z');
    const camping = await say(
      u,
      ['We went camping in the mountains with the kids', 'That sounds wonderful!'],
      new Date(t),
    );
    for (const text of distractors) {
      t += 86_400_000;
      await say(u, [text, 'I see, tell me more.'], new Date(t));
    }
    answerWith([]);
    await extraction.extract(u);
    return camping;
  }

  function service(withEmbeddings: EmbeddingClient | null) {
    return new RecallService(
      new RecallTurns(new MessageRepository(ds), {
        storedTerms: true,
        embeddingModel: withEmbeddings?.model,
      }),
      countTokens,
      memories,
      undefined,
      withEmbeddings,
    );
  }

  const ask = (s: RecallService, userId: string) =>
    s.recall({
      userId,
      query: { text: question, at: new Date('2024-05-01T10:00:00Z') },
      speakers: { user: 'User', assistant: 'Mira' },
    });

  it('finds the turn that means the same with no word in common; words alone do not', async () => {
    const u = await user();
    const [camping] = await history(u);
    const semantic = await ask(service(embeddings), u);
    expect(semantic.ranked[0].sourceMessageIds).toContain(camping);
    expect(semantic.ranked[0].signals.lexical).toBe(0);
    const lexical = await ask(service(null), u);
    expect(lexical.ranked[0].sourceMessageIds).not.toContain(camping);
  });

  it("ignores another model's vectors and never reads another user's rows", async () => {
    const u = await user();
    const [camping] = await history(u);
    await sql(db.url, `UPDATE messages SET embedding_model = 'older-model' WHERE user_id = $1`, [
      u,
    ]);
    const result = await ask(service(embeddings), u);
    expect(result.ranked[0].sourceMessageIds).not.toContain(camping);
    expect(result.ranked.every((i) => i.signals.semantic === 0)).toBe(true);

    // A neighbour with the same story, embedded: none of their turns reach this user.
    const other = await user();
    const theirs = await history(other);
    const mine = await ask(service(embeddings), u);
    const all = mine.ranked.flatMap((i) => i.sourceMessageIds);
    expect(all.some((id) => theirs.includes(id))).toBe(false);
  });

  it('recalls without vectors when the endpoint is too slow for the reply', async () => {
    const u = await user();
    const [camping] = await history(u);
    embeddingsServer.setDelay(1000);
    try {
      const started = performance.now();
      const result = await ask(service(embeddings), u);
      expect(performance.now() - started).toBeLessThan(900);
      expect(result.ranked.length).toBeGreaterThan(0);
      expect(result.ranked[0].sourceMessageIds).not.toContain(camping);
    } finally {
      embeddingsServer.setDelay(0);
    }
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChatRequestBody, Responder } from '../../src/llm/stand-in/vllm-stand-in.js';
import type { MemoryView } from '../../src/memory/user-data.service.js';
import { ChatClient } from '../support/chat-client.js';
import { startEmbeddingsStandIn, type EmbeddingsStandIn } from '../support/embeddings-stand-in.js';
import { memoryAnswer } from '../support/memory-operations.js';
import { sql } from '../support/sql.js';
import {
  quickReply,
  sendAndAwaitReply,
  sleep,
  startTestApp,
  userApi,
  type TestApp,
} from '../support/test-app.js';

let app: TestApp;
let embeddings: EmbeddingsStandIn;
const clients: ChatClient[] = [];
let n = 0;
const newUser = () => `memory-emb-${process.pid}-${++n}`;

/** Extraction remembers the camping trip; every other request gets the quick reply. */
const responder: Responder = (body: ChatRequestBody, index) => {
  const prompt = body.messages?.at(-1)?.content ?? '';
  const format = body.response_format as { json_schema?: { name?: string } } | undefined;
  if (format?.json_schema?.name === 'memory_operations') {
    const camping = /^(t\d+) \([\d-]+\) User(?: \[[^\]]*\])?: .*camping/m.exec(prompt);
    const operations = camping
      ? [
          {
            kind: 'event',
            text: 'Went camping in the mountains with the kids.',
            emotional_intensity: 0.3,
            valence: 0.6,
            arousal: 0.3,
            sources: [camping[1]],
          },
        ]
      : [];
    return { pieces: [memoryAnswer(operations)] };
  }
  return quickReply(body, index);
};

beforeAll(async () => {
  embeddings = await startEmbeddingsStandIn({
    model: 'bge-m3',
    concepts: { hikes: 'outdoors', camping: 'outdoors', mountains: 'outdoors', kids: 'family' },
  });
  app = await startTestApp({
    MEMORY_EXTRACTION_DELAY_MS: '0',
    // Room for one recalled item: what is chosen first is what the test sees.
    MEMORY_BUDGET_TOKENS: '60',
    EMBEDDINGS_BASE_URL: embeddings.url,
    EMBEDDINGS_MODEL: 'bge-m3',
  });
  app.model.setResponder(responder);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await app.close();
  await embeddings.close();
});

const say = (c: ChatClient, text: string) => sendAndAwaitReply(app, c, text);
const api = (userId: string, path: string, init: RequestInit = {}) =>
  userApi(app, userId, path, init);

/** Waits until every message of the user has its vector (extraction runs after each turn). */
async function embedded(userId: string, messages: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [row] = await sql<{ done: number }>(
      app.config.database.url!,
      `SELECT count(*)::int AS done FROM messages WHERE user_id = $1 AND embedding_model = 'bge-m3'`,
      [userId],
    );
    if (row.done >= messages) return;
    await sleep(100);
  }
  throw new Error('messages were not embedded');
}

describe('recall with an embeddings endpoint', () => {
  it('brings back a past conversation that shares no word with the message', async () => {
    const user = newUser();
    const c = await ChatClient.connect(app.url, user);
    clients.push(c);
    await say(c, 'We went camping in the mountains with the kids');
    for (const text of ['Work was exhausting today', 'I made pasta for dinner']) await say(c, text);
    await embedded(user, 6);

    const { prompt } = await say(c, 'Any ideas for hikes this weekend?');
    const note = prompt.at(-2)!;
    expect(note.role).toBe('system');
    expect(note.content).toMatch(/camping in the mountains/);
    expect(note.content).not.toMatch(/pasta|exhausting/);
    const query = embeddings.requests.find(
      (r) => r.input[0] === 'Any ideas for hikes this weekend?',
    );
    expect(query).toMatchObject({ model: 'bge-m3' });
  });

  it("stores the vector of a memory and of the user's correction of it", async () => {
    const user = newUser();
    const c = await ChatClient.connect(app.url, user);
    clients.push(c);
    await say(c, 'We went camping in the mountains with the kids');
    let memories: MemoryView[] = [];
    for (let i = 0; i < 50 && memories.length === 0; i++) {
      memories = ((await (await api(user, '/memories')).json()) as { memories: MemoryView[] })
        .memories;
      if (memories.length === 0) await sleep(100);
    }
    expect(memories).toHaveLength(1);
    const patched = await api(user, `/memories/${memories[0].id}`, {
      method: 'PATCH',
      body: JSON.stringify({ text: 'Went camping by the lake with the kids.' }),
    });
    expect(patched.status).toBe(200);
    const rows = await sql<{ text: string; bytes: number; embedding_model: string }>(
      app.config.database.url!,
      `SELECT text, length(embedding) AS bytes, embedding_model FROM memories WHERE user_id = $1 ORDER BY created_at`,
      [user],
    );
    expect(rows).toEqual([
      {
        text: 'Went camping in the mountains with the kids.',
        bytes: 256,
        embedding_model: 'bge-m3',
      },
      { text: 'Went camping by the lake with the kids.', bytes: 256, embedding_model: 'bge-m3' },
    ]);
  });
});

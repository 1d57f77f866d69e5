import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MemoryView } from '../../src/memory/user-data.service.js';
import type { ChatRequestBody, Responder } from '../../src/llm/stand-in/vllm-stand-in.js';
import { ChatClient } from '../support/chat-client.js';
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
const clients: ChatClient[] = [];
let n = 0;
const newUser = () => `memory-${process.pid}-${++n}`;

/**
 * The stand-in as the memory layer meets it: extraction requests (structured, memory_operations)
 * get `extract(prompt)`, summaries get a fixed paragraph, chat gets the quick reply.
 */
function model(extract: (prompt: string) => Array<Record<string, unknown>>): Responder {
  return (body: ChatRequestBody, index) => {
    const prompt = body.messages?.at(-1)?.content ?? '';
    const format = body.response_format as { json_schema?: { name?: string } } | undefined;
    if (format?.json_schema?.name === 'memory_operations') {
      return { pieces: [memoryAnswer(extract(prompt))] };
    }
    if (prompt.startsWith('Summarise'))
      return { pieces: ['They talked about moving to a new city and feeling unsettled.'] };
    return quickReply(body, index);
  };
}

/** Facts the fake extractor knows how to find in a turn. */
const FACTS: Array<[RegExp, Record<string, unknown>]> = [
  [
    /sister (\w+)/,
    { kind: 'person', text: 'Has a sister named Anna.', core: true, importance: 0.9 },
  ],
  [/我养了一只猫/, { kind: 'fact', text: '养了一只叫咪咪的猫', importance: 0.7 }],
  [/afraid of flying/, { kind: 'preference', text: 'Is afraid of flying.', importance: 0.6 }],
];

function extractor(prompt: string): Array<Record<string, unknown>> {
  const turns = [...prompt.matchAll(/^(t\d+) \([\d-]+\) User(?: \[[^\]]*\])?: (.*)$/gm)];
  return turns.flatMap(([, ref, text]) =>
    FACTS.filter(([re]) => re.test(text)).map(([, op]) => ({ ...op, sources: [ref] })),
  );
}

beforeAll(async () => {
  app = await startTestApp({
    MEMORY_EXTRACTION_DELAY_MS: '0',
    PROMPT_BUDGET_TOKENS: '700',
    SUMMARY_KEEP_MESSAGES: '4',
    USER_API_RATE_LIMIT_PER_MINUTE: '300',
    USER_EXPORTS_PER_HOUR: '2',
  });
  app.model.setResponder(model(extractor));
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  app.model.setResponder(model(extractor));
});
afterAll(() => app.close());

async function connect(userId: string): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, userId);
  clients.push(c);
  return c;
}

const say = (c: ChatClient, text: string, conversationId?: string) =>
  sendAndAwaitReply(app, c, text, conversationId);
const api = (userId: string, path: string, init: RequestInit = {}) =>
  userApi(app, userId, path, init);

async function listNow(userId: string, query = ''): Promise<Array<MemoryView>> {
  return (
    (await (await api(userId, `/memories${query}`)).json()) as {
      memories: Array<MemoryView>;
    }
  ).memories;
}

/** The user's memories once extraction (a job after the reply) has stored some. */
async function memoriesOf(userId: string, query = ''): Promise<Array<MemoryView>> {
  for (let i = 0; i < 50; i++) {
    const res = await api(userId, `/memories${query}`);
    const body = (await res.json()) as { memories: MemoryView[] };
    if (body.memories.length > 0 || i === 49) return body.memories;
    await sleep(100);
  }
  return [];
}

describe('remembering across conversations', () => {
  it('extracts after a turn, shows the user the memory with its source, and recalls it in a new conversation', async () => {
    const user = newUser();
    const c = await connect(user);
    const first = await say(c, 'My sister Anna is visiting next week.');
    const [memory] = await memoriesOf(user);
    expect(memory).toMatchObject({
      kind: 'person',
      text: 'Has a sister named Anna.',
      core: true,
      language: 'en',
    });
    expect(memory.sources).toEqual([
      expect.objectContaining({
        messageId: first.ack.messageId,
        role: 'user',
        text: 'My sister Anna is visiting next week.',
      }),
    ]);

    const later = await say(c, 'What should we cook for dinner?'); // a new conversation
    expect(later.ack.conversationId).not.toBe(first.ack.conversationId);
    const note = later.prompt.at(-2)!;
    expect(note.role).toBe('system');
    expect(note.content).toMatch(/What you remember/);
    expect(note.content).toMatch(/Has a sister named Anna\./);
    // The verbatim turn from the other conversation may come back too, with its date.
    expect(later.prompt.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual([
      'What should we cook for dinner?',
    ]);
  });

  it('keeps Chinese memories in Chinese and finds them with a Chinese question', async () => {
    const user = newUser();
    const c = await connect(user);
    await say(c, '我养了一只猫，叫咪咪。');
    const [memory] = await memoriesOf(user);
    expect(memory).toMatchObject({ text: '养了一只叫咪咪的猫', language: 'zh' });
    const ask = await say(c, '你还记得我的猫叫什么吗？');
    expect(ask.prompt.at(-2)!.content).toMatch(/你记得的、现在可能有关的事/);
    expect(ask.prompt.at(-2)!.content).toMatch(/咪咪/);
  });

  it("never shows one user another user's memories", async () => {
    const owner = newUser();
    const c = await connect(owner);
    await say(c, 'I am afraid of flying.');
    const [memory] = await memoriesOf(owner);
    const other = newUser();
    const stranger = await connect(other);
    // Close to the owner's memory in words, but nothing the stand-in extractor would store for
    // the stranger: their own memories must stay empty whenever extraction runs.
    const turn = await say(stranger, 'Are you scared of flying?');
    expect(JSON.stringify(turn.prompt)).not.toMatch(/Is afraid of flying/);
    expect(
      ((await (await api(other, '/memories')).json()) as { memories: unknown[] }).memories,
    ).toEqual([]);
    expect((await api(other, `/memories/${memory.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(
      (
        await api(other, `/memories/${memory.id}`, {
          method: 'PATCH',
          body: JSON.stringify({ text: 'x' }),
        })
      ).status,
    ).toBe(404);
    expect((await memoriesOf(owner)).length).toBe(1);
  });
});

describe("the user's control", () => {
  it('corrects a memory as a new version, deletes one, deletes all, and recall forgets at once', async () => {
    const user = newUser();
    const c = await connect(user);
    await say(c, 'My sister Anna lives in Berlin.');
    const [memory] = await memoriesOf(user);

    const corrected = await api(user, `/memories/${memory.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ text: 'Has a sister named Anne (not Anna).' }),
    });
    expect(corrected.status).toBe(200);
    const { memory: fixed } = (await corrected.json()) as { memory: MemoryView };
    expect(fixed).toMatchObject({
      text: 'Has a sister named Anne (not Anna).',
      origin: 'user',
      core: true,
    });
    const history = (await memoriesOf(user, '?includeSuperseded=true')).map((m) => [
      m.text,
      m.supersededBy,
    ]);
    expect(history).toEqual(
      expect.arrayContaining([
        ['Has a sister named Anna.', fixed.id],
        ['Has a sister named Anne (not Anna).', null],
      ]),
    );

    expect((await api(user, `/memories/${fixed.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await listNow(user, '?includeSuperseded=true')).toEqual([]);
    const after = await say(c, 'Do you remember my sister?');
    expect(JSON.stringify(after.prompt)).not.toMatch(/Has a sister named/);

    await say(c, 'I am afraid of flying.');
    expect((await memoriesOf(user)).length).toBe(1);
    const all = await api(user, '/memories', { method: 'DELETE' });
    expect(await all.json()).toEqual({ deleted: 1 });
  });

  it('refuses bad requests clearly', async () => {
    const user = newUser();
    expect((await fetch(`${app.url}/v1/me/memories`)).status).toBe(401);
    expect((await api(user, '/memories/not-a-uuid', { method: 'DELETE' })).status).toBe(400);
    const bad = await api(user, '/memories/01900000-0000-7000-8000-000000000001', {
      method: 'PATCH',
      body: JSON.stringify({ text: '', extra: 1 }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_payload' });

    // Errors raised before any handler runs get a stable code too.
    const some = '/memories/01900000-0000-7000-8000-000000000001';
    const cases: Array<[string, RequestInit, number, string]> = [
      [some, { method: 'PATCH', body: '{"text": ' }, 400, 'invalid_json'],
      [
        some,
        { method: 'PATCH', body: JSON.stringify({ text: 'a'.repeat(300_000) }) },
        413,
        'payload_too_large',
      ],
      ['/nothing-here', {}, 404, 'not_found'],
      ['/memories?includeSuperseded=yes', {}, 400, 'invalid_query'],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await api(user, path, init);
      expect([path, res.status]).toEqual([path, status]);
      expect(await res.json()).toMatchObject({ code, message: expect.any(String) });
    }
  });

  it('limits requests and exports per user, with Retry-After', async () => {
    // The limits count in fixed windows (minute, hour): start well inside one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await sleep(60_000 - intoMinute + 100);
    const user = newUser();
    expect((await api(user, '/export')).status).toBe(200);
    expect((await api(user, '/export')).status).toBe(200);
    const third = await api(user, '/export');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await third.json()).toMatchObject({ code: 'rate_limited', message: 'too many exports' });
    // Another user is not affected.
    expect((await api(newUser(), '/export')).status).toBe(200);

    const statuses = await Promise.all(
      Array.from({ length: 297 }, async () => (await api(user, '/memories')).status),
    );
    // 3 exports and 297 lists fill the minute's 300; the next request is refused.
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const over = await api(user, '/memories');
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ code: 'rate_limited' });
  }, 30_000);

  it('exports everything the service holds about the user as NDJSON', async () => {
    const user = newUser();
    const c = await connect(user);
    const turn = await say(c, 'My sister Anna called.');
    await memoriesOf(user);
    const res = await api(user, '/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string } & Record<string, unknown>);
    const of = <T>(type: string) => lines.filter((l) => l.type === type) as unknown as T[];
    const data = {
      user: of<{ id: string }>('user')[0],
      conversations: of('conversation'),
      messages: of<{ content: string }>('message'),
      turnAffects: of<{ message_id: string }>('turnAffect'),
      memories: of<{ text: string }>('memory'),
    };
    expect(lines[0]).toMatchObject({ type: 'export', version: 1, userId: user });
    expect(lines.at(-1)).toMatchObject({ type: 'end', counts: { message: 2 } });
    expect(data.user.id).toBe(user);
    expect(data.conversations).toHaveLength(1);
    expect(data.messages.map((m) => m.content)).toContain('My sister Anna called.');
    expect(data.turnAffects.map((a) => a.message_id)).toContain(turn.ack.messageId);
    expect(data.memories[0]).toMatchObject({ text: 'Has a sister named Anna.' });
  });
});

describe('"forget that" in chat', () => {
  it('forgets what was just said, tells the model so, and never recalls it', async () => {
    const user = newUser();
    const c = await connect(user);
    const said = await say(c, 'My sister Anna is getting divorced.');
    await memoriesOf(user);
    const forget = await say(c, 'Please forget that.', said.ack.conversationId);
    expect(forget.prompt.at(-2)!.content).toMatch(/They asked you to forget what they just said/);
    const [row] = await sql(app.db.url, 'SELECT memory_excluded FROM messages WHERE id = $1', [
      said.ack.messageId,
    ]);
    expect(row).toEqual({ memory_excluded: true });
    const { memories } = (await (await api(user, '/memories')).json()) as { memories: unknown[] };
    expect(memories).toEqual([]);
    const elsewhere = await say(c, 'How is my sister doing?');
    expect(JSON.stringify(elsewhere.prompt)).not.toMatch(/divorced/);
  });

  it('forgets everything said about a topic, in Chinese', async () => {
    const user = newUser();
    const c = await connect(user);
    const cat = await say(c, '我养了一只猫，叫咪咪。');
    await memoriesOf(user);
    const forget = await say(c, '把关于猫的事都忘掉吧', cat.ack.conversationId);
    expect(forget.prompt.at(-2)!.content).toMatch(/对方请你忘掉关于猫的事/);
    const { memories } = (await (await api(user, '/memories')).json()) as { memories: unknown[] };
    expect(memories).toEqual([]);
  });
});

describe('long conversations', () => {
  it('summarise what no longer fits, and the prompt carries the summary', async () => {
    const user = newUser();
    const c = await connect(user);
    const long = (i: number) =>
      `Message ${i}: we are moving to a new city and ` +
      'there is so much to pack and sort out '.repeat(8);
    let conversationId: string | undefined;
    for (let i = 1; i <= 6; i++) {
      const turn = await say(c, long(i), conversationId);
      conversationId = turn.ack.conversationId;
    }
    let summary: unknown = null;
    for (let i = 0; i < 50 && !summary; i++) {
      [{ summary } = { summary: null }] = await sql(
        app.db.url,
        'SELECT summary FROM conversations WHERE id = $1',
        [conversationId],
      );
      if (!summary) await sleep(100);
    }
    expect(summary).toBe('They talked about moving to a new city and feeling unsettled.');
    const next = await say(c, 'Anyway, how are you?', conversationId);
    expect(next.prompt[1]).toEqual({
      role: 'system',
      content:
        'Earlier in this conversation (summary):\nThey talked about moving to a new city and feeling unsettled.',
    });
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { ChatRequestBody, Responder } from '../../src/llm/stand-in/vllm-stand-in.js';
import { ForgetService } from '../../src/memory/forget.service.js';
import type { MemoryView } from '../../src/memory/user-data.service.js';
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
const newUser = () => `forget-${process.pid}-${++n}`;

/** Facts the stand-in extractor finds in a user's turn. */
const FACTS: Array<[RegExp, Record<string, unknown>]> = [
  [/\bex (\w+)/, { kind: 'person', text: 'Their ex is called Sam.', core: true, importance: 0.9 }],
  [
    /sister Anna/,
    { kind: 'person', text: 'Has a sister named Anna.', core: true, importance: 0.9 },
  ],
];

/**
 * The stand-in as memory meets it: extraction finds FACTS, a summary repeats what the turns it
 * was given say about Sam (so a summary written from forgotten turns shows it), chat replies.
 */
const responder: Responder = (body: ChatRequestBody, index) => {
  const prompt = body.messages?.at(-1)?.content ?? '';
  const format = body.response_format as { json_schema?: { name?: string } } | undefined;
  if (format?.json_schema?.name === 'memory_operations') {
    const turns = [...prompt.matchAll(/^(t\d+) \([\d-]+\) User(?: \[[^\]]*\])?: (.*)$/gm)];
    return {
      pieces: [
        memoryAnswer(
          turns.flatMap(([, ref, text]) =>
            FACTS.filter(([re]) => re.test(text)).map(([, op]) => ({ ...op, sources: [ref] })),
          ),
        ),
      ],
    };
  }
  if (prompt.startsWith('Summarise')) {
    return {
      pieces: [
        /Sam/.test(prompt)
          ? 'Their ex Sam keeps texting them; they are also moving house.'
          : 'They are moving house and there is a lot to pack.',
      ],
    };
  }
  return quickReply(body, index);
};

beforeAll(async () => {
  app = await startTestApp({
    MEMORY_EXTRACTION_DELAY_MS: '0',
    PROMPT_BUDGET_TOKENS: '700',
    SUMMARY_KEEP_MESSAGES: '4',
    USER_API_RATE_LIMIT_PER_MINUTE: '600',
  });
  app.model.setResponder(responder);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
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

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string) {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (done(v)) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const memoriesOf = async (userId: string) =>
  ((await (await api(userId, '/memories')).json()) as { memories: MemoryView[] }).memories;

const summaryOf = async (conversationId: string) =>
  (
    await sql<{ summary: string | null }>(
      app.db.url,
      'SELECT summary FROM conversations WHERE id = $1',
      [conversationId],
    )
  )[0].summary;

const excluded = async (messageId: string) =>
  (
    await sql<{ memory_excluded: boolean }>(
      app.db.url,
      'SELECT memory_excluded FROM messages WHERE id = $1',
      [messageId],
    )
  )[0].memory_excluded;

const long = (i: number) =>
  `Message ${i}: we are moving to a new city and ` +
  'there is so much to pack and sort out '.repeat(8);

describe('a forget reaches every copy', () => {
  it('takes a topic out of the history, recall, memories, summaries and traces, in this conversation and others', async () => {
    const user = newUser();
    const c = await connect(user);
    const said = await say(c, 'My ex Sam keeps texting me.');
    const a = said.ack.conversationId;
    await until(
      () => memoriesOf(user),
      (m) => m.length > 0,
      'the memory about Sam',
    );
    for (let i = 1; i <= 6; i++) await say(c, long(i), a);
    await until(
      () => summaryOf(a),
      (s) => /Sam/.test(s ?? ''),
      'a summary holding Sam',
    );
    // Another conversation recalls the (core) memory: its trace holds a copy.
    const other = await say(c, 'What should I cook tonight?');
    expect(JSON.stringify(other.prompt)).toMatch(/Their ex is called Sam/);

    const forget = await say(c, 'Please forget everything I told you about Sam.', a);
    // This reply's prompt already holds nothing of it: no turn, no summary, no memory.
    const now = JSON.stringify(forget.prompt);
    expect(now).not.toMatch(/keeps texting|ex Sam|called Sam/);
    expect(forget.prompt.at(-2)!.content).toMatch(
      /They asked you to forget what they said about sam\. It is forgotten/,
    );
    const event = await c.next('memory:forgotten');
    expect(event).toMatchObject({
      conversationId: a,
      messageId: forget.ack.messageId,
      scope: 'topic',
      topic: 'sam',
      memories: 1,
      messages: 2, // what they said and the reply to it
    });
    expect(Date.parse(event.undoUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(await memoriesOf(user)).toEqual([]);
    expect(await excluded(said.ack.messageId)).toBe(true);
    expect(await excluded(forget.ack.messageId)).toBe(true);

    // The follow-up: the summary is written again without it, and the traces lose their copies.
    await until(
      () =>
        sql<{ n: number }>(
          app.db.url,
          'SELECT count(*)::int AS n FROM memory_forgets WHERE id = $1 AND followed_up_at IS NOT NULL',
          [event.forgetId],
        ),
      (r) => r[0].n === 1,
      'the forget follow-up',
    );
    expect(await summaryOf(a)).toBe('They are moving house and there is a lot to pack.');
    const traces = await sql<{ trace: string }>(
      app.db.url,
      'SELECT trace::text AS trace FROM turn_traces WHERE user_id = $1',
      [user],
    );
    expect(traces.length).toBeGreaterThan(8);
    for (const { trace } of traces) expect(trace).not.toMatch(/Sam|sam\b|keeps texting/);
    expect(traces.some(({ trace }) => trace.includes('[forgotten]'))).toBe(true);

    // Later prompts, here and in a new conversation, hold nothing of it.
    const next = await say(c, 'Anyway, what was I saying?', a);
    expect(JSON.stringify(next.prompt)).not.toMatch(/sam|keeps texting/i);
    expect(next.prompt.filter((m) => m.role === 'user').map((m) => m.content)).not.toContain(
      'Please forget everything I told you about Sam.',
    );
    const elsewhere = await say(c, 'Who keeps texting me these days?');
    expect(JSON.stringify(elsewhere.prompt)).not.toMatch(/sam/i);
    // And extraction, reading on from its cursor, never learns it again.
    await sleep(300);
    expect(await memoriesOf(user)).toEqual([]);
  });

  it('forgets the last exchange: out of the next prompt with the request and its reply', async () => {
    const user = newUser();
    const c = await connect(user);
    const said = await say(c, 'My sister Anna is getting divorced.');
    const a = said.ack.conversationId;
    await until(
      () => memoriesOf(user),
      (m) => m.length > 0,
      'the memory about Anna',
    );
    const forget = await say(c, 'Please forget that.', a);
    // Already this reply's prompt leaves it out: the model confirms without seeing it.
    expect(forget.prompt.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual([
      'Please forget that.',
    ]);
    const event = await c.next('memory:forgotten');
    expect(event).toMatchObject({ scope: 'last', topic: null, memories: 1, messages: 2 });
    const next = await say(c, 'So, how was your day?', a);
    expect(next.prompt.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual([
      'So, how was your day?',
    ]);
    expect(JSON.stringify(next.prompt)).not.toMatch(/divorced|Anna/);
  });
});

describe('only a clear request forgets', () => {
  it('passing mentions of forgetting forget nothing', async () => {
    const user = newUser();
    const c = await connect(user);
    const said = await say(c, 'My sister Anna is visiting next week.');
    const a = said.ack.conversationId;
    await until(
      () => memoriesOf(user),
      (m) => m.length > 0,
      'the memory about Anna',
    );
    for (const text of [
      'I keep forgetting to call my sister Anna.',
      "Don't forget the party tonight!",
      '我又忘了带钥匙。',
      'Did you forget what I told you about Anna?',
    ]) {
      const turn = await say(c, text, a);
      expect(turn.prompt.at(-2)!.content).not.toMatch(/forget|忘/);
    }
    expect(c.all('memory:forgotten')).toEqual([]);
    expect((await memoriesOf(user)).map((m) => m.text)).toEqual(['Has a sister named Anna.']);
    const rows = await sql<{ n: number }>(
      app.db.url,
      `SELECT (SELECT count(*) FROM messages WHERE user_id = $1 AND memory_excluded)::int
            + (SELECT count(*) FROM memory_forgets WHERE user_id = $1)::int AS n`,
      [user],
    );
    expect(rows[0].n).toBe(0);
  });

  it('an unclear request asks, and deletes nothing', async () => {
    const user = newUser();
    const c = await connect(user);
    const said = await say(c, 'My sister Anna is visiting next week.');
    await until(
      () => memoriesOf(user),
      (m) => m.length > 0,
      'the memory about Anna',
    );
    const ask = await say(c, 'Could you forget what I said about Anna?', said.ack.conversationId);
    expect(ask.prompt.at(-2)!.content).toMatch(
      /not clear what \(perhaps what they said about anna\)\. Nothing has been forgotten: ask them/,
    );
    expect(c.all('memory:forgotten')).toEqual([]);
    expect(await memoriesOf(user)).toHaveLength(1);
    expect(await excluded(said.ack.messageId)).toBe(false);
    expect(((await (await api(user, '/forgets')).json()) as { forgets: [] }).forgets).toEqual([]);
  });
});

describe('undo', () => {
  it('brings the memories and messages back within the window, once', async () => {
    const user = newUser();
    const c = await connect(user);
    const said = await say(c, 'My ex Sam keeps texting me.');
    await until(
      () => memoriesOf(user),
      (m) => m.length > 0,
      'the memory about Sam',
    );
    const request = await say(c, 'Forget everything about Sam.', said.ack.conversationId);
    const { forgetId } = await c.next('memory:forgotten');
    expect(await memoriesOf(user)).toEqual([]);

    const list = (await (await api(user, '/forgets')).json()) as { forgets: unknown[] };
    expect(list.forgets).toEqual([
      expect.objectContaining({
        id: forgetId,
        scope: 'topic',
        topic: 'sam',
        messages: 2,
        memories: 1,
        undoable: true,
        undoneAt: null,
      }),
    ]);

    const undo = await api(user, `/forgets/${forgetId}/undo`, { method: 'POST' });
    expect(undo.status).toBe(200);
    expect(await undo.json()).toEqual({ undone: true, memories: 1, messages: 2 });
    expect((await memoriesOf(user)).map((m) => m.text)).toEqual(['Their ex is called Sam.']);
    expect(await excluded(said.ack.messageId)).toBe(false);
    // The request and its reply stay out of memory.
    expect(await excluded(request.ack.messageId)).toBe(true);
    const later = await say(c, 'What should I cook tonight?');
    expect(JSON.stringify(later.prompt)).toMatch(/Their ex is called Sam/);

    const again = await api(user, `/forgets/${forgetId}/undo`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'already_undone' });
    // Another user cannot see or undo it.
    const stranger = await api(newUser(), `/forgets/${forgetId}/undo`, { method: 'POST' });
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ code: 'forget_not_found' });
    expect((await api(user, '/forgets/not-a-uuid/undo', { method: 'POST' })).status).toBe(400);
    expect((await api(user, `/forgets/${randomUUID()}/undo`, { method: 'POST' })).status).toBe(404);
  });

  it('is refused once the window has passed, and the sweep erases the saved copy', async () => {
    const user = newUser();
    const c = await connect(user);
    const said = await say(c, 'My ex Sam keeps texting me.');
    await until(
      () => memoriesOf(user),
      (m) => m.length > 0,
      'the memory about Sam',
    );
    await say(c, 'Please forget that.', said.ack.conversationId);
    const { forgetId } = await c.next('memory:forgotten');
    await sql(
      app.db.url,
      `UPDATE memory_forgets SET undo_until = now() - interval '1 second' WHERE id = $1`,
      [forgetId],
    );
    const late = await api(user, `/forgets/${forgetId}/undo`, { method: 'POST' });
    expect(late.status).toBe(410);
    expect(await late.json()).toMatchObject({ code: 'undo_expired' });

    const { purged } = await app.running.app.get(ForgetService).sweep();
    expect(purged).toBeGreaterThanOrEqual(1);
    const [row] = await sql<{ saved: boolean }>(
      app.db.url,
      'SELECT saved_memories IS NOT NULL AS saved FROM memory_forgets WHERE id = $1',
      [forgetId],
    );
    expect(row.saved).toBe(false);
    const list = (await (await api(user, '/forgets')).json()) as {
      forgets: Array<{ memories: number | null; undoable: boolean }>;
    };
    expect(list.forgets[0]).toMatchObject({ memories: null, undoable: false });
    expect(await memoriesOf(user)).toEqual([]);
  });
});

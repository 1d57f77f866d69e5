import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SendAck, SyncAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import { quickReply, sleep, startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
const clients: ChatClient[] = [];
let n = 0;
const newUser = () => `user-${process.pid}-${++n}`;
const msgId = () => `m-${Date.now()}-${++n}`;

async function connect(userId: string): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, userId);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  app.model.setResponder(quickReply);
});
afterAll(() => app.close());

describe('message:send', () => {
  it('stores the message before it acks', async () => {
    const c = await connect(newUser());
    const ack = await c.request<{ ok: true } & SendAck>('message:send', {
      clientMsgId: msgId(),
      text: 'hello',
    });
    expect(ack).toMatchObject({ ok: true, seq: 1, duplicate: false });
    // No waiting: the row must already be there when the ack arrives.
    const rows = await sql(
      app.db.url,
      'SELECT role, content, seq, status FROM messages WHERE id = $1',
      [ack.messageId],
    );
    expect(rows).toEqual([{ role: 'user', content: 'hello', seq: 1, status: 'received' }]);
  });

  it('streams a reply and ends with the stored message', async () => {
    const c = await connect(newUser());
    const ack = await c.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      text: 'how are you?',
    });
    const start = await c.next('reply:start');
    expect(start).toMatchObject({
      conversationId: ack.conversationId,
      inReplyTo: ack.messageId,
      seq: 2,
    });
    const end = await c.next('reply:end', (e) => e.replyId === start.replyId);
    expect(end.message).toMatchObject({
      id: start.replyId,
      seq: 2,
      role: 'assistant',
      status: 'completed',
      content: 'Hello, friend.',
      model: 'companion-qwen3-test',
    });
    expect(c.streamedText(start.replyId)).toBe('Hello, friend.');
    // The output check releases whole sentences: the four pieces of one sentence are one delta.
    expect(c.all('reply:delta').map((d) => [d.index, d.text])).toEqual([[0, 'Hello, friend.']]);
    const [row] = await sql(
      app.db.url,
      `SELECT prompt_version, ttft_ms, total_ms, prompt_tokens, completion_tokens, content_tokens
         FROM messages WHERE id = $1`,
      [start.replyId],
    );
    expect(row.prompt_version).toMatch(/^companion\/v4@[0-9a-f]{8}$/);
    expect(row.ttft_ms).toEqual(expect.any(Number));
    expect(Number(row.total_ms)).toBeGreaterThanOrEqual(Number(row.ttft_ms));
    expect(row.prompt_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBe(5);
    expect(row.content_tokens).toBeGreaterThan(0);
  });

  it('answers a repeated clientMsgId with the same ack and no second reply', async () => {
    const c = await connect(newUser());
    const payload = { clientMsgId: msgId(), text: 'once' };
    const first = await c.request<SendAck>('message:send', payload);
    await c.next('reply:end');
    const again = await c.request<SendAck>('message:send', payload);
    expect(again).toEqual({ ...first, duplicate: true });
    await sleep(300);
    expect(c.all('reply:start')).toHaveLength(1);
    const rows = await sql(
      app.db.url,
      'SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1',
      [first.conversationId],
    );
    expect(rows[0].n).toBe(2);
  });

  it('stores concurrent repeats of one clientMsgId once', async () => {
    const c = await connect(newUser());
    const payload = { clientMsgId: msgId(), text: 'racing' };
    const acks = await Promise.all(
      Array.from({ length: 5 }, () => c.request<SendAck>('message:send', payload)),
    );
    expect(new Set(acks.map((a) => a.messageId)).size).toBe(1);
    expect(acks.filter((a) => !a.duplicate).length).toBe(1);
    await c.next('reply:end');
    await sleep(200);
    expect(c.all('reply:start')).toHaveLength(1);
  });

  it('continues a conversation with increasing seq', async () => {
    const c = await connect(newUser());
    const a = await c.request<SendAck>('message:send', { clientMsgId: msgId(), text: 'one' });
    await c.next('reply:end');
    const b = await c.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      conversationId: a.conversationId,
      text: 'two',
    });
    expect(b.conversationId).toBe(a.conversationId);
    expect(b.seq).toBe(3);
    const end = await c.next('reply:end', (e) => e.message.seq === 4);
    expect(end.message.inReplyTo).toBe(b.messageId);
  });
});

describe('http', () => {
  it('reports health, readiness and Prometheus metrics', async () => {
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'up', redis: 'disabled', model: 'up' },
    });
    const c = await connect(newUser());
    await c.request('message:send', { clientMsgId: msgId(), text: 'count me' });
    await c.next('reply:end');
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/companion_replies_total\{status="completed",code=""\} [1-9]/);
    expect(metrics).toMatch(/companion_socket_connections [1-9]/);
    expect(metrics).toMatch(/companion_reply_ttft_seconds_count [1-9]/);
    expect(metrics).toMatch(/companion_queue_depth\{queue="companion"\} \d/);
    expect(metrics).toMatch(/companion_messages_total\{kind="text",outcome="stored"\} [1-9]/);
  });
});

describe('devices', () => {
  it("shows every device the conversation: message:new for another device's message, and the reply", async () => {
    const user = newUser();
    const phone = await connect(user);
    const tablet = await connect(user);
    const stranger = await connect(newUser());
    const ack = await phone.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      text: 'from my phone',
    });
    const seen = await tablet.next('message:new');
    expect(seen.message).toMatchObject({
      id: ack.messageId,
      content: 'from my phone',
      seq: 1,
      role: 'user',
    });
    const end = await tablet.next('reply:end');
    expect(tablet.streamedText(end.replyId)).toBe('Hello, friend.');
    await phone.next('reply:end');
    expect(phone.all('message:new')).toHaveLength(0);
    await sleep(100);
    expect(stranger.received).toHaveLength(0);
  });
});

describe('sync', () => {
  it('gives a client that was away the reply that finished meanwhile', async () => {
    app.model.setResponder(() => ({
      pieces: ['while ', 'you ', 'were ', 'away'],
      pieceDelayMs: 80,
    }));
    const user = newUser();
    const c = await connect(user);
    const ack = await c.request<SendAck>('message:send', { clientMsgId: msgId(), text: 'brb' });
    c.close(); // the phone goes into a tunnel
    await sleep(700);
    const back = await connect(user);
    const sync = await back.request<{ ok: true } & SyncAck>('sync', {
      conversationId: ack.conversationId,
      afterSeq: ack.seq,
    });
    expect(sync).toMatchObject({ ok: true, hasMore: false, lastSeq: 2 });
    expect(sync.messages).toHaveLength(1);
    expect(sync.messages[0]).toMatchObject({
      role: 'assistant',
      status: 'completed',
      content: 'while you were away',
    });
  });

  it('pages through a long conversation', async () => {
    const c = await connect(newUser());
    const first = await c.request<SendAck>('message:send', { clientMsgId: msgId(), text: 'a' });
    await c.next('reply:end');
    for (const [text, replySeq] of [
      ['b', 4],
      ['c', 6],
    ] as const) {
      await c.request('message:send', {
        clientMsgId: msgId(),
        conversationId: first.conversationId,
        text,
      });
      await c.next('reply:end', (e) => e.message.seq === replySeq);
    }
    const page1 = await c.request<SyncAck>('sync', {
      conversationId: first.conversationId,
      afterSeq: 0,
      limit: 4,
    });
    expect(page1.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(page1.hasMore).toBe(true);
    const page2 = await c.request<SyncAck>('sync', {
      conversationId: first.conversationId,
      afterSeq: 4,
      limit: 4,
    });
    expect(page2.messages.map((m) => m.seq)).toEqual([5, 6]);
    expect(page2.hasMore).toBe(false);
  });

  it("refuses another user's conversation exactly like a missing one", async () => {
    const owner = await connect(newUser());
    const ack = await owner.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      text: 'private',
    });
    const other = await connect(newUser());
    const theirs = await other.request('sync', { conversationId: ack.conversationId, afterSeq: 0 });
    const missing = await other.request('sync', {
      conversationId: '01900000-0000-7000-8000-000000000000',
      afterSeq: 0,
    });
    expect(theirs).toMatchObject({ ok: false, error: { code: 'conversation_not_found' } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'conversation_not_found' } });
    const write = await other.request('message:send', {
      clientMsgId: msgId(),
      conversationId: ack.conversationId,
      text: 'intrude',
    });
    expect(write).toMatchObject({ ok: false, error: { code: 'conversation_not_found' } });
    const rows = await sql(
      app.db.url,
      'SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND role = $2',
      [ack.conversationId, 'user'],
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('one reply at a time', () => {
  it('answers messages sent during a reply with one follow-up reply', async () => {
    app.model.setResponder(() => ({ pieces: ['a', 'b', 'c', 'd'], pieceDelayMs: 60 }));
    const c = await connect(newUser());
    const first = await c.request<SendAck>('message:send', { clientMsgId: msgId(), text: 'first' });
    const start = await c.next('reply:start');
    const second = await c.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      conversationId: first.conversationId,
      text: 'second',
    });
    const third = await c.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      conversationId: first.conversationId,
      text: 'third',
    });
    const followUp = await c.next('reply:start', (s) => s.replyId !== start.replyId);
    expect(followUp.inReplyTo).toBe(third.messageId);
    const firstEnd = await c.next('reply:end', (e) => e.replyId === start.replyId);
    expect(firstEnd.message.completedAt! <= new Date().toISOString()).toBe(true);
    await c.next('reply:end', (e) => e.replyId === followUp.replyId);
    await sleep(300);
    expect(c.all('reply:start')).toHaveLength(2);
    expect(second.seq).toBeLessThan(third.seq);
    const prompt = app.model.requests.at(-1)!.body.messages!.map((m) => m.content);
    expect(prompt.slice(-4)).toEqual(['first', 'abcd', 'second', 'third']);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import { quickReply, sleep, startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
const clients: ChatClient[] = [];
let n = 0;
const newUser = () => `faults-${process.pid}-${++n}`;
const msgId = () => `m-${++n}`;

beforeAll(async () => {
  app = await startTestApp({
    LLM_FIRST_TOKEN_TIMEOUT_MS: '400',
    LLM_TOTAL_TIMEOUT_MS: '1500',
    LLM_RETRIES: '1',
    LLM_BUSY_RETRY_AFTER_MS: '2500',
    PROMPT_BUDGET_TOKENS: '400',
    LLM_MAX_TOKENS: '128',
  });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  app.model.setResponder(quickReply);
});
afterAll(() => app.close());

async function connect(): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, newUser());
  clients.push(c);
  return c;
}

async function sendAndEnd(c: ChatClient, text: string, conversationId?: string) {
  const ack = await c.request<SendAck>('message:send', {
    clientMsgId: msgId(),
    text,
    conversationId,
  });
  const end = await c.next('reply:end', (e) => e.message.inReplyTo === ack.messageId);
  return { ack, end };
}

describe('when the model fails', () => {
  it('stores a clearly marked failed reply and sends an error event, never silence', async () => {
    app.model.setResponder(() => ({ status: 500, errorMessage: 'CUDA out of memory' }));
    const c = await connect();
    const { ack, end } = await sendAndEnd(c, 'hello?');
    expect(end.message).toMatchObject({ status: 'failed', errorCode: 'model_error', content: '' });
    const error = await c.next('error');
    expect(error).toMatchObject({
      code: 'model_error',
      replyId: end.replyId,
      clientMsgId: expect.any(String),
    });
    const [user] = await sql(app.db.url, 'SELECT status FROM messages WHERE id = $1', [
      ack.messageId,
    ]);
    expect(user).toEqual({ status: 'received' });
  });

  it('retries once before the first token, then succeeds without the user noticing', async () => {
    let calls = 0;
    app.model.setResponder(() => (++calls === 1 ? { status: 502 } : { pieces: ['fine', ' now'] }));
    const c = await connect();
    const { end } = await sendAndEnd(c, 'hi');
    expect(end.message).toMatchObject({ status: 'completed', content: 'fine now' });
    expect(calls).toBe(2);
    expect(c.all('error')).toHaveLength(0);
  });

  it('gives up on a model that sends no first token in time', async () => {
    app.model.setResponder(() => ({ pieces: ['too late'], firstDelayMs: 2000 }));
    const c = await connect();
    const { end } = await sendAndEnd(c, 'anyone there?');
    expect(end.message).toMatchObject({ status: 'failed', errorCode: 'model_timeout' });
    expect((await c.next('error')).code).toBe('model_timeout');
  });

  it('keeps what was shown when a stream stalls after its first tokens, marked failed', async () => {
    app.model.setResponder(() => ({
      pieces: ['I was ', 'saying', '...'],
      stopAfter: { pieces: 2, then: 'hang' },
    }));
    const c = await connect();
    const { end } = await sendAndEnd(c, 'go on');
    expect(end.message).toMatchObject({
      status: 'failed',
      errorCode: 'model_timeout',
      content: 'I was saying',
    });
  });

  it('acks the message, then reports busy with a retry time when the endpoint answers 429', async () => {
    app.model.setResponder(() => ({ status: 429, headers: { 'retry-after': '3' } }));
    const c = await connect();
    const payload = { clientMsgId: msgId(), text: 'midnight rush' };
    const ack = await c.request<{ ok: boolean } & SendAck>('message:send', payload);
    expect(ack.ok).toBe(true);
    const busy = await c.next('error');
    expect(busy).toMatchObject({
      code: 'busy',
      retryAfterMs: 3000,
      clientMsgId: payload.clientMsgId,
    });
    // The app retries the same message later: this time it gets its reply.
    app.model.setResponder(quickReply);
    const again = await c.request<SendAck>('message:send', payload);
    expect(again).toMatchObject({ messageId: ack.messageId, duplicate: true });
    const end = await c.next('reply:end', (e) => e.message.status === 'completed');
    expect(end.message.inReplyTo).toBe(ack.messageId);
  });

  it('strips <think> reasoning before the user sees or the database stores it', async () => {
    app.model.setResponder(() => ({
      pieces: ['<think>\nThe user seems', ' sad.</think>\n\n', 'That sounds ', 'hard.'],
    }));
    const c = await connect();
    const { end } = await sendAndEnd(c, 'rough day');
    expect(end.message.content).toBe('That sounds hard.');
    expect(c.streamedText(end.replyId)).toBe('That sounds hard.');
    const [row] = await sql(app.db.url, 'SELECT content FROM messages WHERE id = $1', [
      end.replyId,
    ]);
    expect(row.content).toBe('That sounds hard.');
  });
});

describe('cancel', () => {
  it('stops the upstream request and stores what was produced as cancelled', async () => {
    app.model.setResponder(() => ({
      pieces: Array.from({ length: 40 }, (_, i) => `w${i}. `),
      pieceDelayMs: 40,
    }));
    const c = await connect();
    const ack = await c.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      text: 'tell me a story',
    });
    const start = await c.next('reply:start');
    await c.next('reply:delta', (d) => d.index === 2);
    const cancel = await c.request('reply:cancel', { replyId: start.replyId });
    expect(cancel).toEqual({ ok: true, replyId: start.replyId });
    const end = await c.next('reply:end');
    expect(end.message.status).toBe('cancelled');
    expect(end.message.content.startsWith('w0. w1. w2.')).toBe(true);
    expect(end.message.content).toBe(c.streamedText(start.replyId));
    await sleep(100);
    const request = app.model.requests.at(-1)!;
    expect(request.aborted).toBe(true);
    expect(c.all('error')).toHaveLength(0);
    // A cancelled reply is a reply: repeating the message starts no new one.
    await c.request('message:send', {
      clientMsgId: (
        await sql(app.db.url, 'SELECT client_msg_id FROM messages WHERE id = $1', [ack.messageId])
      )[0].client_msg_id,
      text: 'tell me a story',
    });
    await sleep(200);
    expect(c.all('reply:start')).toHaveLength(1);
    expect(await c.request('reply:cancel', { replyId: start.replyId })).toMatchObject({
      ok: false,
      error: { code: 'reply_not_active' },
    });
  });

  it("cannot cancel another user's reply", async () => {
    app.model.setResponder(() => ({
      pieces: Array.from({ length: 20 }, () => 'x'),
      pieceDelayMs: 40,
    }));
    const owner = await connect();
    await owner.request('message:send', { clientMsgId: msgId(), text: 'mine' });
    const start = await owner.next('reply:start');
    const other = await connect();
    expect(await other.request('reply:cancel', { replyId: start.replyId })).toMatchObject({
      ok: false,
      error: { code: 'reply_not_found' },
    });
    expect((await owner.next('reply:end')).message.status).toBe('completed');
  });
});

describe('prompt budget', () => {
  it('leaves the oldest turns out when the history outgrows the token budget', async () => {
    app.model.setResponder(() => ({ pieces: ['ok'] }));
    const c = await connect();
    const long = (tag: string) => `${tag} ` + 'remember this detail please '.repeat(25);
    const first = await sendAndEnd(c, long('FIRST'));
    await sendAndEnd(c, long('SECOND'), first.ack.conversationId);
    await sendAndEnd(c, long('THIRD'), first.ack.conversationId);
    const sent = app.model.requests.at(-1)!.body.messages!;
    expect(sent[0].role).toBe('system');
    expect(sent.at(-1)!.content.startsWith('THIRD')).toBe(true);
    expect(sent.some((m) => m.content.startsWith('FIRST'))).toBe(false);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import { sleep, startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_JWT_SECRET, tokenFor } from '../support/tokens.js';

let app: TestApp;
const clients: ChatClient[] = [];
let n = 0;
const newUser = () => `refusals-${process.pid}-${++n}`;
const msgId = () => `m-${++n}`;

beforeAll(async () => {
  app = await startTestApp({
    MESSAGE_MAX_CHARS: '50',
    RATE_LIMIT_PER_MINUTE: '3',
    WS_MAX_PAYLOAD_BYTES: '4096',
    VOICE_CHUNK_MAX_BYTES: '4096',
    WS_ALLOWED_ORIGINS: 'https://app.example.com',
  });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => app.close());

async function connect(userId = newUser()): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, userId);
  clients.push(c);
  return c;
}

function refused(options: Parameters<typeof ChatClient.open>[2]) {
  const c = ChatClient.open(app.url, newUser(), options);
  clients.push(c);
  return c.refusal();
}

describe('handshake', () => {
  it('refuses a connection without a token', async () => {
    expect(await refused({ token: null })).toMatchObject({
      message: 'unauthorized',
      data: { code: 'unauthorized' },
    });
  });

  it('refuses a token signed with another secret, an expired one and one without sub', async () => {
    const forged = jwt.sign({}, 'another-secret-another-secret-another', { subject: 'u1' });
    const expired = tokenFor('u1', { expiresIn: -10 });
    const noSub = jwt.sign({ name: 'x' }, TEST_JWT_SECRET, { expiresIn: '1h' });
    const none = jwt.sign({}, '', { subject: 'u1', algorithm: 'none' });
    for (const token of [forged, expired, noSub, none, 'garbage', 'a.b.c']) {
      expect((await refused({ token })).message).toBe('unauthorized');
    }
  });

  it('refuses a token that never expires, and one that lives longer than JWT_MAX_LIFETIME_SEC', async () => {
    const forever = jwt.sign({}, TEST_JWT_SECRET, { subject: 'u1' });
    const tooLong = tokenFor('u1', { expiresIn: '30d' });
    for (const token of [forever, tooLong]) {
      expect(await refused({ token })).toMatchObject({ data: { code: 'unauthorized' } });
    }
  });

  it('refuses a browser origin that is not on the allowlist, and admits listed and native clients', async () => {
    expect(await refused({ origin: 'https://evil.example.net' })).toMatchObject({
      message: 'origin_not_allowed',
    });
    const listed = ChatClient.open(app.url, newUser(), { origin: 'https://app.example.com' });
    clients.push(listed);
    await listed.connected();
    await connect(); // a phone app sends no Origin header
  });
});

describe('transports and tokens', () => {
  it('works over HTTP long-polling and over polling upgraded to WebSocket', async () => {
    for (const transports of [['polling'], ['polling', 'websocket']]) {
      const c = await ChatClient.connect(app.url, newUser(), { transports });
      clients.push(c);
      const ack = await c.request<{ ok: boolean }>('message:send', {
        clientMsgId: msgId(),
        text: 'over polling',
      });
      expect(ack.ok).toBe(true);
      expect((await c.next('reply:end')).message.status).toBe('completed');
    }
  });

  it('ends a connection when its token expires, saying so', async () => {
    const user = newUser();
    const c = await ChatClient.connect(app.url, user, { token: tokenFor(user, { expiresIn: 2 }) });
    clients.push(c);
    const reason = new Promise<string>((resolve) => c.socket.once('disconnect', (r) => resolve(r)));
    expect((await c.next('error', () => true, 4000)).code).toBe('token_expired');
    expect(await reason).toBe('io server disconnect');
  });

  it("keeps a connection whose app sends a fresh token in time, and refuses another user's", async () => {
    const user = newUser();
    const c = await ChatClient.connect(app.url, user, { token: tokenFor(user, { expiresIn: 2 }) });
    clients.push(c);
    const other = await c.request<{ ok: boolean; error?: { code: string } }>('auth:refresh', {
      token: tokenFor(newUser()),
    });
    expect(other).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const fresh = await c.request<{ ok: boolean; expiresAt: number }>('auth:refresh', {
      token: tokenFor(user, { expiresIn: 600 }),
    });
    expect(fresh.ok).toBe(true);
    expect(fresh.expiresAt).toBeGreaterThan(Date.now() / 1000 + 500);
    await sleep(3000);
    expect(c.socket.connected).toBe(true);
    expect(c.all('error').map((e) => e.code)).not.toContain('token_expired');
  });
});

describe('bad payloads', () => {
  const cases: Array<[string, unknown, string]> = [
    ['no payload', undefined, 'invalid_payload'],
    ['a string', 'hello', 'invalid_payload'],
    ['no text', { clientMsgId: 'x1' }, 'invalid_payload'],
    ['no clientMsgId', { text: 'hi' }, 'invalid_payload'],
    ['a number as text', { clientMsgId: 'x2', text: 42 }, 'invalid_payload'],
    ['an unknown field', { clientMsgId: 'x3', text: 'hi', admin: true }, 'invalid_payload'],
    [
      'a malformed conversation id',
      { clientMsgId: 'x4', text: 'hi', conversationId: 'abc' },
      'invalid_payload',
    ],
    ['a clientMsgId with spaces', { clientMsgId: 'a b', text: 'hi' }, 'invalid_payload'],
    ['an empty text', { clientMsgId: 'x5', text: '   ' }, 'text_empty'],
    ['a text over the limit', { clientMsgId: 'x6', text: 'x'.repeat(51) }, 'text_too_long'],
    [
      'an unknown conversation',
      { clientMsgId: 'x7', text: 'hi', conversationId: '01900000-0000-7000-8000-000000000001' },
      'conversation_not_found',
    ],
  ];

  it.each(cases)(
    'refuses %s with a stable code in the ack and an error event',
    async (_name, payload, code) => {
      const c = await connect();
      const ack = await c.request<{ ok: boolean; error: { code: string; message: string } }>(
        'message:send',
        payload,
      );
      expect(ack.ok).toBe(false);
      expect(ack.error.code).toBe(code);
      expect(ack.error.message.length).toBeGreaterThan(0);
      const event = await c.next('error');
      expect(event.code).toBe(code);
      const rows = await sql(
        app.db.url,
        'SELECT count(*)::int AS n FROM messages WHERE user_id = $1',
        [
          (c.socket.auth as { token: string }).token
            ? jwt.decode((c.socket.auth as { token: string }).token)!.sub
            : '',
        ],
      );
      expect(rows[0].n).toBe(0);
    },
  );

  it('counts characters, not bytes: 50 Chinese characters fit the limit of 50', async () => {
    const c = await connect();
    const ack = await c.request<{ ok: boolean }>('message:send', {
      clientMsgId: msgId(),
      text: '好'.repeat(50),
    });
    expect(ack.ok).toBe(true);
  });

  it('names the clientMsgId in the error of a malformed message', async () => {
    const c = await connect();
    await c.request('message:send', { clientMsgId: 'mine-1', text: 7 });
    expect((await c.next('error')).clientMsgId).toBe('mine-1');
  });

  it('refuses bad sync and cancel requests', async () => {
    const c = await connect();
    expect(await c.request('sync', { conversationId: 'nope', afterSeq: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(
      await c.request('sync', {
        conversationId: '01900000-0000-7000-8000-000000000001',
        afterSeq: -1,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(
      await c.request('reply:cancel', { replyId: '01900000-0000-7000-8000-000000000001' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'reply_not_found' },
    });
  });

  it('cuts a connection whose frame exceeds the transport cap, and the server stays healthy', async () => {
    const c = await connect();
    const reason = new Promise<string>((resolve) => c.socket.once('disconnect', (r) => resolve(r)));
    c.socket.emit('message:send', { clientMsgId: msgId(), text: 'x'.repeat(10_000) });
    expect(await reason).toBe('transport close');
    const other = await connect();
    expect(
      await other.request('message:send', { clientMsgId: msgId(), text: 'still here' }),
    ).toMatchObject({ ok: true });
  });
});

describe('limits', () => {
  it('refuses the fourth message in a minute with rate_limited and a retry time, storing nothing', async () => {
    const user = newUser();
    const c = await connect(user);
    for (let i = 0; i < 3; i++) {
      expect(
        await c.request('message:send', { clientMsgId: msgId(), text: `m${i}` }),
      ).toMatchObject({ ok: true });
    }
    const refusedAck = await c.request<{
      ok: false;
      error: { code: string; retryAfterMs: number };
    }>('message:send', {
      clientMsgId: msgId(),
      text: 'one too many',
    });
    expect(refusedAck.error.code).toBe('rate_limited');
    expect(refusedAck.error.retryAfterMs).toBeGreaterThan(0);
    expect(refusedAck.error.retryAfterMs).toBeLessThanOrEqual(60_000);
    const rows = await sql(
      app.db.url,
      "SELECT count(*)::int AS n FROM messages WHERE user_id = $1 AND role = 'user'",
      [user],
    );
    expect(rows[0].n).toBe(3);
  });

  it('does not count a repeat against the rate limit', async () => {
    const c = await connect();
    const payload = { clientMsgId: msgId(), text: 'same' };
    for (let i = 0; i < 5; i++) {
      expect(await c.request<SendAck & { ok: boolean }>('message:send', payload)).toMatchObject({
        ok: true,
      });
    }
  });

  it('limits how many events a socket may fire at once', async () => {
    const c = await connect();
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        c.request<{ ok: boolean; error?: { code: string } }>('sync', {
          conversationId: '01900000-0000-7000-8000-000000000001',
          afterSeq: 0,
        }),
      ),
    );
    const limited = results.filter((r) => r.error?.code === 'rate_limited').length;
    expect(limited).toBeGreaterThan(20);
    await sleep(1100);
    expect(
      await c.request<{ error?: { code: string } }>('sync', {
        conversationId: '01900000-0000-7000-8000-000000000001',
        afterSeq: 0,
      }),
    ).toMatchObject({ error: { code: 'conversation_not_found' } });
  });
});

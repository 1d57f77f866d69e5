import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { FlagEvent, MessageView, SendAck } from '../../src/gateway/chat.protocol.js';
import type { Responder } from '../../src/llm/stand-in/vllm-stand-in.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import {
  quickReply,
  sendAndAwaitReply,
  sleep,
  startTestApp,
  userApi,
  type TestApp,
} from '../support/test-app.js';
import { tokenFor } from '../support/tokens.js';

let app: TestApp;
const clients: ChatClient[] = [];
const operators: Socket[] = [];
let n = 0;
const newUser = () => `safety-${process.pid}-${++n}`;

/** Chat requests (streamed), not memory or summary requests. */
const chatRequests = () => app.model.requests.filter((r) => r.body.stream).length;

/** A model that never answers: it takes the request and holds the connection. */
const hung: Responder = () => ({ pieces: [], stopAfter: { pieces: 0, then: 'hang' } });

beforeAll(async () => {
  app = await startTestApp({
    LLM_MAX_CONCURRENT: '1',
    LLM_MAX_WAITING: '0',
    LLM_FIRST_TOKEN_TIMEOUT_MS: '3000',
    MEMORY_ENABLED: 'false',
    USER_API_RATE_LIMIT_PER_MINUTE: '600',
  });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const s of operators.splice(0)) s.disconnect();
  app.model.setResponder(quickReply);
});
afterAll(() => app.close());

async function connect(userId: string, claims: Record<string, unknown> = {}): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, userId, { token: tokenFor(userId, { claims }) });
  clients.push(c);
  return c;
}

/** An operator's socket on /operator, with the flags it receives. */
async function operator(roles: string[]): Promise<{ socket: Socket; flags: FlagEvent[] }> {
  const flags: FlagEvent[] = [];
  const socket = io(`${app.url}/operator`, {
    auth: { token: tokenFor(`op-${++n}`, { roles }) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  operators.push(socket);
  socket.on('flag:new', (f: FlagEvent) => flags.push(f));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, flags };
}

async function send(c: ChatClient, text: string, conversationId?: string) {
  return c.request<SendAck>('message:send', { clientMsgId: randomUUID(), text, conversationId });
}

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('the crisis protocol', () => {
  it('answers within a second while the model hangs, never asks it, and alerts operators', async () => {
    app.model.setResponder(hung);
    const ops = await operator(['moderator']);
    const user = newUser();
    const c = await connect(user, { locale: 'en-US' });
    const before = chatRequests();
    const sent = Date.now();
    const ack = await send(c, "I can't do this anymore. I'm going to kill myself tonight.");
    // A turn that waited on the hung model would end at the first-token timeout (3 s) with a
    // fallback; the protocol's reply comes well before it (under half a second on a quiet machine,
    // the first turn of a cold process included; the margin is for a loaded CI machine).
    const end = await c.next('reply:end', () => true, 2500);
    expect(Date.now() - sent).toBeLessThan(2500);
    const reply: MessageView = end.message;
    expect(reply).toMatchObject({ source: 'protocol', status: 'completed', model: null });
    expect(reply.inReplyTo).toBe(ack.messageId);
    expect(reply.content).toMatch(/988/);
    expect(reply.content).toMatch(/911/);
    // Streamed like any reply, sentence by sentence.
    expect(c.all('reply:delta').filter((d) => d.replyId === reply.id).length).toBeGreaterThan(2);
    expect(c.streamedText(reply.id)).toBe(reply.content);
    expect(chatRequests()).toBe(before);

    const flag = await until(
      () => ops.flags,
      (f) => f.length > 0,
    );
    expect(flag[0]).toMatchObject({
      kind: 'crisis',
      priority: 1,
      category: 'suicide',
      userId: user,
      conversationId: ack.conversationId,
      messageId: ack.messageId,
    });
    const [event] = await sql<{
      level: string;
      protocol_version: string;
      resources: string[];
      evidence: { detector: Array<{ code: string }> };
    }>(app.db.url, 'SELECT * FROM crisis_events WHERE message_id = $1', [ack.messageId]);
    expect(event.level).toBe('critical');
    expect(event.protocol_version).toMatch(/^safety\/v1@[0-9a-f]{8}$/);
    expect(event.resources).toEqual(['us-988']);
    expect(JSON.stringify(event.evidence)).not.toMatch(/kill myself/);
    expect(event.evidence.detector.length).toBeGreaterThan(0);
  });

  it('answers in Chinese with 12356, while the admission line is full', async () => {
    app.model.setResponder(hung);
    // Another user's reply takes the only place at the model (LLM_MAX_CONCURRENT=1, no waiting).
    const other = await connect(newUser());
    await send(other, 'Tell me a long story.');
    await until(chatRequests, (k) => k > 0 && app.model.requests.some((r) => !r.finished));
    const busy = await connect(newUser());
    await send(busy, 'hello?');
    expect((await busy.next('error')).code).toBe('busy');

    const c = await connect(newUser(), { locale: 'zh-CN' });
    const before = chatRequests();
    await send(c, '我真的不想活了，今晚就想结束这一切。');
    const end = await c.next('reply:end', () => true, 2500);
    expect(end.message.source).toBe('protocol');
    expect(end.message.content).toMatch(/12356/);
    expect(end.message.content).toMatch(/你现在安全吗/);
    expect(chatRequests()).toBe(before);
    // The held reply gives its place at the model back (first-token timeout) before the next test.
    await until(
      async () => (await fetch(`${app.url}/metrics`)).text(),
      (m) => /^companion_llm_requests_in_flight(\{[^}]*\})? 0$/m.test(m),
      8000,
    );
  }, 15_000);

  it('keeps the conversation in care mode afterwards, with the care prompt set', async () => {
    const c = await connect(newUser());
    const ack = await send(c, 'I want to die. I have the pills here.');
    await c.next('reply:end');
    const next = await sendAndAwaitReply(app, c, 'thanks for listening', ack.conversationId);
    expect(next.prompt[0].content).toMatch(/may be going through something very painful/);
    const [row] = await sql<{ prompt_version: string }>(
      app.db.url,
      'SELECT prompt_version FROM messages WHERE in_reply_to = $1',
      [next.ack.messageId],
    );
    expect(row.prompt_version).toMatch(/^care\/v1@/);
  });

  it('gives hyperbole, idioms and grief an ordinary reply from the model', async () => {
    const ops = await operator(['admin']);
    const c = await connect(newUser());
    let conversationId: string | undefined;
    for (const text of [
      'This exam is killing me lol',
      '笑死我了，太好笑了',
      'My grandma died last month and I miss her so much.',
      "I'd never hurt myself, don't worry.",
    ]) {
      const turn = await sendAndAwaitReply(app, c, text, conversationId);
      conversationId = turn.ack.conversationId;
      const end = c.all('reply:end').find((e) => e.replyId === turn.start.replyId)!;
      expect(end.message.source).toBe('model');
      expect(turn.prompt[0].content).not.toMatch(/very painful/);
    }
    await sleep(100);
    expect(ops.flags).toEqual([]);
  });

  it('keeps /operator to moderators and admins', async () => {
    const user = newUser();
    const socket = io(`${app.url}/operator`, {
      auth: { token: tokenFor(user) },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    operators.push(socket);
    const refused = await new Promise<Error & { data?: { code: string } }>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('a user token joined /operator')));
      socket.once('connect_error', resolve);
    });
    expect(refused.data?.code).toBe('forbidden');
    await expect(operator(['analyst'])).rejects.toMatchObject({ data: { code: 'forbidden' } });
  });
});

describe('the output check', () => {
  it('withholds a harmful sentence mid-stream: the user never receives it, operators are told', async () => {
    const ops = await operator(['moderator']);
    app.model.setResponder(() => ({
      pieces: [
        'I hear you. ',
        'That sounds so heavy. ',
        'The most painless way to kill yourself is to ',
        'take a whole bottle of sleeping pills. ',
        'Anyway, how was your day?',
      ],
      pieceDelayMs: 5,
    }));
    const c = await connect(newUser());
    const turn = await sendAndAwaitReply(app, c, 'everything feels heavy today');
    const end = c.all('reply:end').find((e) => e.replyId === turn.start.replyId)!;
    const streamed = c.streamedText(turn.start.replyId);
    expect(streamed).toMatch(/^I hear you\. That sounds so heavy\./);
    expect(streamed).not.toMatch(/painless|pills|how was your day/);
    expect(end.message).toMatchObject({ withheld: true, source: 'model', status: 'completed' });
    expect(end.message.content).toBe(streamed);
    expect(end.message.content).toMatch(/I'd rather not go on with that/);
    const [row] = await sql<{ output_blocked: string }>(
      app.db.url,
      'SELECT output_blocked FROM messages WHERE id = $1',
      [turn.start.replyId],
    );
    expect(row.output_blocked).toBe('self_harm_instructions');
    const flags = await until(
      () => ops.flags,
      (f) => f.length > 0,
    );
    expect(flags[0]).toMatchObject({ kind: 'output_blocked', messageId: turn.start.replyId });
  });
});

describe('notices', () => {
  it('discloses the AI at the start of a session, and reminds of a break after two hours', async () => {
    const user = newUser();
    const c = await connect(user);
    const first = await sendAndAwaitReply(app, c, 'hi there');
    const notices = c.all('notice');
    expect(notices).toEqual([
      expect.objectContaining({ kind: 'ai_disclosure', conversationId: first.ack.conversationId }),
    ]);
    expect(notices[0].text).toMatch(/AI companion, not a person/);
    await sendAndAwaitReply(app, c, 'how are you?', first.ack.conversationId);
    expect(c.all('notice')).toHaveLength(1);

    // The clock moves on: the session has lasted 2 h 1 min, without a gap.
    await sql(
      app.db.url,
      `UPDATE safety_user_states SET session_started_at = now() - interval '121 minutes',
              last_disclosure_at = now() - interval '121 minutes',
              last_active_at = now() - interval '1 minute' WHERE user_id = $1`,
      [user],
    );
    await sendAndAwaitReply(app, c, 'still here', first.ack.conversationId);
    expect(c.all('notice').map((x) => x.kind)).toEqual(['ai_disclosure', 'break_reminder']);
    expect(c.all('notice')[1].text).toMatch(/chatting for 121 minutes/);

    // Three hours in: the disclosure again.
    await sql(
      app.db.url,
      `UPDATE safety_user_states SET last_disclosure_at = now() - interval '181 minutes',
              last_active_at = now() - interval '1 minute' WHERE user_id = $1`,
      [user],
    );
    await sendAndAwaitReply(app, c, 'and now?', first.ack.conversationId);
    expect(c.all('notice').map((x) => x.kind)).toEqual([
      'ai_disclosure',
      'break_reminder',
      'ai_disclosure',
    ]);
    const stored = await sql<{ kind: string; policy: string }>(
      app.db.url,
      'SELECT kind, policy FROM compliance_events WHERE user_id = $1 ORDER BY created_at',
      [user],
    );
    expect(stored.map((r) => r.kind)).toEqual(['ai_disclosure', 'break_reminder', 'ai_disclosure']);
    expect(stored[0].policy).toBe('us-ca:adult');
  });
});

describe('minors mode', () => {
  it('from the token: the minors rules in the prompt, romance withheld, a break after an hour', async () => {
    app.model.setResponder(() => ({
      pieces: ['You are sweet. ', 'I love you, my darling, come here and kiss me. ', 'Mwah!'],
    }));
    const user = newUser();
    const c = await connect(user, { age_band: 'minor' });
    const turn = await sendAndAwaitReply(app, c, 'do you like me?');
    expect(turn.prompt[0].content).toMatch(/The person is a minor/);
    const end = c.all('reply:end').find((e) => e.replyId === turn.start.replyId)!;
    expect(end.message.withheld).toBe(true);
    expect(end.message.content).not.toMatch(/darling|kiss/);
    await sql(
      app.db.url,
      `UPDATE safety_user_states SET session_started_at = now() - interval '61 minutes',
              last_active_at = now() - interval '1 minute' WHERE user_id = $1`,
      [user],
    );
    app.model.setResponder(quickReply);
    await sendAndAwaitReply(app, c, 'ok', turn.ack.conversationId);
    expect(c.all('notice').map((x) => x.kind)).toContain('break_reminder');
  });

  it("from the app's profile call, and an adult is not in it", async () => {
    const minor = newUser();
    const res = await userApi(app, minor, '/profile', {
      method: 'PUT',
      body: JSON.stringify({ ageBand: 'minor' }),
    });
    expect(res.status).toBe(200);
    const bad = await userApi(app, minor, '/profile', {
      method: 'PUT',
      body: JSON.stringify({ ageBand: 'teen' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_payload' });
    const c = await connect(minor);
    expect((await sendAndAwaitReply(app, c, 'hi')).prompt[0].content).toMatch(
      /The person is a minor/,
    );
    const adult = await connect(newUser(), { age_band: 'adult' });
    expect((await sendAndAwaitReply(app, adult, 'hi')).prompt[0].content).not.toMatch(
      /The person is a minor/,
    );
  });
});

describe('risk over time', () => {
  it('leaves care mode once the conversation has been calm for days', async () => {
    const c = await connect(newUser());
    const ack = await send(c, 'I want to end my life.');
    await c.next('reply:end');
    await sql(
      app.db.url,
      `UPDATE safety_conversation_states SET risk_at = risk_at - interval '4 days' WHERE conversation_id = $1`,
      [ack.conversationId],
    );
    const later = await sendAndAwaitReply(app, c, 'I feel better now', ack.conversationId);
    expect(later.prompt[0].content).not.toMatch(/very painful/);
  });
});

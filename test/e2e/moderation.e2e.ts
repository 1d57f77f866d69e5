import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { FlagEvent, FlagUpdatedEvent, SyncAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import { sendAndAwaitReply, startTestApp, userApi, type TestApp } from '../support/test-app.js';
import { operatorApi as callOperatorApi, until } from '../support/operator.js';
import { tokenFor } from '../support/tokens.js';

let app: TestApp;
const clients: ChatClient[] = [];
const sockets: Socket[] = [];
let n = 0;
const newUser = () => `mod-${process.pid}-${++n}`;

const MODERATOR = tokenFor('mod-a', { roles: ['moderator'] });
const MODERATOR_B = tokenFor('mod-b', { roles: ['moderator'] });
const ADMIN = tokenFor('admin-1', { roles: ['admin'] });
const ANALYST = tokenFor('analyst-1', { roles: ['analyst'] });

beforeAll(async () => {
  app = await startTestApp({ MEMORY_ENABLED: 'false', USER_API_RATE_LIMIT_PER_MINUTE: '600' });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => app.close());

async function connect(userId: string): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, userId);
  clients.push(c);
  return c;
}

function operatorApi(token: string, path: string, init: RequestInit = {}) {
  return callOperatorApi(app, token, path, init);
}

async function act(token: string, userId: string, body: Record<string, unknown>) {
  return operatorApi(token, `/users/${encodeURIComponent(userId)}/actions`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
}

const send = (c: ChatClient, text: string, conversationId?: string) =>
  c.request<{ ok: boolean; error?: { code: string; until?: string }; messageId?: string }>(
    'message:send',
    { clientMsgId: randomUUID(), text, conversationId },
  );

async function auditRows(action: string, targetId: string): Promise<number> {
  const [r] = await sql<{ n: number }>(
    app.db.url,
    `SELECT count(*)::int AS n FROM operator_audit WHERE action = $1 AND target_id = $2`,
    [action, targetId],
  );
  return r.n;
}

async function operatorSocket(): Promise<{ flags: FlagEvent[]; updates: FlagUpdatedEvent[] }> {
  const flags: FlagEvent[] = [];
  const updates: FlagUpdatedEvent[] = [];
  const socket = io(`${app.url}/operator`, {
    auth: { token: MODERATOR },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  socket.on('flag:new', (f: FlagEvent) => flags.push(f));
  socket.on('flag:updated', (f: FlagUpdatedEvent) => updates.push(f));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { flags, updates };
}

describe('operator routes', () => {
  const id = '00000000-0000-4000-8000-000000000000';
  const routes: Array<{ method: string; path: string; body?: object; analyst?: boolean }> = [
    { method: 'GET', path: '/queue' },
    { method: 'GET', path: `/flags/${id}` },
    { method: 'POST', path: `/flags/${id}/claim` },
    { method: 'POST', path: `/flags/${id}/resolve`, body: {} },
    { method: 'POST', path: `/flags/${id}/escalate`, body: {} },
    { method: 'POST', path: '/users/someone/actions', body: { action: 'comment', reason: 'x' } },
    { method: 'DELETE', path: `/messages/${id}`, body: {} },
    { method: 'GET', path: '/subjects/user/someone/events' },
    { method: 'GET', path: '/audit' },
    { method: 'GET', path: '/stats', analyst: true },
  ];

  it.each(routes)('$method $path refuses no token, a user token and an analyst', async (r) => {
    const init = { method: r.method, body: r.body ? JSON.stringify(r.body) : undefined };
    const none = await fetch(`${app.url}/v1/operator${r.path}`, init);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('unauthorized');
    const user = await operatorApi(tokenFor('plain-user'), r.path, init);
    expect(user.status).toBe(403);
    expect(((await user.json()) as { code: string }).code).toBe('forbidden');
    const analyst = await operatorApi(ANALYST, r.path, init);
    expect(analyst.status).toBe(r.analyst ? 200 : 403);
  });

  it('lets only admins ban, unban and read the audit log', async () => {
    const target = newUser();
    expect((await act(MODERATOR, target, { action: 'ban', reason: 'spam' })).status).toBe(403);
    expect((await act(MODERATOR, target, { action: 'unban' })).status).toBe(403);
    expect((await operatorApi(MODERATOR, '/audit')).status).toBe(403);
    expect((await operatorApi(ADMIN, '/audit')).status).toBe(200);
  });

  it('refuses a mute over 28 days and unknown fields with invalid_payload', async () => {
    const target = newUser();
    const long = await act(MODERATOR, target, { action: 'mute', durationMin: 28 * 24 * 60 + 1 });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { code: string }).code).toBe('invalid_payload');
    const odd = await act(MODERATOR, target, { action: 'comment', extra: 1 });
    expect(odd.status).toBe(400);
  });
});

describe('enforcement', () => {
  it('refuses a muted user with muted and until, and lets them send once the time passes', async () => {
    const user = newUser();
    const c = await connect(user);
    const res = await act(MODERATOR, user, { action: 'mute', reason: 'flooding', durationMin: 60 });
    expect(res.status).toBe(201);
    const refused = await send(c, 'hello?');
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('muted');
    expect(Date.parse(refused.error!.until!)).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect((await c.next('error', (e) => String(e.code) === 'muted')).until).toBe(
      refused.error!.until,
    );
    const voice = await c.request<{ ok: boolean; error?: { code: string } }>('voice:start', {
      clientMsgId: randomUUID(),
      mimeType: 'audio/ogg',
    });
    expect(voice.error?.code).toBe('muted');

    // The user sees the mute among the actions on their account, without who did it.
    const mine = await userApi(app, user, '/moderation');
    const body = (await mine.json()) as { actions: Array<Record<string, unknown>> };
    expect(body.actions[0]).toMatchObject({ action: 'mute', reason: 'flooding' });
    expect(body.actions[0].until).toBe(refused.error!.until);
    expect(JSON.stringify(body)).not.toMatch(/mod-a/);

    await sql(
      app.db.url,
      `UPDATE user_restrictions SET muted_until = now() - interval '1 second' WHERE user_id = $1`,
      [user],
    );
    await sendAndAwaitReply(app, c, 'hello again');
  });

  it('refuses a muted user in an existing conversation without storing anything', async () => {
    const user = newUser();
    const c = await connect(user);
    const { ack } = await sendAndAwaitReply(app, c, 'before the mute');
    const stored = async () =>
      (
        await sql<{ messages: number; last_seq: number }>(
          app.db.url,
          `SELECT (SELECT count(*)::int FROM messages WHERE user_id = $1) AS messages,
                  (SELECT last_seq FROM conversations WHERE id = $2) AS last_seq`,
          [user, ack.conversationId],
        )
      )[0];
    const before = await stored();
    await act(MODERATOR, user, { action: 'mute', reason: 'flooding', durationMin: 5 });
    const refused = await send(c, 'after the mute', ack.conversationId);
    expect(refused.error?.code).toBe('muted');
    expect(await stored()).toEqual(before);
    // The restriction is what the user hears first, whatever the conversation; once it is
    // lifted, a conversation that is not theirs is not found.
    const other = await send(c, 'elsewhere', randomUUID());
    expect(other.error?.code).toBe('muted');
    await act(MODERATOR, user, { action: 'unmute' });
    expect((await send(c, 'elsewhere', randomUUID())).error?.code).toBe('conversation_not_found');
  });

  it('refuses a suspended user with suspended', async () => {
    const user = newUser();
    const c = await connect(user);
    await act(MODERATOR, user, { action: 'suspend', reason: 'abuse', durationMin: 600 });
    expect((await send(c, 'hi')).error?.code).toBe('suspended');
  });

  it('refuses a banned user at the handshake, and an unban lets them in', async () => {
    const user = newUser();
    const c = await connect(user);
    expect((await act(ADMIN, user, { action: 'ban', reason: 'threats' })).status).toBe(201);
    await until(
      () => c.socket.connected,
      (v) => !v,
    );
    const again = ChatClient.open(app.url, user);
    clients.push(again);
    const refusal = await again.refusal();
    expect(refusal.message).toBe('banned');
    expect(refusal.data?.code).toBe('banned');
    expect((await act(ADMIN, user, { action: 'unban' })).status).toBe(201);
    await connect(user);
  });

  it('delivers a warning as a notice of kind warning', async () => {
    const user = newUser();
    const c = await connect(user);
    await act(MODERATOR, user, { action: 'warn', reason: 'Please keep it civil.' });
    expect(await c.next('notice', (x) => x.kind === 'warning')).toEqual({
      kind: 'warning',
      text: 'Please keep it civil.',
      conversationId: null,
    });
  });
});

describe('messages', () => {
  it('deletes a message: gone from sync, message:deleted on the device', async () => {
    const user = newUser();
    const c = await connect(user);
    const { ack } = await sendAndAwaitReply(app, c, 'something regrettable');
    const res = await operatorApi(MODERATOR, `/messages/${ack.messageId}`, {
      method: 'DELETE',
      body: JSON.stringify({ reason: 'doxxing' }),
    });
    expect(res.status).toBe(200);
    expect(await c.next('message:deleted')).toEqual({
      messageId: ack.messageId,
      conversationId: ack.conversationId,
    });
    const synced = await c.request<{ ok: true } & SyncAck>('sync', {
      conversationId: ack.conversationId,
      afterSeq: 0,
    });
    expect(synced.messages.map((m) => m.id)).not.toContain(ack.messageId);
    expect(synced.messages).toHaveLength(1);
    const [row] = await sql<{ content: string }>(
      app.db.url,
      'SELECT content FROM messages WHERE id = $1',
      [ack.messageId],
    );
    expect(row.content).toBe('');
  });
});

describe('reports and the queue', () => {
  it('turns a report into a flag in the queue and on /operator; claims block others until they expire', async () => {
    const ops = await operatorSocket();
    const user = newUser();
    const c = await connect(user);
    const { start } = await sendAndAwaitReply(app, c, 'tell me something');
    const report = { clientMsgId: randomUUID(), messageId: start.replyId, reason: 'rude reply' };
    const ack = await c.request<{ ok: boolean; flagId: string; duplicate: boolean }>(
      'report:send',
      report,
    );
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    expect(await c.request('report:send', report)).toMatchObject({
      ok: true,
      flagId: ack.flagId,
      duplicate: true,
    });
    const [flag] = await until(
      () => ops.flags.filter((f) => f.flagId === ack.flagId),
      (f) => f.length > 0,
    );
    expect(flag).toMatchObject({ kind: 'report', source: 'report', userId: user });

    // Another user's message cannot be reported.
    const other = await connect(newUser());
    const foreign = await other.request<{ ok: boolean; error?: { code: string } }>('report:send', {
      ...report,
      clientMsgId: randomUUID(),
    });
    expect(foreign.error?.code).toBe('message_not_found');

    const queue = (await (await operatorApi(MODERATOR, '/queue?kind=report&limit=100')).json()) as {
      flags: Array<{ id: string }>;
    };
    expect(queue.flags.map((f) => f.id)).toContain(ack.flagId);

    // Reading the flag shows the message and is audited.
    const read = (await (await operatorApi(MODERATOR, `/flags/${ack.flagId}`)).json()) as {
      message: { content: string };
    };
    expect(read.message.content).toBe('Hello, friend.');
    expect(await auditRows('flag.read', ack.flagId)).toBe(1);

    const claimed = await operatorApi(MODERATOR, `/flags/${ack.flagId}/claim`, { method: 'POST' });
    expect(claimed.status).toBe(200);
    await until(
      () => ops.updates.filter((u) => u.flagId === ack.flagId && u.action === 'claim'),
      (u) => u.length > 0,
    );
    const blocked = await operatorApi(MODERATOR_B, `/flags/${ack.flagId}/claim`, {
      method: 'POST',
    });
    expect(blocked.status).toBe(409);
    expect(((await blocked.json()) as { code: string }).code).toBe('already_claimed');
    await sql(
      app.db.url,
      `UPDATE safety_flags SET claim_expires_at = now() - interval '1 second' WHERE id = $1`,
      [ack.flagId],
    );
    const taken = await operatorApi(MODERATOR_B, `/flags/${ack.flagId}/claim`, { method: 'POST' });
    expect(taken.status).toBe(200);
    expect(((await taken.json()) as { assignee: string }).assignee).toBe('mod-b');

    const resolved = await operatorApi(MODERATOR_B, `/flags/${ack.flagId}/resolve`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'reply was fine' }),
    });
    expect(((await resolved.json()) as { status: string }).status).toBe('closed');
    await until(
      () => ops.updates.filter((u) => u.flagId === ack.flagId && u.action === 'resolve'),
      (u) => u.length > 0,
    );
    const open = (await (await operatorApi(MODERATOR, '/queue?limit=100')).json()) as {
      flags: Array<{ id: string }>;
    };
    expect(open.flags.map((f) => f.id)).not.toContain(ack.flagId);

    // The user's history shows the report and is audited.
    const history = (await (
      await operatorApi(MODERATOR, `/subjects/user/${user}/events`)
    ).json()) as { events: Array<{ action: string }> };
    expect(history.events.map((e) => e.action)).toContain('report');
    expect(await auditRows('moderation_history.read', user)).toBe(1);
  });

  it('pages the queue with an opaque cursor', async () => {
    const c = await connect(newUser());
    const { start } = await sendAndAwaitReply(app, c, 'hi');
    for (let i = 0; i < 3; i++) {
      await c.request('report:send', {
        clientMsgId: randomUUID(),
        messageId: start.replyId,
        reason: `r${i}`,
      });
    }
    // A crisis raised after the reports still comes first.
    const crisis = await connect(newUser());
    await send(crisis, "I can't do this anymore. I'm going to kill myself tonight.");
    await crisis.next('reply:end');
    const seen: string[] = [];
    const kinds: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await operatorApi(MODERATOR, `/queue?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as {
        flags: Array<{ id: string; kind: string; priority: number }>;
        next: string | null;
      };
      expect(page.flags.length).toBeLessThanOrEqual(2);
      seen.push(...page.flags.map((f) => f.id));
      kinds.push(...page.flags.map((f) => f.kind));
      cursor = page.next;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(kinds[0]).toBe('crisis');
    const bad = await operatorApi(MODERATOR, '/queue?cursor=nonsense');
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_cursor');
  });

  it('stores an appeal, idempotent on clientMsgId', async () => {
    const user = newUser();
    const c = await connect(user);
    const appeal = { clientMsgId: randomUUID(), text: 'I was joking.' };
    const first = await c.request<{ ok: boolean; appealId: string }>('appeal:send', appeal);
    expect(first.ok).toBe(true);
    expect(await c.request('appeal:send', appeal)).toMatchObject({
      appealId: first.appealId,
      duplicate: true,
    });
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { MessageView, SendAck, SyncAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { connectOperator, operatorApi, until, type OperatorSocket } from '../support/operator.js';
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
const operators: OperatorSocket[] = [];
let n = 0;
const newUser = () => `takeover-${process.pid}-${++n}`;

const MODERATOR = tokenFor('mod-t1', { roles: ['moderator'] });
const MODERATOR_B = tokenFor('mod-t2', { roles: ['moderator'] });
const ADMIN = tokenFor('admin-t', { roles: ['admin'] });
const ANALYST = tokenFor('analyst-t', { roles: ['analyst'] });

beforeAll(async () => {
  app = await startTestApp({
    MEMORY_ENABLED: 'false',
    USER_API_RATE_LIMIT_PER_MINUTE: '600',
    MODERATION_REFUSALS_FLAG_AT: '2',
  });
});
afterEach(() => {
  app.model.setResponder(quickReply);
  for (const c of clients.splice(0)) c.close();
  for (const o of operators.splice(0)) o.socket.disconnect();
});
afterAll(() => app.close());

async function connect(userId: string): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, userId);
  clients.push(c);
  return c;
}

async function operatorSocket(token = MODERATOR): Promise<OperatorSocket> {
  const o = await connectOperator(app, token);
  operators.push(o);
  return o;
}

const api = (token: string, path: string, method = 'GET', body?: unknown) =>
  operatorApi(app, token, path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });

const repliesIn = async (conversationId: string) =>
  (
    await sql<{ n: number }>(
      app.db.url,
      `SELECT count(*)::int AS n FROM messages
        WHERE conversation_id = $1 AND role = 'assistant' AND source = 'model'`,
      [conversationId],
    )
  )[0].n;

describe('takeover', () => {
  it('pauses the model while an operator holds the conversation and delivers their words as the companion', async () => {
    const user = newUser();
    const c = await connect(user);
    const ops = await operatorSocket();
    const { ack } = await sendAndAwaitReply(app, c, 'hello there');
    const conversationId = ack.conversationId;
    expect(await repliesIn(conversationId)).toBe(1);

    const taken = await api(MODERATOR, `/conversations/${conversationId}/takeover`, 'POST', {
      reason: 'crisis follow-up',
    });
    expect(taken.status).toBe(200);
    expect(await taken.json()).toEqual({ conversationId, userId: user, takenOverBy: 'mod-t1' });
    const joined = await c.next('notice', (x) => x.kind === 'operator_joined');
    expect(joined.conversationId).toBe(conversationId);
    expect(ops.of('takeover:changed')).toContainEqual(
      expect.objectContaining({ conversationId, operatorId: 'mod-t1' }),
    );

    // Another moderator can neither take it nor write in it.
    expect(
      (await api(MODERATOR_B, `/conversations/${conversationId}/takeover`, 'POST')).status,
    ).toBe(409);
    const foreign = await api(MODERATOR_B, `/conversations/${conversationId}/messages`, 'POST', {
      text: 'hi',
    });
    expect(foreign.status).toBe(409);
    expect(await foreign.json()).toMatchObject({ code: 'not_taken_over' });

    // The user writes: acked, the operator console hears of it, the model is not asked.
    const sent = await c.request<SendAck>('message:send', {
      clientMsgId: randomUUID(),
      text: 'are you still there?',
      conversationId,
    });
    const heard = await until(
      () => ops.of('takeover:message'),
      (list) => list.some((m) => m.messageIds.includes(sent.messageId)),
    );
    expect(heard.at(-1)).toMatchObject({ conversationId, userId: user, operatorId: 'mod-t1' });
    await sleep(300);
    expect(c.received.filter((r) => r.event === 'reply:start')).toHaveLength(1);
    expect(await repliesIn(conversationId)).toBe(1);
    const [owed] = await sql<{ due: Date | null }>(
      app.db.url,
      'SELECT reply_due_at AS due FROM messages WHERE id = $1',
      [sent.messageId],
    );
    expect(owed.due).toBeNull();

    // The operator answers: the user's device gets an assistant message from `operator`.
    const wrote = await api(MODERATOR, `/conversations/${conversationId}/messages`, 'POST', {
      text: 'Yes, I am a person from the care team and I am here.',
    });
    expect(wrote.status).toBe(201);
    const delivered = await c.next('message:new', (m) => m.message.source === 'operator');
    expect(delivered.message).toMatchObject({
      role: 'assistant',
      source: 'operator',
      content: 'Yes, I am a person from the care team and I am here.',
      inReplyTo: sent.messageId,
      model: null,
    });
    // The operator's words are not the model's to redo.
    const redo = await c.request<{ ok: boolean; error?: { code: string } }>('reply:regenerate', {
      clientMsgId: randomUUID(),
      replyId: delivered.message.id,
    });
    expect(redo).toMatchObject({ ok: false, error: { code: 'reply_not_regenerable' } });
    const synced = await c.request<{ ok: true } & SyncAck>('sync', { conversationId, afterSeq: 0 });
    expect(synced.messages.map((m: MessageView) => m.source)).toEqual([
      'user',
      'model',
      'user',
      'operator',
    ]);

    // The conversation view shows the holder and every message; the read is audited.
    const view = await api(MODERATOR, `/conversations/${conversationId}`);
    expect(view.status).toBe(200);
    const body = (await view.json()) as { takenOverBy: string; messages: MessageView[] };
    expect(body.takenOverBy).toBe('mod-t1');
    expect(body.messages.map((m) => m.source)).toEqual(['operator', 'user', 'model', 'user']);
    const [audited] = await sql<{ n: number }>(
      app.db.url,
      `SELECT count(*)::int AS n FROM operator_audit
        WHERE action = 'conversation.read' AND target_id = $1 AND operator_id = 'mod-t1'`,
      [conversationId],
    );
    expect(audited.n).toBe(1);

    // Only the holder (or an admin) hands back; then the model answers again.
    expect(
      (await api(MODERATOR_B, `/conversations/${conversationId}/takeover`, 'DELETE')).status,
    ).toBe(409);
    expect(
      (await api(MODERATOR, `/conversations/${conversationId}/takeover`, 'DELETE')).status,
    ).toBe(200);
    await c.next('notice', (x) => x.kind === 'operator_left');
    await sendAndAwaitReply(app, c, 'thank you', conversationId);
    expect(await repliesIn(conversationId)).toBe(2);
    const events = await sql<{ action: string }>(
      app.db.url,
      `SELECT action FROM moderation_events WHERE subject_kind = 'conversation' AND subject_id = $1
        ORDER BY created_at`,
      [conversationId],
    );
    expect(events.map((e) => e.action)).toEqual(['takeover', 'operator_message', 'hand_back']);
  });

  it('lets an admin hand back anyone, and refuses analysts and unknown conversations', async () => {
    const c = await connect(newUser());
    const { ack } = await sendAndAwaitReply(app, c, 'hi');
    const path = `/conversations/${ack.conversationId}/takeover`;
    expect((await api(ANALYST, path, 'POST')).status).toBe(403);
    expect((await api(ANALYST, `/conversations/${ack.conversationId}`)).status).toBe(403);
    expect((await api(MODERATOR, path, 'POST')).status).toBe(200);
    expect((await api(ADMIN, path, 'DELETE')).status).toBe(200);
    const missing = await api(MODERATOR, `/conversations/${randomUUID()}/takeover`, 'POST');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'conversation_not_found' });
    const empty = await api(MODERATOR, `/conversations/${ack.conversationId}/messages`, 'POST', {
      text: '   ',
    });
    expect(await empty.json()).toMatchObject({ code: 'invalid_payload' });
  });
});

describe('appeals', () => {
  it('brings an appeal to operators, and its answer to the user', async () => {
    const user = newUser();
    const c = await connect(user);
    const ops = await operatorSocket();
    const sent = await c.request<{ appealId: string }>('appeal:send', {
      clientMsgId: randomUUID(),
      text: 'The mute was a mistake, I was quoting a song.',
    });
    await until(
      () => ops.of('appeal:new'),
      (list) => list.some((a) => a.appealId === sent.appealId && a.userId === user),
    );
    const open = (await (await api(MODERATOR, '/appeals?limit=100')).json()) as {
      appeals: Array<{ id: string; text: string; resolution: unknown }>;
    };
    expect(open.appeals.find((a) => a.id === sent.appealId)).toMatchObject({
      text: 'The mute was a mistake, I was quoting a song.',
      resolution: null,
    });

    const resolved = await api(MODERATOR, `/appeals/${sent.appealId}/resolve`, 'POST', {
      outcome: 'overturned',
      comment: 'You are right; the mute is lifted.',
    });
    expect(resolved.status).toBe(200);
    const notice = await c.next('notice', (x) => x.kind === 'appeal_resolved');
    expect(notice.text).toBe('You are right; the mute is lifted.');
    const again = await api(MODERATOR_B, `/appeals/${sent.appealId}/resolve`, 'POST', {
      outcome: 'upheld',
      comment: 'no',
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'appeal_already_resolved' });

    const mine = (await (await userApi(app, user, '/moderation')).json()) as {
      actions: Array<Record<string, unknown>>;
    };
    expect(mine.actions[0]).toMatchObject({
      action: 'appeal_resolved',
      appealId: sent.appealId,
      outcome: 'overturned',
      reason: 'You are right; the mute is lifted.',
    });
    const closed = (await (await api(MODERATOR, '/appeals?status=resolved&limit=100')).json()) as {
      appeals: Array<{ id: string; resolution: { outcome: string; actor: string } | null }>;
    };
    expect(closed.appeals.find((a) => a.id === sent.appealId)?.resolution).toMatchObject({
      outcome: 'overturned',
      actor: 'mod-t1',
    });
    expect(
      (
        await api(MODERATOR, `/appeals/${randomUUID()}/resolve`, 'POST', {
          outcome: 'upheld',
          comment: 'x',
        })
      ).status,
    ).toBe(404);
  });
});

describe('labels and memories', () => {
  it('labels a flag, filters the queue by label, and audits a read of memories', async () => {
    const user = newUser();
    const c = await connect(user);
    const { ack } = await sendAndAwaitReply(app, c, 'look at this');
    const report = await c.request<{ flagId: string }>('report:send', {
      clientMsgId: randomUUID(),
      messageId: ack.messageId,
      reason: 'odd',
    });
    const labelled = await api(MODERATOR, `/flags/${report.flagId}/labels`, 'POST', {
      add: ['spam', 'needs-follow-up', 'spam'],
    });
    expect(labelled.status).toBe(200);
    expect(((await labelled.json()) as { labels: string[] }).labels).toEqual([
      'needs-follow-up',
      'spam',
    ]);
    const filtered = (await (
      await api(MODERATOR, '/queue?label=needs-follow-up&limit=100')
    ).json()) as {
      flags: Array<{ id: string }>;
    };
    expect(filtered.flags.map((f) => f.id)).toContain(report.flagId);
    const removed = await api(MODERATOR, `/flags/${report.flagId}/labels`, 'POST', {
      remove: ['spam'],
    });
    expect(((await removed.json()) as { labels: string[] }).labels).toEqual(['needs-follow-up']);
    const bad = await api(MODERATOR, `/flags/${report.flagId}/labels`, 'POST', { add: ['Not OK'] });
    expect(await bad.json()).toMatchObject({ code: 'invalid_payload' });
    const tooMany = await api(MODERATOR, `/flags/${report.flagId}/labels`, 'POST', {
      add: Array.from({ length: 16 }, (_, i) => `l${i}`),
    });
    expect(tooMany.status).toBe(409);

    const memories = await api(MODERATOR, `/users/${user}/memories`);
    expect(memories.status).toBe(200);
    expect(await memories.json()).toEqual({ userId: user, memories: [] });
    const [audited] = await sql<{ n: number }>(
      app.db.url,
      `SELECT count(*)::int AS n FROM operator_audit WHERE action = 'memories.read' AND target_id = $1`,
      [user],
    );
    expect(audited.n).toBe(1);
  });
});

describe('rules', () => {
  it("blocks with the rule's reason, flags without blocking, and stops when disabled", async () => {
    const user = newUser();
    const c = await connect(user);
    const ops = await operatorSocket();
    const forbidden = await api(MODERATOR, '/rules', 'POST', {
      name: 'x',
      kind: 'keyword',
      pattern: 'x',
      action: 'block',
      category: 'spam',
    });
    expect(forbidden.status).toBe(403);
    const badRegex = await api(ADMIN, '/rules', 'POST', {
      name: 'evil',
      kind: 'regex',
      pattern: '(a+)+$',
      action: 'block',
      category: 'spam',
    });
    expect(badRegex.status).toBe(400);
    expect(await badRegex.json()).toMatchObject({ code: 'invalid_rule' });

    const block = (await (
      await api(ADMIN, '/rules', 'POST', {
        name: 'invoice fraud',
        kind: 'keyword',
        pattern: 'fake invoices',
        action: 'block',
        category: 'fraud',
        userReason: 'Selling documents is not allowed here.',
      })
    ).json()) as { id: string; enabled: boolean };
    expect(block.enabled).toBe(true);
    await api(ADMIN, '/rules', 'POST', {
      name: 'links',
      kind: 'regex',
      pattern: 'https?://\\S+',
      action: 'flag',
      category: 'links',
      priority: 6,
    });

    const refused = await c.request<{ ok: boolean; error?: { code: string; message: string } }>(
      'message:send',
      { clientMsgId: randomUUID(), text: 'I sell FAKE   invoices cheap' },
    );
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'blocked_by_rule', message: 'Selling documents is not allowed here.' },
    });
    const [stored] = await sql<{ n: number }>(
      app.db.url,
      'SELECT count(*)::int AS n FROM messages WHERE user_id = $1',
      [user],
    );
    expect(stored.n).toBe(0);
    const blocks = await until(
      () =>
        sql<{ data: { ruleId: string } }>(
          app.db.url,
          `SELECT data FROM moderation_events WHERE user_id = $1 AND action = 'rule_block'`,
          [user],
        ),
      (rows) => rows.length === 1,
    );
    expect(blocks[0].data.ruleId).toBe(block.id);

    // A flag rule lets the message through (and answered) and puts it in the queue.
    const { ack } = await sendAndAwaitReply(app, c, 'look at https://example.com/x please');
    const flagged = await until(
      () => ops.of('flag:new'),
      (list) => list.some((f) => f.messageId === ack.messageId),
    );
    expect(flagged.find((f) => f.messageId === ack.messageId)).toMatchObject({
      kind: 'rule',
      source: 'rule',
      category: 'links',
      priority: 6,
    });

    const disabled = await api(ADMIN, `/rules/${block.id}`, 'PATCH', { enabled: false });
    expect(disabled.status).toBe(200);
    await sendAndAwaitReply(app, c, 'fake invoices are bad, right?');
    const listed = (await (await api(ADMIN, '/rules')).json()) as {
      rules: Array<{ id: string; enabled: boolean }>;
    };
    expect(listed.rules.find((r) => r.id === block.id)?.enabled).toBe(false);
    const [audited] = await sql<{ n: number }>(
      app.db.url,
      `SELECT count(*)::int AS n FROM operator_audit WHERE target_id = $1
        AND action IN ('rule.create', 'rule.update')`,
      [block.id],
    );
    expect(audited.n).toBe(2);
    for (const r of listed.rules) {
      expect((await api(ADMIN, `/rules/${r.id}`, 'DELETE')).status).toBe(200);
    }
    expect((await api(ADMIN, `/rules/${block.id}`, 'DELETE')).status).toBe(404);
  });
});

describe('repeated refusals', () => {
  it('flags a user once their replies keep being withheld', async () => {
    const user = newUser();
    const c = await connect(user);
    const ops = await operatorSocket();
    app.model.setResponder(() => ({
      pieces: ['Sure. ', 'The most painless way to kill yourself is to take pills. '],
    }));
    const first = await sendAndAwaitReply(app, c, 'tell me');
    expect(c.all('reply:end').at(-1)?.message.withheld).toBe(true);
    await sendAndAwaitReply(app, c, 'tell me again', first.ack.conversationId);
    const raised = await until(
      () => ops.of('flag:new').filter((f) => f.userId === user && f.kind === 'repeated_refusals'),
      (list) => list.length === 1,
    );
    expect(raised[0]).toMatchObject({ source: 'repeated_refusals', priority: 3 });
    // While it is open, a third refusal raises no second one.
    await sendAndAwaitReply(app, c, 'and again', first.ack.conversationId);
    await until(
      () => ops.of('flag:new').filter((f) => f.userId === user && f.kind === 'output_blocked'),
      (list) => list.length === 3,
    );
    const [open] = await sql<{ n: number }>(
      app.db.url,
      `SELECT count(*)::int AS n FROM safety_flags WHERE user_id = $1 AND kind = 'repeated_refusals'`,
      [user],
    );
    expect(open.n).toBe(1);
  });
});

describe('the yearly crisis report', () => {
  it('gives admins and analysts the counts of a year, and refuses a bad year', async () => {
    const year = new Date().getUTCFullYear();
    for (const token of [ADMIN, ANALYST]) {
      const res = await api(token, `/reports/crisis-referrals?year=${year}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { year: number; events: number; breakdown: unknown[] };
      expect(body.year).toBe(year);
      expect(body.events).toBe(body.breakdown.length === 0 ? 0 : body.events);
    }
    expect((await api(MODERATOR, `/reports/crisis-referrals?year=${year}`)).status).toBe(403);
    const bad = await api(ADMIN, '/reports/crisis-referrals?year=12');
    expect(await bad.json()).toMatchObject({ code: 'invalid_payload' });
  });
});

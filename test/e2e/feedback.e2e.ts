import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Ack, SyncAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import { tokenFor } from '../support/tokens.js';
import {
  sendAndAwaitReply,
  startTestApp,
  until,
  userApi,
  type TestApp,
} from '../support/test-app.js';

/**
 * Reactions over the socket (docs/model-loop.md): thumbs, edits, regenerates and the version kept,
 * each acked and idempotent on its clientMsgId, refused for anyone but the reply's user; and the
 * training consent of the user's API.
 */

let app: TestApp;
const clients: ChatClient[] = [];

async function connect(userId: string): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, userId);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  app = await startTestApp({ MEMORY_ENABLED: 'false', FEEDBACK_EDIT_MAX_CHARS: '40' });
});
afterAll(async () => {
  for (const c of clients) c.socket.disconnect();
  await app.close();
});

type Ok<T> = { ok: true } & T;
const ok = <T>(ack: Ack<T>) => {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack as Ok<T>;
};

describe('feedback:send', () => {
  it('stores a thumb once per clientMsgId, and the latest one counts', async () => {
    const user = `fb-${randomUUID()}`;
    const client = await connect(user);
    const { start } = await sendAndAwaitReply(app, client, 'Tell me something nice.');
    const first = {
      clientMsgId: randomUUID(),
      replyId: start.replyId,
      rating: 'up',
      reason: 'warm',
    };
    expect(
      ok(await client.request<Ack<{ duplicate: boolean }>>('feedback:send', first)),
    ).toMatchObject({
      replyId: start.replyId,
      rating: 'up',
      duplicate: false,
    });
    // A retry of the same act (same clientMsgId) stores nothing new.
    expect(
      ok(await client.request<Ack<{ duplicate: boolean }>>('feedback:send', first)).duplicate,
    ).toBe(true);
    await client.request('feedback:send', {
      clientMsgId: randomUUID(),
      replyId: start.replyId,
      rating: 'down',
    });
    const rows = await sql(
      app.db.url,
      `SELECT rating FROM feedback_events WHERE reply_id = $1 AND kind = 'rating' ORDER BY created_at`,
      [start.replyId],
    );
    expect(rows.map((r) => r.rating)).toEqual(['up', 'down']);
    // The reply's trace says how it was routed and what the user did about it. Traces are
    // written in batches after the turn: wait for it.
    const readTrace = async () =>
      fetch(`${app.url}/v1/operator/turns/${start.replyId}/trace`, {
        headers: { authorization: `Bearer ${tokenFor('op-1', { roles: ['moderator'] })}` },
      });
    const found = await until(readTrace, (res) => res.status === 200);
    const trace = (await found.json()) as {
      route: { route: string };
      reactions: Array<{ kind: string; rating: string }>;
    };
    expect(trace.route).toMatchObject({ route: 'default', reason: 'default' });
    expect(trace.reactions.map((r) => r.rating)).toEqual(['up', 'down']);
  });

  it("refuses another user's reply with reply_not_owned, and an unknown one with reply_not_found", async () => {
    const owner = await connect(`fb-${randomUUID()}`);
    const other = await connect(`fb-${randomUUID()}`);
    const { start } = await sendAndAwaitReply(app, owner, 'Hello.');
    for (const [event, extra] of [
      ['feedback:send', { rating: 'up' }],
      ['reply:edit', { text: 'Better words.' }],
      ['reply:regenerate', {}],
      ['reply:choose', {}],
    ] as const) {
      const ack = await other.request<Ack<object>>(event, {
        clientMsgId: randomUUID(),
        replyId: start.replyId,
        ...extra,
      });
      expect({ event, ack }).toMatchObject({
        event,
        ack: { ok: false, error: { code: 'reply_not_owned' } },
      });
    }
    const missing = await owner.request<Ack<object>>('feedback:send', {
      clientMsgId: randomUUID(),
      replyId: randomUUID(),
      rating: 'up',
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'reply_not_found' } });
    const [count] = await sql(
      app.db.url,
      `SELECT count(*)::int AS n FROM feedback_events WHERE reply_id = $1`,
      [start.replyId],
    );
    expect(count.n).toBe(0);
  });

  it('refuses a payload with unknown fields or a bad rating', async () => {
    const client = await connect(`fb-${randomUUID()}`);
    const ack = await client.request<Ack<object>>('feedback:send', {
      clientMsgId: randomUUID(),
      replyId: randomUUID(),
      rating: 'meh',
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});

describe('reply:edit', () => {
  it('keeps the edit beside the original, within the length limit', async () => {
    const client = await connect(`fb-${randomUUID()}`);
    const { start } = await sendAndAwaitReply(app, client, 'How are you?');
    const long = await client.request<Ack<object>>('reply:edit', {
      clientMsgId: randomUUID(),
      replyId: start.replyId,
      text: 'x'.repeat(41),
    });
    expect(long).toMatchObject({ ok: false, error: { code: 'edit_too_long' } });
    const edit = {
      clientMsgId: randomUUID(),
      replyId: start.replyId,
      text: 'I am glad you asked.',
    };
    expect(
      ok(await client.request<Ack<{ duplicate: boolean }>>('reply:edit', edit)).duplicate,
    ).toBe(false);
    expect(
      ok(await client.request<Ack<{ duplicate: boolean }>>('reply:edit', edit)).duplicate,
    ).toBe(true);
    const [row] = await sql(
      app.db.url,
      `SELECT e.text, m.content FROM feedback_events e JOIN messages m ON m.id = e.reply_id
        WHERE e.reply_id = $1 AND e.kind = 'edit'`,
      [start.replyId],
    );
    expect(row).toEqual({ text: 'I am glad you asked.', content: 'Hello, friend.' });
  });
});

describe('reply:regenerate and reply:choose', () => {
  it('answers the same message again, keeps both versions, and shows the one the user keeps', async () => {
    const client = await connect(`fb-${randomUUID()}`);
    const { ack, start } = await sendAndAwaitReply(app, client, 'Write me a short poem.');
    app.model.setResponder(() => ({ pieces: ['Roses', ' again.'] }));
    try {
      const asked = app.model.requests.length;
      const regen = { clientMsgId: randomUUID(), replyId: start.replyId };
      const first = ok(
        await client.request<Ack<{ inReplyTo: string; duplicate: boolean }>>(
          'reply:regenerate',
          regen,
        ),
      );
      expect(first).toMatchObject({ inReplyTo: ack.messageId, duplicate: false });
      const second = await client.next(
        'reply:start',
        (s) => s.inReplyTo === ack.messageId && s.replyId !== start.replyId,
        10_000,
      );
      const end = await client.next('reply:end', (e) => e.replyId === second.replyId, 10_000);
      expect(end.message.content).toBe('Roses again.');
      // The new version's prompt ends with the message, not with the version it replaces.
      const prompt = app.model.requests.filter((r) => r.body.stream).at(-1)!.body.messages!;
      expect(prompt.at(-1)).toEqual({ role: 'user', content: 'Write me a short poem.' });
      expect(prompt.map((m) => m.content)).not.toContain('Hello, friend.');

      // A retry of the regenerate acks again and starts nothing.
      const again = ok(
        await client.request<Ack<{ duplicate: boolean }>>('reply:regenerate', regen),
      );
      expect(again.duplicate).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(app.model.requests.length).toBe(asked + 1);

      const sync = () =>
        client.request<SyncAck & { ok: true }>('sync', {
          conversationId: ack.conversationId,
          afterSeq: 0,
        });
      let view = await sync();
      const byId = (v: SyncAck, id: string) => v.messages.find((m) => m.id === id)!;
      expect(byId(view, start.replyId).replaced).toBe(true);
      expect(byId(view, second.replyId).replaced).toBeUndefined();

      ok(
        await client.request('reply:choose', { clientMsgId: randomUUID(), replyId: start.replyId }),
      );
      view = await sync();
      expect(byId(view, start.replyId).replaced).toBeUndefined();
      expect(byId(view, second.replyId).replaced).toBe(true);
    } finally {
      app.model.setResponder(() => ({ pieces: ['Hello', ', ', 'friend', '.'] }));
    }
  });

  it('regenerates only the latest reply of a conversation', async () => {
    const client = await connect(`fb-${randomUUID()}`);
    const first = await sendAndAwaitReply(app, client, 'One.');
    await sendAndAwaitReply(app, client, 'Two.', first.ack.conversationId);
    const ack = await client.request<Ack<object>>('reply:regenerate', {
      clientMsgId: randomUUID(),
      replyId: first.start.replyId,
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'reply_not_latest' } });
  });
});

describe('every reply', () => {
  it('carries its route: route, endpoint, model, prompt set, sampling and reason', async () => {
    const client = await connect(`fb-${randomUUID()}`);
    const { start } = await sendAndAwaitReply(app, client, 'Hi there.');
    const [row] = await sql(app.db.url, `SELECT route FROM messages WHERE id = $1`, [
      start.replyId,
    ]);
    expect(row.route).toMatchObject({
      route: 'default',
      endpoint: 'default',
      model: app.config.llm.model,
      promptSet: app.config.prompt.set,
      reason: 'default',
      sampling: {
        temperature: app.config.llm.sampling.temperature,
        maxTokens: app.config.llm.maxTokens,
      },
    });
  });
});

describe('training consent', () => {
  it('is off until given, kept with its time and version, and in the export', async () => {
    const user = `fb-${randomUUID()}`;
    expect(await (await userApi(app, user, '/consent')).json()).toEqual({
      training: false,
      version: '1',
      at: null,
    });
    const bad = await userApi(app, user, '/consent', { method: 'PUT', body: '{"training":"yes"}' });
    expect(bad.status).toBe(400);
    const put = await userApi(app, user, '/consent', { method: 'PUT', body: '{"training":true}' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ training: true, version: '1' });
    const exported = await (await userApi(app, user, '/export')).text();
    const lines = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; training?: boolean });
    expect(lines.filter((l) => l.type === 'trainingConsent')).toEqual([
      expect.objectContaining({ training: true, version: '1' }),
    ]);
  });
});

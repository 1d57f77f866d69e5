import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import {
  sendAndAwaitReply,
  sleep,
  startTestApp,
  userApi,
  type TestApp,
} from '../support/test-app.js';

/** The user's data as a whole: their conversations, the streamed export, deleting everything. */
let app: TestApp;
let n = 0;
const newUser = () => `account-${process.pid}-${++n}`;

beforeAll(async () => {
  app = await startTestApp({
    USER_EXPORTS_PER_HOUR: '100',
    USER_API_RATE_LIMIT_PER_MINUTE: '1000',
  });
});
afterAll(() => app.close());

async function ndjson(res: Response): Promise<Array<{ type: string } & Record<string, unknown>>> {
  return (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string } & Record<string, unknown>);
}

describe('GET /v1/me/conversations', () => {
  it("lists the user's conversations, most recent first, page by page", async () => {
    const user = newUser();
    const c = await ChatClient.connect(app.url, user);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await sendAndAwaitReply(app, c, `topic ${i}`)).ack.conversationId);
    await sendAndAwaitReply(app, c, 'back to the first', ids[0]);
    c.close();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await userApi(
        app,
        user,
        `/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as {
        conversations: Array<{ id: string; lastSeq: number }>;
        next: string | null;
      };
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...page.conversations.map((x) => x.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual([ids[0], ids[4], ids[3], ids[2], ids[1]]);
    // Another user sees none of them; a made-up cursor or limit is refused with a code.
    const other = (await (await userApi(app, newUser(), '/conversations')).json()) as {
      conversations: unknown[];
    };
    expect(other.conversations).toEqual([]);
    for (const query of ['?limit=0', '?limit=abc', '?limit=101', '?cursor=nonsense']) {
      const res = await userApi(app, user, `/conversations${query}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_query' });
    }
  });
});

describe('GET /v1/me/export', () => {
  it('streams every kind of row as NDJSON, with audio only when asked, ending with the counts', async () => {
    const user = newUser();
    const c = await ChatClient.connect(app.url, user);
    const turn = await sendAndAwaitReply(app, c, 'I had a long day.');
    const audio = readFileSync(
      resolve(import.meta.dirname, '../fixtures/audio/speech/en-us-low.ogg'),
    );
    const voice = await c.sendVoice<SendAck>(audio, {
      clientMsgId: 'v-export',
      mimeType: 'audio/ogg',
    });
    await c.next('reply:end', (e) => e.message.inReplyTo === voice.messageId, 15_000);
    c.close();
    await sleep(300);
    const lines = await ndjson(await userApi(app, user, '/export?includeAudio=true'));
    const types = new Set(lines.map((l) => l.type));
    for (const t of [
      'export',
      'user',
      'conversation',
      'message',
      'voiceClip',
      'turnAffect',
      'turnTrace',
      'end',
    ]) {
      expect(types).toContain(t);
    }
    const clip = lines.find((l) => l.type === 'voiceClip')!;
    expect(Buffer.from(clip.audio_base64 as string, 'base64').equals(audio)).toBe(true);
    expect(lines.filter((l) => l.type === 'turnTrace').map((t) => t.reply_id)).toContain(
      turn.start.replyId,
    );
    expect(lines.at(-1)).toMatchObject({ type: 'end', counts: { message: 4, voiceClip: 1 } });
    const withoutAudio = await ndjson(await userApi(app, user, '/export'));
    expect(withoutAudio.find((l) => l.type === 'voiceClip')).not.toHaveProperty('audio_base64');
    expect((await userApi(app, user, '/export?includeAudio=maybe')).status).toBe(400);
  }, 30_000);
});

describe('DELETE /v1/me', () => {
  it('deletes everything stored about the user, closes their connections, and says when it is done', async () => {
    const user = newUser();
    const keep = newUser();
    const c = await ChatClient.connect(app.url, user);
    const other = await ChatClient.connect(app.url, keep);
    await sendAndAwaitReply(app, c, 'My sister Anna called.');
    await sendAndAwaitReply(app, other, 'I am staying.');
    expect((await userApi(app, user, '/deletion')).status).toBe(404);
    const closed = new Promise<string>((r) => c.socket.once('disconnect', (reason) => r(reason)));
    const res = await userApi(app, user, '', { method: 'DELETE' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      status: expect.stringMatching(/pending|running|done/),
    });
    expect(await closed).toBe('io server disconnect');
    // Asking again while it runs changes nothing.
    expect((await userApi(app, user, '', { method: 'DELETE' })).status).toBe(202);
    let status: { status: string; deleted: Record<string, number> | null } = {
      status: '',
      deleted: null,
    };
    for (let i = 0; i < 100 && status.status !== 'done'; i++) {
      await sleep(100);
      status = (await (await userApi(app, user, '/deletion')).json()) as typeof status;
    }
    expect(status.status).toBe('done');
    expect(status.deleted).toMatchObject({ messages: 2, conversations: 1, users: 1 });
    for (const table of ['users', 'messages', 'conversations', 'turn_traces', 'turn_affects']) {
      const column = table === 'users' ? 'id' : 'user_id';
      const [row] = await sql(
        app.db.url,
        `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`,
        [user],
      );
      expect({ table, n: row.n }).toEqual({ table, n: 0 });
    }
    const [kept] = await sql(
      app.db.url,
      'SELECT count(*)::int AS n FROM messages WHERE user_id = $1',
      [keep],
    );
    expect(kept.n).toBe(2);
    const lines = await ndjson(await userApi(app, user, '/export'));
    expect(lines.map((l) => l.type)).toEqual(['export', 'end']);
    other.close();
  }, 30_000);
});

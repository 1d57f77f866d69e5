import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { SEND_COUNTS_EVERY_MS } from '../../src/common/rate-window.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import { ChatClient } from '../support/chat-client.js';
import { deleteKeys, startPrivateRedis, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TEST_MODEL, quickReply, sleep, startTestApp, type TestApp } from '../support/test-app.js';

describe('two pods sharing Postgres and Redis', () => {
  let db: TestDatabase;
  let model: VllmStandIn;
  let pod1: TestApp;
  let pod2: TestApp;
  const prefix = uniquePrefix('pods');

  beforeAll(async () => {
    db = await createTestDatabase();
    model = await startVllmStandIn({ model: TEST_MODEL, responder: quickReply });
    const env = {
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      RATE_LIMIT_PER_MINUTE: '4',
    };
    pod1 = await startTestApp(env, { db, model });
    pod2 = await startTestApp(env, { db, model });
  });
  afterAll(async () => {
    await pod1.close();
    await pod2.close();
    await model.close();
    await db.drop();
    await deleteKeys(testRedisUrl(), prefix);
  });

  it('reaches a device connected to the other pod', async () => {
    const phone = await ChatClient.connect(pod1.url, 'multi-1');
    const laptop = await ChatClient.connect(pod2.url, 'multi-1');
    const ack = await phone.request<SendAck>('message:send', {
      clientMsgId: 'p1',
      text: 'from pod one',
    });
    expect((await laptop.next('message:new')).message.id).toBe(ack.messageId);
    const end = await laptop.next('reply:end');
    expect(laptop.streamedText(end.replyId)).toBe('Hello, friend.');
    phone.close();
    laptop.close();
  });

  it('cancels a reply from a device on the other pod', async () => {
    model.setResponder(() => ({
      pieces: Array.from({ length: 40 }, (_, i) => `z${i}. `),
      pieceDelayMs: 40,
    }));
    const phone = await ChatClient.connect(pod1.url, 'multi-2');
    const laptop = await ChatClient.connect(pod2.url, 'multi-2');
    await phone.request('message:send', { clientMsgId: 'c1', text: 'long one' });
    const start = await laptop.next('reply:start');
    await laptop.next('reply:delta', (d) => d.index >= 1);
    expect(await laptop.request('reply:cancel', { replyId: start.replyId })).toEqual({
      ok: true,
      replyId: start.replyId,
    });
    const end = await phone.next('reply:end');
    expect(end.message.status).toBe('cancelled');
    model.setResponder(quickReply);
    phone.close();
    laptop.close();
  });

  it('shares the rate limit across pods', async () => {
    const a = await ChatClient.connect(pod1.url, 'multi-3');
    const b = await ChatClient.connect(pod2.url, 'multi-3');
    const results = [];
    for (let i = 0; i < 5; i++) {
      const c = i % 2 === 0 ? a : b;
      results.push(
        await c.request<{ ok: boolean; error?: { code: string } }>('message:send', {
          clientMsgId: `r${i}`,
          text: 'x',
        }),
      );
    }
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, false]);
    expect(results[4].error!.code).toBe('rate_limited');
    a.close();
    b.close();
  });

  it('counts on the pod that alone holds a user, and the other pod counts on from there', async () => {
    type Ack = { ok: boolean; error?: { code: string } };
    const a = await ChatClient.connect(pod1.url, 'multi-5');
    for (let i = 0; i < 3; i++) {
      expect((await a.request<Ack>('message:send', { clientMsgId: `h${i}`, text: 'x' })).ok).toBe(
        true,
      );
    }
    // pod1 counted its last ones itself; what it sent on to Redis is what pod2 reads. It sends
    // its counts together a few milliseconds after it made them: wait that long, as a user who
    // moves to another pod does by reconnecting.
    await sleep(SEND_COUNTS_EVERY_MS * 4);
    const b = await ChatClient.connect(pod2.url, 'multi-5');
    const fourth = await b.request<Ack>('message:send', { clientMsgId: 'h3', text: 'x' });
    const fifth = await b.request<Ack>('message:send', { clientMsgId: 'h4', text: 'x' });
    expect([fourth.ok, fifth.ok]).toEqual([true, false]);
    expect(fifth.error!.code).toBe('rate_limited');
    // pod1 counted the user's last message at least itself (its first waits for Redis, and so
    // may the second while pod1 still reads where the user's sockets are); pod2, serving a user
    // pod1 holds too, asked Redis for each of its own.
    const counted = async (url: string, by: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = new RegExp(
        `^companion_rate_limit_takes_total\\{counted_by="${by}"\\} (\\d+)`,
        'm',
      );
      return Number(line.exec(text)?.[1] ?? 0);
    };
    expect(await counted(pod1.url, 'pod')).toBeGreaterThanOrEqual(1);
    expect(await counted(pod2.url, 'redis')).toBeGreaterThanOrEqual(2);
    a.close();
    b.close();
  });

  it('titles and counts a conversation in the statements of its turn, with no job to wait for', async () => {
    const phone = await ChatClient.connect(pod1.url, 'multi-4');
    const ack = await phone.request<SendAck>('message:send', {
      clientMsgId: 'j1',
      text: '  Exam  stress\nagain ',
    });
    await phone.next('reply:end');
    const [row] = await sql(
      db.url,
      'SELECT title, message_count FROM conversations WHERE id = $1',
      [ack.conversationId],
    );
    expect(row).toEqual({ title: 'Exam stress again', message_count: 2 });
    phone.close();
  });
});

describe('when Redis goes away', () => {
  it('keeps chatting, reports not ready, and recovers when Redis is back', async () => {
    const redis = await startPrivateRedis();
    const app = await startTestApp({ REDIS_URL: redis.url });
    try {
      const phone = await ChatClient.connect(app.url, 'outage-1');
      await phone.request('message:send', { clientMsgId: 'before', text: 'hi' });
      await phone.next('reply:end');
      await redis.stop();
      const ack = await phone.request<{ ok: boolean } & SendAck>('message:send', {
        clientMsgId: 'during',
        conversationId: undefined,
        text: 'still there?',
      });
      expect(ack.ok).toBe(true);
      const end = await phone.next('reply:end', (e) => e.message.inReplyTo === ack.messageId, 8000);
      expect(end.message.status).toBe('completed');
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { redis: 'down', database: 'up' } });
      await redis.start();
      let status = 0;
      for (let i = 0; i < 60 && status !== 200; i++) {
        await sleep(250);
        status = (await fetch(`${app.url}/readyz`)).status;
      }
      expect(status).toBe(200);
      phone.close();
    } finally {
      await app.close();
      await redis.stop();
    }
  }, 30_000);
});

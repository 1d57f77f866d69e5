import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import {
  startWhisperStandIn,
  type WhisperStandIn,
} from '../../src/voice/stand-in/whisper-stand-in.js';
import { ChatClient } from '../support/chat-client.js';
import { memoryAnswer } from '../support/memory-operations.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TEST_MODEL, TEST_WHISPER_MODEL, sleep, until } from '../support/test-app.js';
import { TEST_JWT_SECRET } from '../support/tokens.js';

/**
 * One image, two roles, as Kubernetes runs them: gateways serve the sockets and stream turns,
 * workers run the queued work and the sweeps. They share only Postgres and Redis.
 */
let db: TestDatabase;
let model: VllmStandIn;
let whisper: WhisperStandIn;
const prefix = uniquePrefix('roles');
const started: ServerProcess[] = [];

const env = (role: 'gateway' | 'worker') => ({
  ROLE: role,
  DATABASE_URL: db.url,
  REDIS_URL: testRedisUrl(),
  REDIS_PREFIX: prefix,
  LLM_BASE_URL: model.url,
  LLM_MODEL: TEST_MODEL,
  WHISPER_BASE_URL: whisper.url,
  WHISPER_MODEL: TEST_WHISPER_MODEL,
  JWT_SECRET: TEST_JWT_SECRET,
  MEMORY_EXTRACTION_DELAY_MS: '300',
  REPLY_LEASE_MS: '3000',
  SHUTDOWN_GRACE_MS: '2000',
  LOG_LEVEL: 'info',
});

async function spawn(role: 'gateway' | 'worker'): Promise<ServerProcess> {
  const server = await spawnServer(env(role));
  started.push(server);
  return server;
}

/** Chat replies stream; memory extraction (not streamed) hears of a cat. */
function respond(longReplies = false) {
  model.setResponder((body) =>
    body.stream
      ? longReplies
        ? { pieces: Array.from({ length: 300 }, (_, i) => `w${i}. `), pieceDelayMs: 40 }
        : { pieces: ['Tell me ', 'about her.'] }
      : { pieces: [memoryAnswer([{ text: 'Has a cat named Miso.', sources: ['t1'] }])] },
  );
}

const extractionRequests = () => model.requests.filter((r) => !r.body.stream).length;

beforeAll(async () => {
  db = await createTestDatabase();
  model = await startVllmStandIn({ model: TEST_MODEL });
  whisper = await startWhisperStandIn({ model: TEST_WHISPER_MODEL });
});
afterAll(async () => {
  await Promise.allSettled(started.map((s) => s.kill('SIGKILL')));
  await model.close();
  await whisper.close();
  await db.drop();
  await deleteKeys(testRedisUrl(), prefix);
});

describe('gateway and worker in two processes', () => {
  let worker: ServerProcess;

  it('streams a turn from the gateway; its memory job waits in Redis until a worker runs it', async () => {
    respond();
    const gateway = await spawn('gateway');
    const phone = await ChatClient.connect(gateway.url, 'role-user');
    await phone.request<SendAck>('message:send', {
      clientMsgId: 'cat-1',
      text: 'I have a cat named Miso.',
    });
    const end = await phone.next('reply:end', () => true, 10_000);
    expect(end.message).toMatchObject({ status: 'completed', content: 'Tell me about her.' });
    // The turn's id is stored with the reply and carried by the turn's log lines.
    const [reply] = await sql(db.url, 'SELECT turn_id FROM messages WHERE id = $1', [end.replyId]);
    expect(reply.turn_id).toEqual(expect.any(String));
    const finished = gateway.logs
      .filter((l) => l.includes('"reply finished"'))
      .map(
        (l) =>
          JSON.parse(l) as {
            turnId?: string;
            replyId?: string;
            ingestToStoredMs?: number;
            ingestToUpstreamMs?: number;
            startToUpstreamMs?: number;
          },
      );
    const line = finished.find((l) => l.replyId === end.replyId);
    expect(line?.turnId).toBe(reply.turn_id);
    // Receipt to model request, and the part of it before the message was stored.
    expect(line?.ingestToStoredMs).toBeGreaterThanOrEqual(0);
    expect(line?.ingestToUpstreamMs).toBeGreaterThanOrEqual(line?.ingestToStoredMs ?? Infinity);
    expect(line?.startToUpstreamMs).toBeGreaterThanOrEqual(0);

    // Well past the extraction delay: nothing has run it, and the job is in Redis.
    await sleep(1500);
    expect(extractionRequests()).toBe(0);
    const queue = new Queue('companion', {
      connection: { url: testRedisUrl() },
      prefix: `${prefix}:bull`,
    });
    try {
      const job = await queue.getJob('memx-role-user');
      expect(job?.name).toBe('memory.extract');
      expect(await job?.getState()).toMatch(/^(waiting|delayed)$/);
    } finally {
      await queue.close();
    }

    worker = await spawn('worker');
    // The run stores the memory, reads once more for newer turns, then logs: wait for both.
    for (let i = 0; i < 100; i++) {
      const rows = await sql(db.url, 'SELECT text FROM memories WHERE user_id = $1', ['role-user']);
      if (rows.length > 0 && /memory extraction done/.test(worker.logs.join('\n'))) break;
      await sleep(100);
    }
    expect(extractionRequests()).toBeGreaterThanOrEqual(1);
    expect(
      await sql(db.url, 'SELECT text FROM memories WHERE user_id = $1', ['role-user']),
    ).toEqual([{ text: 'Has a cat named Miso.' }]);
    expect(worker.logs.join('\n')).toMatch(/memory extraction done/);
    expect(gateway.logs.join('\n')).not.toMatch(/memory extraction done/);
    phone.close();
  }, 60_000);

  it('a worker serves health and metrics only: no chat sockets, no user API', async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${worker.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'up', redis: 'up' } });
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${worker.url}/v1/me/memories`)).status).toBe(404);
    const socket = ChatClient.open(worker.url, 'role-user');
    await expect(socket.connected()).rejects.toBeDefined();
    socket.close();
  });

  it("reaches the user's socket on a gateway with an event the worker emits", async () => {
    respond(true);
    const doomed = await spawn('gateway');
    const survivor = await spawn('gateway');
    const tablet = await ChatClient.connect(doomed.url, 'two-devices');
    const phone = await ChatClient.connect(survivor.url, 'two-devices');
    await tablet.request<SendAck>('message:send', { clientMsgId: 'long-1', text: 'talk to me' });
    // The reply streams from the tablet's gateway; the phone sees it through the adapter.
    const start = await phone.next('reply:start', () => true, 10_000);
    await phone.next('reply:delta', (d) => d.replyId === start.replyId && d.index >= 2);
    expect(await doomed.kill('SIGKILL')).toBeNull();

    // Only the worker sweeps for dead replies: what the phone hears next comes from it.
    const ended = await phone.next('reply:end', (e) => e.replyId === start.replyId, 15_000);
    expect(ended.message).toMatchObject({ status: 'failed', errorCode: 'reply_interrupted' });
    const error = await phone.next('error', (e) => e.replyId === start.replyId);
    expect(error.code).toBe('reply_interrupted');
    // The worker's log line comes through its stdout pipe, maybe after the event it emitted.
    await until(
      () => worker.logs.join('\n'),
      (logs) => /reply interrupted: its process stopped renewing/.test(logs),
    );
    expect(survivor.logs.join('\n')).not.toMatch(/reply interrupted/);
    phone.close();
    tablet.close();
  }, 60_000);

  it("publishes a user's events through Redis only while another gateway holds a socket of theirs", async () => {
    respond();
    const home = await spawn('gateway');
    const away = await spawn('gateway');
    // Every publish of the socket.io adapter for this user's room.
    const listener = new Redis(testRedisUrl());
    let published = 0;
    listener.on('pmessage', (_p: string, channel: string) => {
      if (channel.includes('user:solo-user')) published++;
    });
    await listener.psubscribe(`${prefix}:socket.io#*`);
    const turn = async (from: ChatClient, id: string, also?: ChatClient) => {
      const ack = await from.request<SendAck>('message:send', { clientMsgId: id, text: 'hello' });
      const ends = [from, ...(also ? [also] : [])].map((c) =>
        c.next('reply:end', (e) => e.message.inReplyTo === ack.messageId, 10_000),
      );
      await Promise.all(ends);
    };
    try {
      const phone = await ChatClient.connect(home.url, 'solo-user');
      await sleep(300);
      await turn(phone, 'solo-1');
      expect(published).toBe(0);

      // A second device on the other gateway: the events go through Redis, and reach it.
      const tablet = await ChatClient.connect(away.url, 'solo-user');
      await sleep(300);
      await turn(phone, 'solo-2', tablet);
      expect(published).toBeGreaterThan(0);

      // It leaves: the first gateway hears so, and its events stay home again.
      tablet.close();
      await sleep(500);
      const before = published;
      await turn(phone, 'solo-3');
      expect(published).toBe(before);
      phone.close();
    } finally {
      listener.disconnect();
    }
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import type { SendAck, SyncAck } from '../../src/gateway/chat.protocol.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import {
  startWhisperStandIn,
  type WhisperStandIn,
} from '../../src/voice/stand-in/whisper-stand-in.js';
import { ChatClient } from '../support/chat-client.js';
import { spawnServer } from '../support/server-process.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TEST_MODEL, TEST_WHISPER_MODEL, sleep } from '../support/test-app.js';
import { TEST_JWT_SECRET } from '../support/tokens.js';

let db: TestDatabase;
let model: VllmStandIn;
let whisper: WhisperStandIn;

beforeAll(async () => {
  db = await createTestDatabase();
  model = await startVllmStandIn({ model: TEST_MODEL });
  whisper = await startWhisperStandIn({ model: TEST_WHISPER_MODEL });
});
afterAll(async () => {
  await model.close();
  await whisper.close();
  await db.drop();
});

const serverEnv = () => ({
  DATABASE_URL: db.url,
  LLM_BASE_URL: model.url,
  LLM_MODEL: TEST_MODEL,
  WHISPER_BASE_URL: whisper.url,
  WHISPER_MODEL: TEST_WHISPER_MODEL,
  VOICE_PROCESSING_LEASE_MS: '2000',
  JWT_SECRET: TEST_JWT_SECRET,
  // Long enough that the restarted server is up and the phone reconnected before the lease of
  // the killed server's reply runs out, so the phone sees the sweep's events.
  REPLY_LEASE_MS: '3000',
  SHUTDOWN_GRACE_MS: '5000',
  LOG_LEVEL: 'info',
});

describe('a server killed mid-reply', () => {
  it('keeps the user message, ends the reply as interrupted with nothing half-written, and answers a retry', async () => {
    model.setResponder(() => ({
      pieces: Array.from({ length: 400 }, (_, i) => `t${i}. `),
      pieceDelayMs: 50,
    }));
    const first = await spawnServer(serverEnv());
    // The server that will take over is up before the crash, with the phone's other device on
    // it, so that device hears the recovery however long a start-up takes on a busy machine.
    const second = await spawnServer(serverEnv());
    try {
      const phone = await ChatClient.connect(first.url, 'killed-user');
      const back = await ChatClient.connect(second.url, 'killed-user');
      const payload = { clientMsgId: 'before-the-crash', text: 'are you still there?' };
      const ack = await phone.request<SendAck>('message:send', payload);
      const start = await phone.next('reply:start');
      await phone.next('reply:delta', (d) => d.index >= 3);
      expect(await first.kill('SIGKILL')).toBeNull();
      phone.close();

      const [reply] = await sql(db.url, 'SELECT status, content FROM messages WHERE id = $1', [
        start.replyId,
      ]);
      expect(reply).toEqual({ status: 'streaming', content: '' });
      await sleep(100);
      expect(model.requests.at(-1)!.aborted).toBe(true);

      model.setResponder(() => ({ pieces: ['Yes, ', "I'm here."] }));
      const ended = await back.next('reply:end', (e) => e.replyId === start.replyId, 10_000);
      expect(ended.message).toMatchObject({
        status: 'failed',
        errorCode: 'reply_interrupted',
        content: '',
      });
      expect((await back.next('error')).code).toBe('reply_interrupted');

      const sync = await back.request<SyncAck>('sync', {
        conversationId: ack.conversationId,
        afterSeq: 0,
      });
      expect(sync.messages.map((m) => [m.role, m.status, m.content])).toEqual([
        ['user', 'received', 'are you still there?'],
        ['assistant', 'failed', ''],
      ]);
      // The phone sends its unanswered message again: it is not stored twice, and it is answered.
      const again = await back.request<SendAck>('message:send', payload);
      expect(again).toMatchObject({ messageId: ack.messageId, duplicate: true });
      const answer = await back.next('reply:end', (e) => e.message.status === 'completed');
      expect(answer.message.content).toBe("Yes, I'm here.");
      back.close();
    } finally {
      await first.kill('SIGKILL');
      await second.kill('SIGTERM');
    }
  }, 60_000);
});

/**
 * A process killed after it acked a message but before the reply started (here: while the turn
 * waits for a place at the model behind another user's long reply) leaves the message owed a
 * reply; a live process's awaiting-reply sweep answers it. Its REPLY_LEASE_MS is the grace
 * before it does.
 */
describe('a server killed between the ack and the reply', () => {
  const queuedEnv = () => ({ ...serverEnv(), LLM_MAX_CONCURRENT: '1', LLM_MAX_WAITING: '8' });

  async function occupyTheModel(url: string): Promise<ChatClient> {
    model.setResponder(() => ({
      pieces: Array.from({ length: 400 }, (_, i) => `x${i}. `),
      pieceDelayMs: 50,
    }));
    const other = await ChatClient.connect(url, `other-${Date.now()}`);
    await other.request<SendAck>('message:send', { clientMsgId: 'long-one', text: 'tell me all' });
    await other.next('reply:delta');
    return other;
  }

  it('answers a text message whose reply never started, once, after a restart', async () => {
    const first = await spawnServer(queuedEnv());
    const second = await spawnServer({ ...serverEnv(), REPLY_LEASE_MS: '4000' });
    try {
      const other = await occupyTheModel(first.url);
      const phone = await ChatClient.connect(first.url, 'queued-user');
      const ack = await phone.request<SendAck>('message:send', {
        clientMsgId: 'queued-1',
        text: 'hello, anyone?',
      });
      expect(ack).toMatchObject({ ok: true, duplicate: false });
      await sleep(200);
      const before = await sql(
        db.url,
        `SELECT role, reply_due_at IS NOT NULL AS owed FROM messages WHERE conversation_id = $1 ORDER BY seq`,
        [ack.conversationId],
      );
      expect(before).toEqual([{ role: 'user', owed: true }]);
      expect(await first.kill('SIGKILL')).toBeNull();
      phone.close();
      other.close();

      model.setResponder(() => ({ pieces: ['Here ', 'I am.'] }));
      const back = await ChatClient.connect(second.url, 'queued-user');
      const end = await back.next(
        'reply:end',
        (e) => e.message.inReplyTo === ack.messageId,
        15_000,
      );
      expect(end.message).toMatchObject({ status: 'completed', content: 'Here I am.' });
      await sleep(500);
      const sync = await back.request<SyncAck>('sync', {
        conversationId: ack.conversationId,
        afterSeq: 0,
      });
      expect(sync.messages.map((m) => [m.role, m.status, m.content])).toEqual([
        ['user', 'received', 'hello, anyone?'],
        ['assistant', 'completed', 'Here I am.'],
      ]);
      const [row] = await sql(
        db.url,
        'SELECT reply_due_at IS NULL AS settled FROM messages WHERE id = $1',
        [ack.messageId],
      );
      expect(row).toEqual({ settled: true });
      back.close();
    } finally {
      await first.kill('SIGKILL');
      await second.kill('SIGTERM');
    }
  }, 60_000);

  it('answers a voice message whose transcript was stored but whose reply never started', async () => {
    whisper.setResponder(() => ({ text: 'Is anyone listening?', language: 'en' }));
    const first = await spawnServer(queuedEnv());
    const second = await spawnServer({ ...serverEnv(), REPLY_LEASE_MS: '4000' });
    try {
      const other = await occupyTheModel(first.url);
      const phone = await ChatClient.connect(first.url, 'queued-voice-user');
      const audio = readFileSync(
        resolve(import.meta.dirname, '../fixtures/audio/speech/en-us-low.ogg'),
      );
      const ack = await phone.sendVoice<SendAck & { ok: boolean }>(audio, {
        clientMsgId: 'queued-voice-1',
        mimeType: 'audio/ogg',
      });
      expect(ack.ok).toBe(true);
      const transcript = await phone.next(
        'voice:transcript',
        (t) => t.messageId === ack.messageId,
        15_000,
      );
      expect(transcript.text).toBe('Is anyone listening?');
      await sleep(200);
      expect(await first.kill('SIGKILL')).toBeNull();
      phone.close();
      other.close();

      model.setResponder(() => ({ pieces: ['I am listening.'] }));
      const back = await ChatClient.connect(second.url, 'queued-voice-user');
      const end = await back.next(
        'reply:end',
        (e) => e.message.inReplyTo === ack.messageId,
        15_000,
      );
      expect(end.message).toMatchObject({ status: 'completed', content: 'I am listening.' });
      const prompt = model.requests.filter((r) => r.body.stream).at(-1)!.body.messages!;
      expect(prompt.at(-1)).toEqual({ role: 'user', content: 'Is anyone listening?' });
      back.close();
    } finally {
      await first.kill('SIGKILL');
      await second.kill('SIGTERM');
    }
  }, 60_000);
});

describe('a server killed while it transcribes a voice message', () => {
  it('keeps the clip; the next server transcribes it and replies', async () => {
    model.setResponder(() => ({ pieces: ['I hear you.'] }));
    whisper.setResponder(() => ({ hang: true }));
    const first = await spawnServer(serverEnv());
    const phone = await ChatClient.connect(first.url, 'voice-crash-user');
    const audio = readFileSync(
      resolve(import.meta.dirname, '../fixtures/audio/speech/en-us-low.ogg'),
    );
    const ack = await phone.sendVoice<SendAck & { ok: boolean }>(audio, {
      clientMsgId: 'voice-1',
      mimeType: 'audio/ogg',
    });
    expect(ack.ok).toBe(true);
    for (let i = 0; i < 50 && whisper.requests.length === 0; i++) await sleep(100);
    expect(await first.kill('SIGKILL')).toBeNull();
    phone.close();
    const [clip] = await sql(
      db.url,
      `SELECT c.transcript_status, octet_length(c.audio) AS bytes, m.content
         FROM voice_clips c JOIN messages m ON m.id = c.message_id WHERE c.message_id = $1`,
      [ack.messageId],
    );
    expect(clip).toEqual({ transcript_status: 'pending', bytes: audio.length, content: '' });

    whisper.setResponder(() => ({ text: 'Are you there?', language: 'en' }));
    const second = await spawnServer(serverEnv());
    try {
      const back = await ChatClient.connect(second.url, 'voice-crash-user');
      const transcript = await back.next(
        'voice:transcript',
        (t) => t.messageId === ack.messageId,
        15_000,
      );
      expect(transcript.text).toBe('Are you there?');
      const end = await back.next(
        'reply:end',
        (e) => e.message.inReplyTo === ack.messageId,
        10_000,
      );
      expect(end.message.content).toBe('I hear you.');
      back.close();
    } finally {
      await second.kill('SIGTERM');
    }
  }, 40_000);
});

describe('graceful shutdown', () => {
  it('lets a reply in flight finish, refuses new connections, and exits 0', async () => {
    model.setResponder(() => ({
      pieces: Array.from({ length: 12 }, (_, i) => `p${i}. `),
      pieceDelayMs: 80,
    }));
    const server = await spawnServer(serverEnv());
    const phone = await ChatClient.connect(server.url, 'drain-user');
    await phone.request<SendAck>('message:send', {
      clientMsgId: 'drain-1',
      text: 'long answer please',
    });
    await phone.next('reply:delta', (d) => d.index >= 1);
    server.proc.kill('SIGTERM');
    await sleep(150);
    const late = ChatClient.open(server.url, 'drain-user');
    const refusal = await late.refusal().catch((e: Error) => ({ message: e.message }));
    late.close();
    expect(['unavailable', 'websocket error', 'xhr poll error']).toContain(refusal.message);
    const end = await phone.next('reply:end', () => true, 5000);
    expect(end.message.status).toBe('completed');
    expect(end.message.content.trim().split(' ')).toHaveLength(12);
    expect(await server.exited).toBe(0);
    phone.close();
  }, 20_000);
});

describe('embedded mode', () => {
  it('starts with no external services, answers through the stand-in, and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'companion-embedded-'));
    try {
      const env = { DATA_DIR: dataDir, LOG_LEVEL: 'info' };
      const server = await spawnServer(env, 60_000);
      expect(server.logs.join('\n')).toMatch(/STAND-IN/);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        checks: { database: 'up', redis: 'disabled', model: 'up' },
      });
      const secret = readFileSync(join(dataDir, 'dev-jwt-secret'), 'utf8').trim();
      const token = jwt.sign({}, secret, { subject: 'demo-user', expiresIn: '10m' });
      const phone = await ChatClient.connect(server.url, 'demo-user', { token });
      const ack = await phone.request<SendAck>('message:send', {
        clientMsgId: 'embedded-1',
        text: 'hi there',
      });
      const end = await phone.next('reply:end', () => true, 10_000);
      expect(end.message.content).toMatch(/Stand-in model, not a real reply/);
      phone.close();
      expect(await server.kill('SIGTERM')).toBe(0);

      const again = await spawnServer(env, 60_000);
      const back = await ChatClient.connect(again.url, 'demo-user', { token });
      const sync = await back.request<SyncAck>('sync', {
        conversationId: ack.conversationId,
        afterSeq: 0,
      });
      expect(sync.messages.map((m) => m.content)).toEqual(['hi there', end.message.content]);
      back.close();
      // Killed hard, the embedded Postgres outlives the process; the next start must cope.
      expect(await again.kill('SIGKILL')).toBeNull();
      const third = await spawnServer(env, 60_000);
      expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
      expect(await third.kill('SIGTERM')).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses to start with a clear message per bad variable', async () => {
    const err = await spawnServer(
      { PORT: 'seventy', LLM_TEMPERATURE: '9', DATABASE_URL: 'mysql://x' },
      15_000,
    ).catch((e: Error) => e.message);
    expect(err).toMatch(/exited with 1/);
    expect(err).toMatch(/PORT: /);
    expect(err).toMatch(/LLM_TEMPERATURE: /);
    expect(err).toMatch(/DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
  }, 30_000);
});

import { randomUUID } from 'node:crypto';
import { startApp, type RunningApp } from '../../src/app.js';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import {
  startVllmStandIn,
  type Responder,
  type VllmStandIn,
} from '../../src/llm/stand-in/vllm-stand-in.js';
import {
  startWhisperStandIn,
  type WhisperResponder,
  type WhisperStandIn,
} from '../../src/voice/stand-in/whisper-stand-in.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import type { ChatClient } from './chat-client.js';
import { TEST_JWT_SECRET, tokenFor } from './tokens.js';

export const TEST_MODEL = 'companion-qwen3-test';
export const TEST_WHISPER_MODEL = 'whisper-test';

export interface TestApp {
  url: string;
  running: RunningApp;
  config: AppConfig;
  model: VllmStandIn;
  whisper: WhisperStandIn;
  db: TestDatabase;
  close(): Promise<void>;
}

/** Replies the stand-in gives unless a test scripts another one. */
export const quickReply: Responder = () => ({ pieces: ['Hello', ', ', 'friend', '.'] });

/** What the Whisper stand-in hears unless a test scripts otherwise. */
export const TEST_TRANSCRIPT = 'I had a long day today.';
export const quickTranscript: WhisperResponder = () => ({ text: TEST_TRANSCRIPT, language: 'en' });

/**
 * The real application on a fresh database of its own and a scriptable vLLM stand-in. `env`
 * overrides any environment variable (REDIS_URL is unset unless given).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { db?: TestDatabase; model?: VllmStandIn; whisper?: WhisperStandIn } = {},
): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const model =
    options.model ?? (await startVllmStandIn({ model: TEST_MODEL, responder: quickReply }));
  const whisper =
    options.whisper ??
    (await startWhisperStandIn({ model: TEST_WHISPER_MODEL, responder: quickTranscript }));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    LLM_BASE_URL: model.url,
    LLM_MODEL: TEST_MODEL,
    WHISPER_BASE_URL: whisper.url,
    WHISPER_MODEL: TEST_WHISPER_MODEL,
    JWT_SECRET: TEST_JWT_SECRET,
    SHUTDOWN_GRACE_MS: '3000',
    ...env,
  });
  const running = await startApp(config);
  return {
    url: running.url,
    running,
    config,
    model,
    whisper,
    db,
    close: async () => {
      await running.shutdown();
      if (!options.model) await model.close();
      if (!options.whisper) await whisper.close();
      if (!options.db) await db.drop();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads until `ok` holds, every 20 ms, for at most `ms`. */
export async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/**
 * Sends a text message and waits for its whole reply; returns the ack, the `reply:start` (with
 * the turn's affect) and the chat prompt the model received for it.
 */
export async function sendAndAwaitReply(
  app: TestApp,
  client: ChatClient,
  text: string,
  conversationId?: string,
) {
  const ack = await client.request<SendAck>('message:send', {
    clientMsgId: randomUUID(),
    text,
    conversationId,
  });
  const start = await client.next('reply:start', (s) => s.inReplyTo === ack.messageId, 10_000);
  await client.next('reply:end', (e) => e.replyId === start.replyId, 10_000);
  const chat = app.model.requests.filter((r) => r.body.stream);
  return { ack, start, prompt: chat.at(-1)!.body.messages! };
}

/** The user's own REST API (`/v1/me…`) of the app, as `userId`. */
export function userApi(app: TestApp, userId: string, path: string, init: RequestInit = {}) {
  return fetch(`${app.url}/v1/me${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${tokenFor(userId)}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
}

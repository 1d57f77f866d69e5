/**
 * The floor for the chat bench: the least server that does the service's text turn with the same
 * guarantees, on socket.io, pg and openai alone (no Nest; from src/ only the model transport,
 * src/common/http-fetch.ts and src/llm/chat-completion-stream.ts, so that both servers reach and
 * read the model the same way).
 *
 * - Namespace /chat; the handshake's `auth.token` must be an HS256 JWT signed with JWT_SECRET
 *   (sub = user id), or the connection is refused. Each socket joins its user's room.
 * - `message:send {clientMsgId, conversationId?, text}`: one statement commits the message
 *   (idempotent on (user, clientMsgId); the conversation's next seq, with the reply's seq reserved
 *   after it) and reads the history for the prompt; then the ack.
 * - The reply: `reply:start` to the user's room, the model's streamed completion as
 *   `reply:delta` events, the reply stored once with its content, `reply:end`.
 * - socket.io with the Redis adapter, so every emit pays the pub/sub cost the service pays.
 * - One JSON line per reply with `ingestToUpstreamMs` (receipt of message:send to the model
 *   request going out), and a JSON line with the URL when listening.
 *
 * Not covered (the service does these): one reply at a time per conversation across pods, reply
 * leases and recovery, affect, memory, prompt templates, traces, rate limits, jobs.
 *
 * Environment: PORT, HOST, DATABASE_URL, REDIS_URL, REDIS_PREFIX, LLM_BASE_URL, LLM_MODEL,
 * JWT_SECRET, DATABASE_POOL_SIZE. Run with --expose-gc for the bench's memory hook (IPC).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import OpenAI from 'openai';
import pg from 'pg';
import { Server, type Socket } from 'socket.io';
import { createNodeFetch } from '../src/common/http-fetch.js';
import { streamChatCompletion } from '../src/llm/chat-completion-stream.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const PORT = Number(env('PORT', '0'));
const HOST = env('HOST', '127.0.0.1');
const SECRET = env('JWT_SECRET');
const MODEL = env('LLM_MODEL');
const REDIS_PREFIX = env('REDIS_PREFIX', 'floor');
const HISTORY_MESSAGES = 20;
const MAX_TEXT_CHARS = 4000;
const MAX_TOKENS = 512;
const CLIENT_MSG_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const instanceId = `floor-${randomBytes(4).toString('hex')}`;

// Idle connections are kept 5 minutes, as the service keeps them (IDLE_MS in
// src/database/data-source.ts, not imported: it would load TypeORM). With pg's 10 s default, the
// connections the warm-up's burst opened closed together 8-9 s into the open loop after it, and
// the floor's turns then waited up to a quarter second.
const pool = new pg.Pool({
  connectionString: env('DATABASE_URL'),
  max: Number(env('DATABASE_POOL_SIZE', '20')),
  application_name: 'chat-floor',
  idleTimeoutMillis: 300_000,
});
const llm = new OpenAI({
  baseURL: env('LLM_BASE_URL'),
  apiKey: process.env.LLM_API_KEY || 'none',
  maxRetries: 0,
  timeout: 120_000,
  fetch: createNodeFetch(),
});

await pool.query(`
  CREATE TABLE IF NOT EXISTS floor_conversations (
    id uuid PRIMARY KEY,
    user_id text NOT NULL,
    last_seq integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS floor_messages (
    id uuid PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES floor_conversations (id),
    user_id text NOT NULL,
    seq integer NOT NULL,
    role text NOT NULL,
    content text NOT NULL,
    status text NOT NULL,
    client_msg_id text,
    in_reply_to uuid,
    model text,
    error_code text,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    CONSTRAINT floor_messages_conversation_seq UNIQUE (conversation_id, seq),
    CONSTRAINT floor_messages_user_client_msg UNIQUE (user_id, client_msg_id)
  );`);

const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, {
  maxHttpBufferSize: 1_000_000,
  perMessageDeflate: false,
  httpCompression: false,
  pingInterval: 25_000,
  pingTimeout: 20_000,
  connectTimeout: 10_000,
});
const pub = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null });
const sub = pub.duplicate();
io.adapter(createAdapter(pub, sub, { key: `${REDIS_PREFIX}:socket.io` }));

const chat = io.of('/chat');
const room = (userId: string) => `user:${userId}`;

chat.use((socket, next) => {
  const token: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  try {
    if (typeof token !== 'string') throw new Error('no token');
    const claims = jwt.verify(token, SECRET, { algorithms: ['HS256'] });
    if (typeof claims === 'string' || !claims.sub) throw new Error('no subject');
    (socket.data as { userId: string }).userId = claims.sub;
    next();
  } catch {
    next(new Error('unauthorized'));
  }
});

chat.on('connection', (socket: Socket) => {
  const { userId } = socket.data as { userId: string };
  void socket.join(room(userId));
  socket.on('message:send', (payload: unknown, ack?: unknown) => {
    const receivedAt = performance.now();
    const respond = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
    send(userId, payload, receivedAt).then(
      ({ response, reply }) => {
        respond(response);
        reply?.();
      },
      (e: unknown) => {
        console.error(JSON.stringify({ msg: 'message:send failed', err: String(e) }));
        respond(refusal('internal', 'something went wrong'));
      },
    );
  });
});

interface Stored {
  id: string;
  conversation_id: string;
  seq: number;
  history: Array<{ role: 'user' | 'assistant'; content: string }> | null;
}

/** Stores the message and says what to ack; `reply`, when set, starts the reply after the ack. */
async function send(
  userId: string,
  payload: unknown,
  receivedAt: number,
): Promise<{ response: unknown; reply?: () => void }> {
  const input = (payload ?? {}) as {
    clientMsgId?: unknown;
    conversationId?: unknown;
    text?: unknown;
  };
  const refuse = (code: string, message: string) => ({ response: refusal(code, message) });
  const { clientMsgId, conversationId, text } = input;
  if (typeof clientMsgId !== 'string' || !CLIENT_MSG_ID.test(clientMsgId))
    return refuse('invalid_payload', 'clientMsgId is missing or malformed');
  if (
    conversationId !== undefined &&
    (typeof conversationId !== 'string' || !UUID.test(conversationId))
  )
    return refuse('invalid_payload', 'conversationId is not a uuid');
  if (typeof text !== 'string') return refuse('invalid_payload', 'text is missing');
  if (text.trim().length === 0) return refuse('text_empty', 'the message is empty');
  if ([...text].length > MAX_TEXT_CHARS) return refuse('text_too_long', 'the message is too long');

  // The conversation's seq moves by two: the message, then its reply's reserved place.
  const conversation = conversationId
    ? `UPDATE floor_conversations SET last_seq = last_seq + 2, updated_at = now()
        WHERE id = $2 AND user_id = $3 RETURNING id, last_seq`
    : `INSERT INTO floor_conversations (id, user_id, last_seq) VALUES ($2, $3, 2) RETURNING id, last_seq`;
  let stored: Stored | undefined;
  try {
    const result = await pool.query<Stored>(
      `WITH conv AS (${conversation}),
            msg AS (INSERT INTO floor_messages (id, conversation_id, user_id, seq, role, content, status,
                                                client_msg_id)
                    SELECT $1, conv.id, $3, conv.last_seq - 1, 'user', $4, 'received', $5 FROM conv
                    RETURNING id, conversation_id, seq)
       SELECT msg.id, msg.conversation_id, msg.seq,
              (SELECT json_agg(json_build_object('role', h.role, 'content', h.content) ORDER BY h.seq)
                 FROM (SELECT role, content, seq FROM floor_messages
                        WHERE conversation_id = msg.conversation_id AND content <> ''
                        ORDER BY seq DESC LIMIT $6) h) AS history
         FROM msg`,
      [uuidv7(), conversationId ?? uuidv7(), userId, text, clientMsgId, HISTORY_MESSAGES],
    );
    stored = result.rows[0];
  } catch (e) {
    if ((e as { constraint?: string }).constraint !== 'floor_messages_user_client_msg') throw e;
    const first = await pool.query<Stored>(
      `SELECT id, conversation_id, seq FROM floor_messages WHERE user_id = $1 AND client_msg_id = $2`,
      [userId, clientMsgId],
    );
    const row = first.rows[0];
    if (!row) throw e;
    const response = {
      ok: true,
      messageId: row.id,
      conversationId: row.conversation_id,
      seq: row.seq,
      duplicate: true,
    };
    return { response };
  }
  if (!stored) return refuse('conversation_not_found', 'no such conversation');
  const message = stored;
  const history = message.history ?? [];
  history.push({ role: 'user', content: text });
  const response = {
    ok: true,
    messageId: message.id,
    conversationId: message.conversation_id,
    seq: message.seq,
    duplicate: false,
  };
  const reply = () =>
    void streamReply(userId, message, history, receivedAt).catch((e: unknown) =>
      console.error(JSON.stringify({ msg: 'reply failed', err: String(e) })),
    );
  return { response, reply };
}

async function streamReply(
  userId: string,
  message: Stored,
  history: Array<{ role: 'user' | 'assistant'; content: string }>,
  receivedAt: number,
): Promise<void> {
  const startedAt = Date.now();
  const replyId = uuidv7();
  const seq = message.seq + 1;
  const to = chat.to(room(userId));
  to.emit('reply:start', {
    replyId,
    conversationId: message.conversation_id,
    inReplyTo: message.id,
    seq,
    affect: null,
  });
  let content = '';
  let index = 0;
  let model = MODEL;
  let errorCode: string | null = null;
  const upstreamAt = performance.now();
  try {
    const stream = streamChatCompletion(
      llm,
      {
        model: MODEL,
        messages: [{ role: 'system', content: 'You are a kind companion.' }, ...history],
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: MAX_TOKENS,
      },
      {},
    );
    for await (const chunk of stream) {
      if (chunk.model) model = chunk.model;
      const text = chunk.choices[0]?.delta?.content;
      if (!text) continue;
      content += text;
      to.emit('reply:delta', { replyId, index: index++, text });
    }
  } catch (e) {
    errorCode = 'model_error';
    console.error(JSON.stringify({ msg: 'model request failed', replyId, err: String(e) }));
  }
  const status = errorCode ? 'failed' : 'completed';
  const { rows } = await pool.query<{ created_at: Date; completed_at: Date }>(
    `INSERT INTO floor_messages (id, conversation_id, user_id, seq, role, content, status, in_reply_to,
                                 model, error_code, created_at, completed_at)
     VALUES ($1, $2, $3, $4, 'assistant', $5, $6, $7, $8, $9, $10, now())
     RETURNING created_at, completed_at`,
    [
      replyId,
      message.conversation_id,
      userId,
      seq,
      content,
      status,
      message.id,
      model,
      errorCode,
      new Date(startedAt),
    ],
  );
  process.stdout.write(
    `${JSON.stringify({
      msg: 'reply finished',
      replyId,
      conversationId: message.conversation_id,
      status,
      ingestToUpstreamMs: Math.round((upstreamAt - receivedAt) * 100) / 100,
    })}\n`,
  );
  to.emit('reply:end', {
    replyId,
    message: {
      id: replyId,
      conversationId: message.conversation_id,
      seq,
      role: 'assistant',
      kind: 'text',
      content,
      status,
      clientMsgId: null,
      inReplyTo: message.id,
      model,
      errorCode,
      createdAt: rows[0].created_at.toISOString(),
      completedAt: rows[0].completed_at.toISOString(),
    },
  });
}

function refusal(code: string, message: string) {
  return { ok: false, error: { code, message } };
}

function uuidv7(): string {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The bench's memory hook: full garbage collection, then heap and RSS.
process.on('message', (message: unknown) => {
  if (message !== 'memory') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.send?.({ heapUsed, rss });
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 5000).unref();
  void (async () => {
    await io.close();
    await Promise.allSettled([pool.end(), pub.quit(), sub.quit()]);
    process.exit(0);
  })();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

http.listen(PORT, HOST, () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : PORT;
  process.stdout.write(
    `${JSON.stringify({ msg: 'listening', url: `http://${HOST}:${port}`, instanceId })}\n`,
  );
});

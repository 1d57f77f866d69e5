/**
 * npm run bench:chat [-- --clients 50 --messages 20 --idle 10000]
 *
 * 1. Throughput: N socket clients each send M text messages, one after another (next after the
 *    reply ends), against a stand-in model that answers at once. Prints messages/s, ack latency
 *    p50/p99 (client side) and the backend's own time from receiving a message to sending the
 *    model request, p50/p99 (server side, from its logs).
 * 2. Idle connections: opens K authenticated connections that do nothing and prints the server's
 *    heap and RSS per connection (after forced garbage collection).
 * The server runs as its own process, configured as in production (Postgres on a fresh database,
 * Redis for rate limits, jobs and the socket adapter); the clients and the stand-in run here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { SendAck } from '../src/chat/chat.protocol.js';
import { runMigrations } from '../src/database/data-source.js';
import { startVllmStandIn } from '../src/llm/stand-in/vllm-stand-in.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    messages: { type: 'string', default: '20' },
    idle: { type: 'string', default: '10000' },
  },
});
const CLIENTS = Number(args.clients);
const MESSAGES = Number(args.messages);
const IDLE = Number(args.idle);
const SECRET = 'bench-secret-bench-secret-bench-secret-1234';
const MODEL = 'bench-model';
const root = resolve(import.meta.dirname, '..');

const serverUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `companion_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
await runMigrations(dbUrl.href);

const redisPrefix = `bench-${Date.now().toString(36)}`;
const model = await startVllmStandIn({
  model: MODEL,
  responder: () => ({ pieces: ['Sure, ', 'I am here.'] }),
});
const serverLogs: string[] = [];
const server: ChildProcess = fork(resolve(root, 'bench/chat-server.ts'), [], {
  cwd: root,
  execArgv: [
    '--expose-gc',
    '--import',
    './scripts/ts-hooks.mjs',
    ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? []),
  ],
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrl.href,
    DATABASE_POOL_SIZE: '20',
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: redisPrefix,
    LLM_BASE_URL: model.url,
    LLM_MODEL: MODEL,
    JWT_SECRET: SECRET,
    RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  },
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await model.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  const redis = new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${redisPrefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

const baseUrl = await new Promise<string>((resolveUrl, reject) => {
  let buffered = '';
  server.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      serverLogs.push(line);
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)","instanceId"/.exec(line);
      if (m) resolveUrl(m[1]);
    }
  });
  server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});

const token = (i: number) => jwt.sign({}, SECRET, { subject: `bench-${i}`, expiresIn: '1h' });
function connect(i: number): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = io(`${baseUrl}/chat`, {
      auth: { token: token(i) },
      transports: ['websocket'],
      reconnection: false,
    });
    s.once('connect', () => res(s));
    s.once('connect_error', rej);
  });
}
const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

try {
  // Phase 1: throughput and latency.
  const sockets = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connect(i)));
  const ackMs: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    sockets.map(async (s, i) => {
      let conversationId: string | undefined;
      for (let m = 0; m < MESSAGES; m++) {
        const ended = new Promise<void>((res) => {
          const onEnd = () => (s.off('reply:end', onEnd), res());
          s.on('reply:end', onEnd);
        });
        const sent = performance.now();
        const ack = (await s.emitWithAck('message:send', {
          clientMsgId: `b-${i}-${m}`,
          conversationId,
          text: 'How was your day? I had a long one and I am a bit tired.',
        })) as SendAck & { ok: boolean };
        ackMs.push(performance.now() - sent);
        if (!ack.ok) throw new Error(`refused: ${JSON.stringify(ack)}`);
        conversationId = ack.conversationId;
        await ended;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  for (const s of sockets) s.close();
  await new Promise((r) => setTimeout(r, 300));
  const upstream = serverLogs
    .map((l) => /"ingestToUpstreamMs":(\d+(?:\.\d+)?)/.exec(l)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  const total = CLIENTS * MESSAGES;
  console.log(
    JSON.stringify({
      phase: 'throughput',
      clients: CLIENTS,
      messages: total,
      seconds: round(seconds),
      messagesPerSec: round(total / seconds, 1),
      ackMsP50: round(pct(ackMs, 50)),
      ackMsP99: round(pct(ackMs, 99)),
      ingestToUpstreamMsP50: pct(upstream, 50),
      ingestToUpstreamMsP99: pct(upstream, 99),
      upstreamSamples: upstream.length,
    }),
  );

  // Phase 2: idle connections.
  const memory = () =>
    new Promise<{ heapUsed: number; rss: number }>((res) => {
      server.once('message', (m) => res(m as { heapUsed: number; rss: number }));
      server.send('memory');
    });
  const before = await memory();
  const idle: Socket[] = [];
  const t1 = performance.now();
  for (let i = 0; i < IDLE; i += 250) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(250, IDLE - i) }, (_, j) => connect(100_000 + i + j)),
    );
    idle.push(...batch);
  }
  const connectSeconds = (performance.now() - t1) / 1000;
  await new Promise((r) => setTimeout(r, 2000));
  const after = await memory();
  console.log(
    JSON.stringify({
      phase: 'idle',
      connections: idle.length,
      connectSeconds: round(connectSeconds),
      heapBytesPerConnection: Math.round((after.heapUsed - before.heapUsed) / idle.length),
      rssBytesPerConnection: Math.round((after.rss - before.rss) / idle.length),
      heapMbTotal: round(after.heapUsed / 2 ** 20, 1),
      rssMbTotal: round(after.rss / 2 ** 20, 1),
    }),
  );
  if (process.env.BENCH_HEAP_SNAPSHOT) {
    const file = await new Promise((res) => {
      server.once('message', (m) => res((m as { file: string }).file));
      server.send('snapshot');
    });
    console.log(JSON.stringify({ heapSnapshot: file }));
  }
  for (const s of idle) s.close();
  console.log(
    JSON.stringify({
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memGiB: round(totalmem() / 2 ** 30, 1),
        node: process.version,
      },
    }),
  );
} finally {
  await cleanup();
}
process.exit(0);

/**
 * npm run bench:promotion [-- --rate 150 --seconds 10 --warmup 4 --case openai,fetch]
 *
 * What each part of a chat turn leaves to the old generation: the bytes that outlive two young
 * collections (V8's "promoted") per operation, each part alone at a fixed rate in a process of its
 * own. Promoted bytes are what fills the old generation, and every time it fills the gateway runs
 * a major collection, whose pauses and marking are a cause of the open loop's slow turns
 * (docs/operations.md#capacity). An operation that is over in a few milliseconds should promote
 * close to nothing.
 *
 * Cases (each is one operation of a turn, as the gateway does it):
 * - http: a POST to the model stand-in over node:http with a keep-alive agent, its streamed
 *   answer read to the end. The baseline the others are compared with.
 * - fetch: the same through the model client's own fetch (src/common/http-fetch.ts).
 * - openai: the same streamed chat completion through the OpenAI SDK's `create` and `Stream`
 *   over that fetch (how src/llm/llm.client.ts asked for it before 2026-12-04).
 * - openai-response: the SDK's `create(...).asResponse()`, the body read by src/llm/sse.ts: what
 *   is left of `create` without its `Stream`.
 * - openai-request: src/llm/chat-completion-stream.ts, as the model client streams now (the SDK's
 *   `buildRequest` and `fetchWithTimeout`, the body read by src/llm/sse.ts).
 * - pg: a message row inserted and committed, through the pool (needs Postgres: BENCH_PG_URL).
 * - pg-read: fifty message-sized rows read on a checked-out client with pg's promise form, as
 *   TypeORM's queries are; pg-read-callbacks: the same with src/database/pg-query-callbacks.ts
 *   installed, as the service runs it.
 * - socketio: a client's event acked by the server, which emits four reply deltas back.
 * - redis: a message's rate-limit token taken through ioredis (src/common/rate-window.ts: one
 *   script by its SHA), the gateway's one Redis round trip before a message is stored (needs
 *   Redis: BENCH_REDIS_URL).
 * - closure-property / closure-local: the smallest program that shows what the openai case
 *   shows, in plain JavaScript: an operation whose objects wait for a later task, with a fresh
 *   function stored as a named property of one of them (property) or kept in an array (local).
 *
 * Each case runs in a child process with --trace-gc-nvp; after --warmup seconds the child marks
 * its output, and the young collections after the mark are summed. The model stand-in runs in a
 * process of its own. Figures are printed as JSON lines, with each case's promoted bytes per
 * operation over the http baseline's, measured in the same run.
 *
 * Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL
 * (default redis://127.0.0.1:6379).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CASES = [
  'http',
  'fetch',
  'openai',
  'openai-response',
  'openai-request',
  'pg',
  'pg-read',
  'pg-read-callbacks',
  'socketio',
  'redis',
  'closure-property',
  'closure-local',
] as const;
type Case = (typeof CASES)[number];

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '150' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '4' },
    case: { type: 'string', default: CASES.join(',') },
    child: { type: 'string' },
    model: { type: 'string' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
if (![RATE, SECONDS, WARMUP].every((n) => Number.isFinite(n) && n > 0)) {
  throw new Error('--rate, --seconds and --warmup take positive numbers');
}

type Operation = () => Promise<unknown>;

/** The OpenAI client as the model client makes it: over its own fetch, no retries of its own. */
async function modelClient(modelUrl: string) {
  const { default: OpenAI } = await import('openai');
  const { createNodeFetch } = await import('../src/common/http-fetch.js');
  return new OpenAI({ baseURL: modelUrl, apiKey: 'none', maxRetries: 0, fetch: createNodeFetch() });
}

/** One case's operation, and what to close when it is done. */
async function setUp(
  name: Case,
  modelUrl: string,
): Promise<{ op: Operation; close: () => Promise<void> }> {
  const messages = [
    { role: 'system', content: 'You are a warm companion. '.repeat(150) },
    { role: 'user', content: 'How was your day? I had a long one and I am a bit tired.' },
  ];
  const body = JSON.stringify({ model: 'bench-model', messages, stream: true });
  const nothing = () => Promise.resolve();
  switch (name) {
    case 'http': {
      const http = await import('node:http');
      const agent = new http.Agent({ keepAlive: true });
      const op: Operation = () =>
        new Promise((done, fail) => {
          const req = http.request(`${modelUrl}/chat/completions`, {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          });
          req.once('error', fail);
          req.once('response', (res) => {
            let bytes = 0;
            res.on('data', (c: Buffer) => (bytes += c.length));
            res.once('end', () => done(bytes));
          });
          req.end(body);
        });
      return {
        op,
        close: () => {
          agent.destroy();
          return Promise.resolve();
        },
      };
    }
    case 'fetch': {
      const { createNodeFetch } = await import('../src/common/http-fetch.js');
      const fetch = createNodeFetch();
      const op: Operation = async () => {
        const res = await fetch(`${modelUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        let bytes = 0;
        for await (const c of res.body as unknown as AsyncIterable<Buffer>) bytes += c.length;
        return bytes;
      };
      return { op, close: nothing };
    }
    case 'openai': {
      const client = await modelClient(modelUrl);
      const { abortedBy } = await import('../src/common/http-fetch.js');
      const op: Operation = async () => {
        const abort = new AbortController();
        const stream = await client.chat.completions.create(
          { model: 'bench-model', messages: messages as never, stream: true },
          { fetchOptions: abortedBy(abort.signal) },
        );
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        return text;
      };
      return { op, close: nothing };
    }
    case 'openai-response': {
      const client = await modelClient(modelUrl);
      const { abortedBy } = await import('../src/common/http-fetch.js');
      const { serverSentEvents } = await import('../src/llm/sse.js');
      const op: Operation = async () => {
        const abort = new AbortController();
        const res = await client.chat.completions
          .create(
            { model: 'bench-model', messages: messages as never, stream: true },
            { fetchOptions: abortedBy(abort.signal) },
          )
          .asResponse();
        let text = '';
        for await (const sse of serverSentEvents(res.body!)) {
          if (sse.data === '[DONE]') continue;
          const chunk = JSON.parse(sse.data) as {
            choices: Array<{ delta?: { content?: string } }>;
          };
          text += chunk.choices[0]?.delta?.content ?? '';
        }
        return text;
      };
      return { op, close: nothing };
    }
    case 'openai-request': {
      const client = await modelClient(modelUrl);
      const { streamChatCompletion } = await import('../src/llm/chat-completion-stream.js');
      const op: Operation = async () => {
        const body = { model: 'bench-model', messages: messages as never, stream: true as const };
        let text = '';
        for await (const chunk of streamChatCompletion(client, body, {})) {
          text += chunk.choices[0]?.delta?.content ?? '';
        }
        return text;
      };
      return { op, close: nothing };
    }
    case 'pg': {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: PG_URL, max: 10 });
      const table = `bench_promotion_${process.pid}`;
      await pool.query(
        `CREATE TABLE ${table} (id bigserial PRIMARY KEY, content text, at timestamptz DEFAULT now())`,
      );
      const op: Operation = () =>
        pool.query({
          name: 'insert',
          text: `INSERT INTO ${table} (content) VALUES ($1) RETURNING *`,
          values: [messages[1].content],
        });
      const close = async () => {
        await pool.query(`DROP TABLE ${table}`);
        await pool.end();
      };
      return { op, close };
    }
    case 'pg-read':
    case 'pg-read-callbacks': {
      const { default: pg } = await import('pg');
      if (name === 'pg-read-callbacks') {
        const { installPgQueryCallbacks } = await import('../src/database/pg-query-callbacks.js');
        installPgQueryCallbacks();
      }
      const pool = new pg.Pool({ connectionString: PG_URL, max: 10 });
      const op: Operation = async () => {
        const client = await pool.connect();
        try {
          const read = await client.query({
            name: 'read',
            text: `SELECT g AS id, repeat($1, 4) AS content, now() AS at FROM generate_series(1, 50) g`,
            values: [messages[1].content],
          });
          return read.rows.length;
        } finally {
          client.release();
        }
      };
      return { op, close: () => pool.end() };
    }
    case 'socketio': {
      const { createServer } = await import('node:http');
      const { Server } = await import('socket.io');
      const { io } = await import('socket.io-client');
      const httpServer = createServer();
      const server = new Server(httpServer);
      httpServer.listen(0, '127.0.0.1');
      await once(httpServer, 'listening');
      const { port } = httpServer.address() as { port: number };
      server.on('connection', (socket) =>
        socket.on('message:send', (_payload: unknown, ack: (a: object) => void) => {
          ack({ messageId: 'm'.repeat(36), seq: 1, duplicate: false });
          for (let i = 0; i < 4; i++) {
            socket.emit('reply:delta', { replyId: 'r'.repeat(36), text: 'Sure, I am here.' });
          }
        }),
      );
      const clients = await Promise.all(
        Array.from({ length: 100 }, async () => {
          const c = io(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
          await new Promise((connected) => c.once('connect', () => connected(undefined)));
          return c;
        }),
      );
      let k = 0;
      const op: Operation = () =>
        new Promise((done) =>
          clients[k++ % clients.length].emit(
            'message:send',
            { clientMsgId: `c${k}`, text: messages[1].content },
            done,
          ),
        );
      const close = async () => {
        for (const c of clients) c.close();
        await server.close();
      };
      return { op, close };
    }
    case 'redis': {
      const { Redis } = await import('ioredis');
      const { RateWindow } = await import('../src/common/rate-window.js');
      const redis = new Redis(REDIS_URL);
      // Its keys expire by themselves two windows after their first take.
      const window = new RateWindow(redis, `bench-promotion-${process.pid}:rl`, 1_000_000, 60_000);
      let n = 0;
      const op: Operation = () => window.take(`user-${n++ % 100}`);
      return { op, close: () => redis.quit().then(() => undefined) };
    }
    case 'closure-property':
    case 'closure-local': {
      const later = () => new Promise((done) => setImmediate(done));
      const op: Operation = async () => {
        const kept = { rows: new Array(2000).fill(0) };
        const holder: { f?: () => unknown; fs?: Array<() => unknown> } = {};
        if (name === 'closure-property') holder.f = () => kept;
        else holder.fs = [() => kept];
        await later();
        return holder;
      };
      return { op, close: nothing };
    }
  }
}

/** In the child: runs the case at the rate, marks the end of the warm-up, prints what it did. */
async function runChild(name: Case, modelUrl: string): Promise<void> {
  const { op, close } = await setUp(name, modelUrl);
  const start = performance.now();
  let sent = 0;
  let done = 0;
  let failed = 0;
  let marked = false;
  let measured = 0;
  await new Promise<void>((finish) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      if (!marked && elapsed >= WARMUP) {
        marked = true;
        measured = done;
        process.stdout.write('PROMOTION-MARK\n');
      }
      if (elapsed >= WARMUP + SECONDS) {
        clearInterval(timer);
        finish();
        return;
      }
      const due = Math.floor(elapsed * RATE);
      while (sent < due) {
        sent++;
        op().then(
          () => done++,
          () => failed++,
        );
      }
    }, 2);
  });
  const ops = done - measured;
  await new Promise((r) => setTimeout(r, 200));
  await close();
  process.stdout.write(`PROMOTION-DONE ${JSON.stringify({ ops, failed })}\n`);
  process.exit(0);
}

interface CaseResult {
  case: Case;
  ops: number;
  failed: number;
  scavenges: number;
  majors: number;
  promotedKBPerScavenge: number;
  promotedKBPerOp: number;
  allocatedKBPerOp: number;
}

/** Sums the young collections after the mark in a child's --trace-gc-nvp output. */
function summarise(name: Case, output: string): CaseResult {
  const after = output.split('PROMOTION-MARK\n')[1] ?? '';
  const done = /PROMOTION-DONE (\{.*\})/.exec(after);
  if (!done) throw new Error(`the ${name} case did not finish:\n${output.slice(-2000)}`);
  const { ops, failed } = JSON.parse(done[1]) as { ops: number; failed: number };
  let scavenges = 0;
  let majors = 0;
  let promoted = 0;
  let allocated = 0;
  for (const line of after.split('\n')) {
    const kind = / gc=(\w+)/.exec(line)?.[1];
    if (kind === 's') {
      scavenges++;
      promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
      allocated += Number(/ allocated=(\d+)/.exec(line)?.[1] ?? 0);
    } else if (kind === 'mc') majors++;
  }
  const kb = (bytes: number, per: number) =>
    per ? Math.round((bytes / 1024 / per) * 100) / 100 : 0;
  return {
    case: name,
    ops,
    failed,
    scavenges,
    majors,
    promotedKBPerScavenge: kb(promoted, scavenges),
    promotedKBPerOp: kb(promoted, ops),
    allocatedKBPerOp: kb(allocated, ops),
  };
}

async function runCase(name: Case, modelUrl: string): Promise<CaseResult> {
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--child', name, '--model', modelUrl, ...['--rate', String(RATE)]].concat([
      '--seconds',
      String(SECONDS),
      '--warmup',
      String(WARMUP),
    ]),
    {
      cwd: root,
      execArgv: [
        '--trace-gc-nvp',
        '--max-semi-space-size=16',
        '--import',
        './scripts/ts-hooks.mjs',
      ],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the ${name} case exited with ${code}:\n${output.slice(-2000)}`);
  return summarise(name, output);
}

async function startModel(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(resolve(root, 'bench/chat-model-server.ts'), [], {
    cwd: root,
    execArgv: ['--import', './scripts/ts-hooks.mjs'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let buffered = '';
  const url = await new Promise<string>((found, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(buffered);
      if (m) found(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`the model stand-in exited (${code})`)));
  });
  return { url, child };
}

if (values.child) {
  await runChild(values.child as Case, values.model ?? '');
} else {
  const wanted = values.case.split(',').map((c) => c.trim());
  const unknown = wanted.filter((c) => !(CASES as readonly string[]).includes(c));
  if (unknown.length)
    throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${CASES.join(', ')}`);
  const model = await startModel();
  try {
    const results: CaseResult[] = [];
    for (const name of wanted as Case[]) {
      const result = await runCase(name, model.url);
      results.push(result);
      process.stdout.write(`${JSON.stringify({ phase: 'case', rate: RATE, ...result })}\n`);
    }
    const base = results.find((r) => r.case === 'http');
    if (base && base.promotedKBPerOp > 0) {
      const overBaseline = Object.fromEntries(
        results.map((r) => [
          r.case,
          Math.round((r.promotedKBPerOp / base.promotedKBPerOp) * 10) / 10,
        ]),
      );
      process.stdout.write(
        `${JSON.stringify({ phase: 'summary', promotedPerOpOverHttp: overBaseline })}\n`,
      );
    }
  } finally {
    model.child.kill('SIGTERM');
  }
}

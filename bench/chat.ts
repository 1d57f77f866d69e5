/**
 * npm run bench:chat [-- --clients 50 --messages 20 --rounds 3 --open-seconds 12 --open-rounds 3
 *                       --idle 10000
 *                       --roles split|all --heap deployment|node --server built|sources --keep]
 *
 * Two servers under the same load in the same run, against the same stand-in model that answers
 * at once: the service (bench/chat-server.ts) and its floor (bench/chat-floor-server.ts, the least
 * server that does the same text turn with the same guarantees). Each runs as its own process on
 * one scratch Postgres database (the floor in tables of its own) and Redis, configured as in
 * production; the clients run here, the stand-in in a process of its own
 * (bench/chat-model-server.ts) so that its work does not delay the clients' sends.
 *
 * 1. Closed loop (throughput): N socket clients each send M text messages, one after another
 *    (next after the reply ends). Prints messages (turns) per second, ack latency p50/p99 (client
 *    side) and the server's own time from receiving a message to sending the model request,
 *    p50/p99 (from its JSON log lines with `ingestToUpstreamMs`). Rounds alternate the order
 *    (floor, full, full, floor, ...). Before each phase the server measured gets the machine to
 *    itself: the other is left to finish its work and then stopped (SIGSTOP) until its own turn,
 *    so nothing it deferred (jobs, timers) runs meanwhile; the one measured is resumed, left to
 *    settle and warmed up with one untimed message per client. The summary takes each metric's
 *    median over the rounds and prints the full/floor ratios against the targets (turns/s at
 *    least 0.5x the floor's, ack p99 at most 2x).
 * 2. Open loop: messages arrive on a fixed schedule at half the service's closed-loop capacity
 *    (or --open-rate), whatever the replies do, for --open-seconds, once the service's worker has
 *    done the jobs the closed loop left (printed as `jobs-drained`); each goes to a client whose
 *    previous reply has ended (a fresh conversation when none is free, counted as overflow).
 *    The loop's clients each send one untimed first message before it starts (a new user's
 *    first turn is the closed loop's to measure), and this process collects its garbage first.
 *    Prints ack, turn and receipt-to-model-request p50/p99 for that phase (target: receipt to
 *    model request p99 under 20 ms), with `machineStalls`: how late a separate idle process's
 *    2 ms timer ran meanwhile (pauses of the whole machine, which delay either server's turns;
 *    the probe starts 0.4 s before the schedule, so that its own start is not in the loop),
 *    and `serverGc`: the service's garbage collections during the loop by kind, [count, ms of
 *    pause] (from its /metrics; a major one brings a few slow turns with it), and
 *    `serverLoopLateMaxMs`: how late its event loop ran at worst in the loop (a slow round whose
 *    gateway never ran late waited outside it: PostgreSQL, Redis, a core). For the service it
 *    also prints the two parts of receipt to model request from its log lines: `ingestToStoredMs`
 *    (receipt to the message stored: the rate limit's round trip and the insert with its commit)
 *    and `startToUpstreamMs` (the turn's stages, from its start to the model request). The
 *    floor then runs the same schedule for comparison. --open-rounds (default 3) runs both that
 *    many times, alternating the order (full, floor, floor, full, ...), each round with new
 *    users; the summary takes each metric's median over the rounds and lists each round's p99
 *    (one loop is 12 s on a shared machine: another program's burst or a major collection in it
 *    moves its p99 and not its neighbours').
 * 3. Idle connections: opens K authenticated connections that do nothing and prints each
 *    server's heap and RSS per connection (after forced garbage collection).
 *
 * Every phase also prints where the CPU went: the server's and Postgres's CPU time per turn, and
 * the cores kept busy by the server, Postgres, this process, and the rest of the machine
 * (`otherCores`: the model stand-in, Redis, the kernel and anything else running; when it is
 * high the figures are noisy). `foreignCoresMax` is the busiest quarter second of CPU outside
 * the bench, Postgres and Redis (the kernel's own work included; another program's burst takes a
 * core from the servers for as long), and `foreignTop` names the programs that used most of it.
 * `otherLogLines` counts the server's log lines besides its per-reply ones, a sign of
 * background work (the service's memory extraction runs a minute after a user's first turn of a
 * burst, or 30 s after a longer open loop ends: the open loop waits for it, a later closed-loop
 * round may meet it, as workerCpuMsPerTurn then shows; set MEMORY_EXTRACTION_DELAY_MS to move it).
 *
 * The service runs as production deploys it (--roles split, the default): a gateway process that
 * serves the sockets and streams turns, whose figures these are, beside a worker process that
 * runs the queued jobs (its CPU is printed as workerCpuMsPerTurn; it shares the machine).
 * --roles all runs both in one process, as the embedded mode does.
 * Every process gets its Deployment's V8 heap flags (NODE_OPTIONS in k8s/: the gateway's for the
 * gateway, the floor and --roles all, the worker's for the worker); --heap node leaves them out.
 * Both servers run the build (dist/, built first), as production does; --server sources runs the
 * TypeScript through scripts/ts-hooks.mjs instead.
 * --only floor|full runs one server alone; --skip-open and --skip-idle leave phases out;
 * --warmup sets the untimed messages per client each server gets once at the start; --keep leaves
 * the database in place afterwards (to look into its statements).
 * Environment: BENCH_PG_URL, BENCH_REDIS_URL, BENCH_SERVER_ARGS (extra node flags for both
 * servers), BENCH_SERVER_LOG (append each server's log lines to <this path>.full / .floor, e.g.
 * to read the stage timings of the slow turns), BENCH_HEAP_SNAPSHOT (a heap snapshot of the
 * service with the idle connections open).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { deploymentNodeFlags, imageNodeFlags } from '../src/deploy/node-heap.js';
import { QUEUE } from '../src/jobs/job-names.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    messages: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    only: { type: 'string', default: 'both' },
    'open-seconds': { type: 'string', default: '12' },
    'open-rate': { type: 'string' },
    'open-clients': { type: 'string', default: '100' },
    'open-rounds': { type: 'string', default: '3' },
    'skip-open': { type: 'boolean', default: false },
    idle: { type: 'string', default: '10000' },
    'skip-idle': { type: 'boolean', default: false },
    roles: { type: 'string', default: 'split' },
    heap: { type: 'string', default: 'deployment' },
    keep: { type: 'boolean', default: false },
    server: { type: 'string', default: 'built' },
  },
});
type Kind = 'floor' | 'full';
const KINDS: Kind[] =
  args.only === 'both'
    ? ['floor', 'full']
    : args.only === 'floor' || args.only === 'full'
      ? [args.only]
      : usage(`--only must be floor, full or both, not ${args.only}`);
const CLIENTS = positive('clients');
const MESSAGES = positive('messages');
const ROUNDS = positive('rounds');
const WARMUP = Number(args.warmup);
const OPEN_SECONDS = args['skip-open'] ? 0 : Number(args['open-seconds']);
const OPEN_RATE = args['open-rate'] === undefined ? null : positive('open-rate');
const OPEN_CLIENTS = positive('open-clients');
const OPEN_ROUNDS = positive('open-rounds');
const IDLE = args['skip-idle'] ? 0 : Number(args.idle);
/**
 * Memory extraction runs MEMORY_EXTRACTION_DELAY_MS (60 s) after a user's first turn of a burst.
 * The open loop's users all start together, so in a loop as long as that delay every user's
 * extraction would fall due in its last seconds at once, on the same two cores as the gateway
 * (in production the worker has nodes of its own, and users do not start in step): the delay is
 * kept past the end of the loop unless set in the environment.
 */
const EXTRACTION_DELAY_MS =
  process.env.MEMORY_EXTRACTION_DELAY_MS ?? String(Math.max(60_000, (OPEN_SECONDS + 30) * 1000));
const ROLES =
  args.roles === 'split' || args.roles === 'all'
    ? args.roles
    : usage(`--roles must be split or all, not ${args.roles}`);
if (args.heap !== 'deployment' && args.heap !== 'node') usage('--heap is deployment or node');
/**
 * Each process's node flags for its heap: its Deployment's NODE_OPTIONS in k8s/ (the floor and a
 * one-process service get the gateway's), or none with --heap node (Node's defaults here).
 */
const HEAP_FLAGS = args.heap === 'deployment' ? deploymentNodeFlags() : { gateway: [], worker: [] };
if (args.server !== 'built' && args.server !== 'sources') usage('--server is built or sources');
/**
 * Both servers run what production runs, the build (`npm run build` first), unless asked for the
 * sources: those carry the TypeScript transpiler and every module's kept source in the process,
 * a larger heap for each major collection to mark.
 */
const BUILT = args.server === 'built';
const PSEUDONYM_KEY = randomBytes(32).toString('hex');
const TURN_TIMEOUT_MS = 30_000;
/** The targets the service is held to, against its floor and in absolute terms. */
const TARGETS = { turnsPerSecRatioMin: 0.5, ackP99RatioMax: 2, openIngestToUpstreamP99MaxMs: 20 };
const SECRET = 'bench-secret-bench-secret-bench-secret-1234';
const MODEL = 'bench-model';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = resolve(import.meta.dirname, '..');
/** The image's own flags (its command's), for both servers as for the service's pods. */
const IMAGE_FLAGS = args.heap === 'deployment' ? imageNodeFlags(root) : [];
if (BUILT) execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });

function positive(name: keyof typeof args): number {
  const value = Number(args[name]);
  return Number.isFinite(value) && value > 0 ? value : usage(`--${name} must be a positive number`);
}
function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

/** What the service acks for `message:send` (protocol v1). */
type SendAck =
  | { ok: true; messageId: string; conversationId: string; seq: number; duplicate: boolean }
  | { ok: false; error: { code: string; message: string } };

interface RunningServer {
  kind: Kind;
  child: ChildProcess;
  url: string;
  /** Its stdout, line by line. */
  logs: string[];
  /** Stopped (SIGSTOP) while the other server is measured. */
  paused: boolean;
  /** The service's worker process (`--roles split`), paused and resumed with it. */
  worker: ChildProcess | null;
}

// ---------------------------------------------------------------------------------------------
// Set-up and clean-up: one scratch database (the service's migrations when it runs; the floor
// makes its own tables), one Redis prefix, the stand-in, the server processes.

const serverUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const runId = Date.now().toString(36);
const dbName = `companion_bench_${runId}`;
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const redisPrefix = `bench-${runId}`;
const redisPrefixes = [redisPrefix, `${redisPrefix}-floor`];
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const servers: RunningServer[] = [];
const children: ChildProcess[] = [];
const model = await startModel();
/** How long the stall probe runs before an open loop's schedule starts (stallProbe). */
const PROBE_LEAD_MS = 400;
/** The stall probes' processes (stallProbe), the bench's own as far as the CPU meter goes. */
const probePids = new Set<string>();

let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  return (cleaning ??= (async () => {
    await Promise.allSettled(children.map(stopProcess));
    if (args.keep) console.error(`kept the database ${dbName}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    for (const prefix of redisPrefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  })());
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a server: the floor, or the service. With `--roles split` (the default, as production
 * deploys it) the service is a gateway that serves the sockets and streams turns, beside a worker
 * process that runs its queued jobs (memory extraction, roll-ups); `--roles all` runs both in one
 * process. The worker is paused and resumed with its gateway, and its CPU is reported apart.
 */
async function startServer(kind: Kind): Promise<RunningServer> {
  const split = kind === 'full' && ROLES === 'split';
  const gateway = await launch(kind, split ? 'gateway' : 'all');
  const worker = split ? await launch(kind, 'worker') : null;
  return {
    kind,
    child: gateway.child,
    url: gateway.url,
    logs: gateway.logs,
    paused: false,
    worker: worker?.child ?? null,
  };
}

/** The model stand-in in a process of its own (bench/chat-model-server.ts). */
function startModel(): Promise<{ url: string; pid: number | undefined }> {
  const script = BUILT ? 'dist/bench/chat-model-server.js' : 'bench/chat-model-server.ts';
  const child = fork(resolve(root, script), [], {
    cwd: root,
    execArgv: BUILT ? [] : ['--import', './scripts/ts-hooks.mjs'],
    env: { ...process.env, MODEL },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolveModel, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(buffered);
      if (m) resolveModel({ url: m[1], pid: child.pid });
    });
    child.once('exit', (code) => reject(new Error(`the model stand-in exited (${code})`)));
  });
}

function launch(
  kind: Kind,
  role: 'gateway' | 'worker' | 'all',
): Promise<{ child: ChildProcess; url: string; logs: string[] }> {
  const name = kind === 'full' ? 'chat-server' : 'chat-floor-server';
  const script = BUILT ? `dist/bench/${name}.js` : `bench/${name}.ts`;
  const label = role === 'worker' ? `${kind}-worker` : kind;
  const child = fork(resolve(root, script), [], {
    cwd: root,
    execArgv: [
      '--expose-gc',
      ...IMAGE_FLAGS,
      ...HEAP_FLAGS[role === 'worker' ? 'worker' : 'gateway'],
      ...(BUILT ? [] : ['--import', './scripts/ts-hooks.mjs']),
      ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    env: {
      ...process.env,
      ROLE: role,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl.href,
      DATABASE_POOL_SIZE: '20',
      REDIS_URL,
      REDIS_PREFIX: kind === 'full' ? redisPrefix : `${redisPrefix}-floor`,
      LLM_BASE_URL: model.url,
      LLM_MODEL: MODEL,
      JWT_SECRET: SECRET,
      JWT_ISSUER: 'chat-bench',
      JWT_AUDIENCE: 'companion',
      // Production requires the analytics key; the bench's own, never a real one.
      ANALYTICS_PSEUDONYM_KEY: PSEUDONYM_KEY,
      RATE_LIMIT_PER_MINUTE: '100000',
      MEMORY_EXTRACTION_DELAY_MS: EXTRACTION_DELAY_MS,
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  children.push(child);
  const logs: string[] = [];
  return new Promise((resolveServer, reject) => {
    let buffered = '';
    let started = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      if (process.env.BENCH_SERVER_LOG) {
        appendFileSync(
          `${process.env.BENCH_SERVER_LOG}.${label}`,
          lines.map((l) => `${l}\n`).join(''),
        );
      }
      for (const line of lines) {
        logs.push(line);
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)","instanceId"/.exec(line);
        if (m && !started) {
          started = true;
          clearTimeout(timer);
          resolveServer({ child, url: m[1], logs });
        }
      }
    });
    const timer = setTimeout(() => reject(new Error(`${label} server did not start`)), 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!started)
        reject(new Error(`${label} server exited (${code ?? signal}) before listening`));
      else if (!cleaning) console.error(`${label} server exited (${code ?? signal})`);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Clients.

interface Client {
  socket: Socket;
  /** The conversation this client continues (set by its first ack). */
  conversationId?: string;
  /** Turns waiting for their reply to end, by conversation. */
  waiting: Map<string, () => void>;
  /** Replies that ended before their message's ack came back. */
  endedEarly: Set<string>;
}

const token = (user: string) =>
  jwt.sign({}, SECRET, {
    subject: user,
    expiresIn: '1h',
    issuer: 'chat-bench',
    audience: 'companion',
  });

/** A refusal with `unavailable` asks the app to reconnect: the bench does, as the app would. */
async function connect(url: string, user: string): Promise<Socket> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(url, user);
    } catch (e) {
      const code = (e as { data?: { code?: unknown } }).data?.code;
      if (code !== 'unavailable' || attempt >= 5) throw e;
      await sleep(200 * attempt);
    }
  }
}

function connectOnce(url: string, user: string): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = io(`${url}/chat`, {
      auth: { token: token(user) },
      transports: ['websocket'],
      reconnection: false,
    });
    s.once('connect', () => res(s));
    s.once('connect_error', (e) => {
      s.close();
      rej(e);
    });
  });
}

async function connectClients(url: string, users: string[]): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < users.length; i += 250) {
    const sockets = await Promise.all(users.slice(i, i + 250).map((u) => connect(url, u)));
    for (const socket of sockets) {
      const client: Client = { socket, waiting: new Map(), endedEarly: new Set() };
      socket.on('reply:end', (event: { message: { conversationId: string } }) => {
        const id = event.message.conversationId;
        const done = client.waiting.get(id);
        if (done) {
          client.waiting.delete(id);
          done();
        } else client.endedEarly.add(id);
      });
      clients.push(client);
    }
  }
  return clients;
}

function closeClients(clients: Client[]): void {
  for (const c of clients) c.socket.close();
}

/** One turn: send, wait for the ack, then for the reply to end. */
async function turn(
  client: Client,
  clientMsgId: string,
  conversationId: string | undefined,
): Promise<{ ackMs: number; turnMs: number; conversationId: string }> {
  const sent = performance.now();
  const ack = (await client.socket.timeout(TURN_TIMEOUT_MS).emitWithAck('message:send', {
    clientMsgId,
    conversationId,
    text: 'How was your day? I had a long one and I am a bit tired.',
  })) as SendAck;
  const ackMs = performance.now() - sent;
  if (!ack.ok) throw new Error(`refused: ${JSON.stringify(ack.error)}`);
  const id = ack.conversationId;
  if (!client.endedEarly.delete(id)) {
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => {
        client.waiting.delete(id);
        rej(new Error(`no reply:end within ${TURN_TIMEOUT_MS} ms`));
      }, TURN_TIMEOUT_MS);
      client.waiting.set(id, () => (clearTimeout(timer), res()));
    });
  }
  return { ackMs, turnMs: performance.now() - sent, conversationId: id };
}

// ---------------------------------------------------------------------------------------------
// Measurements.

const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function otherLogLines(server: RunningServer, from: number): number {
  return server.logs.slice(from).filter((l) => !l.includes('"ingestToUpstreamMs"')).length;
}

function ingestSamples(server: RunningServer, from: number): number[] {
  return logSamples(server, from, 'ingestToUpstreamMs');
}

/** A number field's values in the server's log lines from `from` on (lines without it skipped). */
function logSamples(server: RunningServer, from: number, field: string): number[] {
  const re = new RegExp(`"${field}":(\\d+(?:\\.\\d+)?)`);
  return server.logs
    .slice(from)
    .map((l) => re.exec(l)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
}

/**
 * The phase's samples (log lines from `from` on) once `expected` have arrived, or none came for
 * 500 ms (a reply the service started without a receipt time logs none), or 3 s passed.
 */
async function awaitSamples(server: RunningServer, from: number, expected: number) {
  const deadline = Date.now() + 3000;
  let samples = ingestSamples(server, from);
  let lastGrowth = Date.now();
  while (samples.length < expected && Date.now() < deadline && Date.now() - lastGrowth < 500) {
    await sleep(50);
    const now = ingestSamples(server, from);
    if (now.length > samples.length) lastGrowth = Date.now();
    samples = now;
  }
  return samples;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICK_MS = 10;

/**
 * A process's name and CPU time (user + system) so far, in clock ticks, from /proc/<pid>/stat;
 * null when it is gone or off Linux. Kernel workers, whose name changes with the work they are
 * doing, go by one name.
 */
function processStat(pid: number | string | undefined): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close).replace(/^kworker\/.*/, 'kworker');
    const fields = stat.slice(close + 2).split(' ');
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** CPU time (user + system) of a process so far, in clock ticks; 0 off Linux. */
function cpuTicks(pid: number | undefined): number {
  return processStat(pid)?.ticks ?? 0;
}

/** Every visible process's name and CPU ticks so far, by pid (empty when /proc is not there). */
function processTicks(): Map<string, { comm: string; ticks: number }> {
  const all = new Map<string, { comm: string; ticks: number }>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return all;
  }
  for (const pid of entries) {
    const stat = processStat(pid);
    if (stat) all.set(pid, stat);
  }
  return all;
}

/** Busy and I/O-wait clock ticks of the whole machine so far (/proc/stat), summed over CPUs. */
function machineTicks(): { busy: number; iowait: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).map(Number);
    // cpu user nice system idle iowait irq softirq steal
    const [user, nice, system, iowait, irq, softirq, steal] = [1, 2, 3, 5, 6, 7, 8].map(
      (i) => cpu[i],
    );
    return { busy: user + nice + system + irq + softirq + steal, iowait };
  } catch {
    return { busy: 0, iowait: 0 };
  }
}

/**
 * Where the CPU went during a phase: the server's and Postgres's CPU time per turn, and the cores
 * kept busy by the server, Postgres, this process (clients), the whole machine, and what is left
 * (`otherCores`: the model stand-in, Redis, the kernel, anything else on the host). Every process
 * is sampled every 250 ms, so that backends that exit during the phase still count, and so that a
 * burst of CPU outside the bench shows: `foreignCoresMax` is the busiest 250 ms of CPU outside the
 * bench's own processes, Postgres and Redis, in cores (1 means a whole core taken from the
 * servers for a quarter second), and `foreignTop` names the processes that took most of it over
 * the phase (ms of CPU).
 */
function cpuMeter(server: RunningServer) {
  const server0 = cpuTicks(server.child.pid);
  const worker0 = cpuTicks(server.worker?.pid);
  const machine0 = machineTicks();
  const bench0 = process.cpuUsage();
  const t0 = performance.now();
  const ours = new Set([process.pid, server.child.pid, server.worker?.pid, model.pid].map(String));
  const ownServices = new Set(['postgres', 'redis-server']);
  let last = { at: t0, machine: machine0.busy, procs: processTicks() };
  let pgSum = 0;
  let foreignMax = 0;
  const foreignByName = new Map<string, number>();
  const sample = () => {
    const now = { at: performance.now(), machine: machineTicks().busy, procs: processTicks() };
    let known = 0;
    for (const [pid, { comm, ticks }] of now.procs) {
      // A process that started within the window counts from zero.
      const used = ticks - (last.procs.get(pid)?.ticks ?? 0);
      if (used <= 0) continue;
      if (comm === 'postgres') pgSum += used;
      if (ours.has(pid) || probePids.has(pid) || ownServices.has(comm)) known += used;
      else foreignByName.set(comm, (foreignByName.get(comm) ?? 0) + used);
    }
    const windowMs = now.at - last.at;
    if (windowMs > 100) {
      const foreign = (now.machine - last.machine - known) * TICK_MS;
      foreignMax = Math.max(foreignMax, foreign / windowMs);
    }
    last = now;
  };
  const sampler = setInterval(sample, 250);
  return (turns: number) => {
    clearInterval(sampler);
    sample();
    const wallMs = performance.now() - t0;
    const serverMs = (cpuTicks(server.child.pid) - server0) * TICK_MS;
    const workerMs = (cpuTicks(server.worker?.pid) - worker0) * TICK_MS;
    const machine = machineTicks();
    const benchMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(bench0));
    const pgMs = pgSum * TICK_MS;
    const machineMs = (machine.busy - machine0.busy) * TICK_MS;
    const foreignTop = Object.fromEntries(
      [...foreignByName]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([name, ticks]) => [name, ticks * TICK_MS]),
    );
    return {
      serverCpuMsPerTurn: round(serverMs / turns),
      ...(server.worker ? { workerCpuMsPerTurn: round(workerMs / turns) } : {}),
      postgresCpuMsPerTurn: round(pgMs / turns),
      serverCores: round(serverMs / wallMs),
      postgresCores: round(pgMs / wallMs),
      benchCores: round(benchMs / wallMs),
      machineBusyCores: round(machineMs / wallMs),
      otherCores: round((machineMs - serverMs - workerMs - pgMs - benchMs) / wallMs),
      machineIowaitCores: round(((machine.iowait - machine0.iowait) * TICK_MS) / wallMs),
      foreignCoresMax: round(foreignMax),
      foreignTop,
    };
  };
}

/**
 * Waits until the given processes are quiet (at most 2 clock ticks, about 20 ms of CPU, in each
 * of two 250 ms windows), so work a server deferred (jobs, timers, garbage collection) is not
 * billed to the next phase. Gives up after 10 s.
 */
async function settle(running: RunningServer[]): Promise<void> {
  const total = () =>
    running.reduce((sum, s) => sum + cpuTicks(s.child.pid) + cpuTicks(s.worker?.pid), 0);
  const deadline = Date.now() + 10_000;
  let quiet = 0;
  let last = total();
  while (quiet < 2 && Date.now() < deadline) {
    await sleep(250);
    const now = total();
    quiet = now - last <= 2 ? quiet + 1 : 0;
    last = now;
  }
}

/**
 * Waits until no job the closed loop left is due before the open loop ends (the schedulers' own
 * runs aside), so that after-turn work (memory extraction runs a minute after a user's first
 * turn of a burst, 50 users at once) is done before the open loop starts instead of landing in
 * it: the open loop measures the turn at half the capacity, not the machine digesting a backlog
 * of three rounds at full load. In production the worker has its own nodes. Jobs due later (the
 * analytics roll-up, ten minutes after a user's turn) stay. Gives up after 3 minutes.
 */
async function drainJobs(server: RunningServer): Promise<{ seconds: number; left: number }> {
  const started = Date.now();
  for (const other of servers) if (other !== server) setPaused(other, true);
  setPaused(server, false);
  const redis = new Redis(REDIS_URL);
  const key = `${redisPrefix}:bull:${QUEUE}`;
  const pending = async () => {
    // A delayed job's score is its due time in ms x 0x1000 (plus a counter).
    const horizon = (Date.now() + OPEN_SECONDS * 1000 + 30_000) * 0x1000;
    const [wait, active, prioritized, due] = await Promise.all([
      redis.llen(`${key}:wait`),
      redis.llen(`${key}:active`),
      redis.zcard(`${key}:prioritized`),
      redis.zrangebyscore(`${key}:delayed`, '-inf', horizon),
    ]);
    return wait + active + prioritized + due.filter((id) => !id.startsWith('repeat:')).length;
  };
  let left = await pending();
  try {
    while (left > 0 && Date.now() - started < 180_000) {
      await sleep(1000);
      left = await pending();
    }
  } finally {
    redis.disconnect();
  }
  return { seconds: round((Date.now() - started) / 1000), left };
}

function setPaused(server: RunningServer, paused: boolean): void {
  if (server.paused === paused) return;
  server.child.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  server.worker?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  server.paused = paused;
}

/**
 * Gives the machine to one server before it is measured: the others finish what they were doing
 * and are stopped (so nothing they deferred, such as jobs, runs during this server's phase); this
 * one is resumed, catches up on its timers, and is warmed up again (its database pool shrinks
 * after 10 s idle) with one untimed message per client.
 */
async function focus(server: RunningServer): Promise<void> {
  await settle(servers.filter((s) => !s.paused));
  for (const other of servers) if (other !== server) setPaused(other, true);
  setPaused(server, false);
  await settle([server]);
  await closedLoop(server, `${server.kind}-rewarm-${++rewarms}`, CLIENTS, 1);
}
let rewarms = 0;

interface ClosedResult {
  messages: number;
  seconds: number;
  messagesPerSec: number;
  ackMsP50: number;
  ackMsP99: number;
  ingestToUpstreamMsP50: number;
  ingestToUpstreamMsP99: number;
  upstreamSamples: number;
  serverCpuMsPerTurn: number;
  /** The service's worker process, with `--roles split`. */
  workerCpuMsPerTurn?: number;
  postgresCpuMsPerTurn: number;
  serverCores: number;
  postgresCores: number;
  benchCores: number;
  machineBusyCores: number;
  otherCores: number;
  machineIowaitCores: number;
  foreignCoresMax: number;
  foreignTop: Record<string, number>;
  /** Log lines of the server during the phase other than its per-reply lines (background work). */
  otherLogLines: number;
}

/** Closed loop: every client sends its messages one after another, each after the last reply. */
async function closedLoop(
  server: RunningServer,
  tag: string,
  clientCount: number,
  messages: number,
): Promise<ClosedResult> {
  const clients = await connectClients(
    server.url,
    Array.from({ length: clientCount }, (_, i) => `bench-${tag}-${i}`),
  );
  const from = server.logs.length;
  const ackMs: number[] = [];
  const cpu = cpuMeter(server);
  const t0 = performance.now();
  try {
    await Promise.all(
      clients.map(async (client, i) => {
        for (let m = 0; m < messages; m++) {
          const r = await turn(client, `${tag}-${i}-${m}`, client.conversationId);
          ackMs.push(r.ackMs);
          client.conversationId = r.conversationId;
        }
      }),
    );
  } finally {
    closeClients(clients);
  }
  const seconds = (performance.now() - t0) / 1000;
  const total = clientCount * messages;
  const usage = cpu(total);
  const upstream = await awaitSamples(server, from, total);
  return {
    messages: total,
    seconds: round(seconds),
    messagesPerSec: round(total / seconds, 1),
    ackMsP50: round(pct(ackMs, 50)),
    ackMsP99: round(pct(ackMs, 99)),
    ingestToUpstreamMsP50: pct(upstream, 50),
    ingestToUpstreamMsP99: pct(upstream, 99),
    upstreamSamples: upstream.length,
    ...usage,
    otherLogLines: otherLogLines(server, from),
  };
}

/**
 * Open loop: `rate` messages per second on a fixed schedule for `seconds`, whatever the replies
 * do. Each message goes to a client whose last reply has ended, continuing its conversation;
 * when none is free, to a busy client in a fresh conversation (counted as `overflow`).
 */
async function openLoop(server: RunningServer, tag: string, rate: number, seconds: number) {
  const clients = await connectClients(
    server.url,
    Array.from({ length: OPEN_CLIENTS }, (_, i) => `bench-${tag}-${i}`),
  );
  // Each client's first message, untimed: the loop measures the turns of users already in a
  // conversation at a steady rate, not fifty new users' first turns all in its first second
  // (which the closed loop measures). Then a moment for what their first turns left behind.
  await Promise.all(
    clients.map(async (client, i) => {
      client.conversationId = (await turn(client, `${tag}-first-${i}`, undefined)).conversationId;
    }),
  );
  await sleep(1000);
  const free = [...clients];
  const from = server.logs.length;
  const total = Math.max(1, Math.round(rate * seconds));
  const intervalMs = 1000 / rate;
  const ackMs: number[] = [];
  const turnMs: number[] = [];
  const errors: string[] = [];
  const turns: Promise<void>[] = [];
  let overflow = 0;
  let maxLagMs = 0;
  // This process sends on the schedule: its own collection in the middle of the loop would
  // bunch the sends (it runs with --expose-gc and young space to spare: package.json).
  (globalThis as { gc?: () => void }).gc?.();
  // The stall probe is a process of its own: it starts, and the machine settles from its start
  // and from that collection, before the schedule does (both took a core for a tenth of a second
  // and slowed the loop's first turns, of either server).
  const probe = stallProbe(seconds + PROBE_LEAD_MS / 1000);
  await probe.ready;
  await sleep(PROBE_LEAD_MS);
  const gc0 = await serverMetrics(server.url);
  const cpu = cpuMeter(server);
  const stalls = probe.result;

  const fire = (k: number, lagMs: number) => {
    maxLagMs = Math.max(maxLagMs, lagMs);
    const own = free.shift();
    const client = own ?? clients[k % clients.length];
    if (!own) overflow++;
    turns.push(
      turn(client, `${tag}-${k}`, own ? client.conversationId : undefined).then(
        (r) => {
          ackMs.push(r.ackMs);
          turnMs.push(r.turnMs);
          if (own) {
            client.conversationId = r.conversationId;
            free.push(client);
          }
        },
        // A client whose turn failed may still have a reply in flight: it is not used again.
        (e: unknown) => void errors.push(String(e)),
      ),
    );
  };

  const t0 = performance.now();
  let k = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (k < total && t0 + k * intervalMs <= now) {
        fire(k, now - (t0 + k * intervalMs));
        k++;
      }
      if (k >= total) return done();
      setTimeout(tick, Math.max(0, t0 + k * intervalMs - performance.now()));
    };
    tick();
  });
  const sendSeconds = (performance.now() - t0) / 1000;
  await Promise.all(turns);
  const usage = cpu(total);
  const metrics = await serverMetrics(server.url);
  const serverGc = gcBetween(gc0?.gc ?? null, metrics?.gc ?? null);
  closeClients(clients);
  const upstream = await awaitSamples(server, from, ackMs.length);
  const p99 = pct(upstream, 99);
  // The service's split of it: receipt to the message stored (rate limit, insert, commit), and
  // the turn's start to the model request (the stages). The floor logs neither.
  const stored = logSamples(server, from, 'ingestToStoredMs');
  const stages = logSamples(server, from, 'startToUpstreamMs');
  return {
    targetRate: round(rate, 1),
    machineStalls: await stalls,
    ...(serverGc ? { serverGc } : {}),
    ...(metrics?.loopLateMaxMs !== undefined ? { serverLoopLateMaxMs: metrics.loopLateMaxMs } : {}),
    seconds: round(sendSeconds),
    sent: total,
    sentPerSec: round(total / sendSeconds, 1),
    completed: turnMs.length,
    failed: errors.length,
    ...(errors.length ? { firstError: errors[0] } : {}),
    overflow,
    maxSendLagMs: round(maxLagMs),
    ackMsP50: round(pct(ackMs, 50)),
    ackMsP99: round(pct(ackMs, 99)),
    turnMsP50: round(pct(turnMs, 50)),
    turnMsP99: round(pct(turnMs, 99)),
    ingestToUpstreamMsP50: pct(upstream, 50),
    ingestToUpstreamMsP99: p99,
    ...(stored.length
      ? {
          ingestToStoredMsP50: pct(stored, 50),
          ingestToStoredMsP99: pct(stored, 99),
          startToUpstreamMsP99: pct(stages, 99),
        }
      : {}),
    upstreamSamples: upstream.length,
    ingestToUpstreamP99UnderTarget: p99 < TARGETS.openIngestToUpstreamP99MaxMs,
    ...usage,
    otherLogLines: otherLogLines(server, from),
  };
}

/**
 * From the server's /metrics (prom-client's default metrics); null for a server without them
 * (the floor):
 * - `gc`: its garbage collections so far, by kind (major, minor, incremental, weakcb), from
 *   `nodejs_gc_duration_seconds`;
 * - `loopLateMaxMs`: how late its event loop ran at worst since the previous reading (each
 *   scrape resets the histogram), from `nodejs_eventloop_lag_max_seconds`, the longest gap
 *   between two runs of a 10 ms timer, less those 10 ms.
 */
async function serverMetrics(url: string): Promise<{
  gc: Map<string, { count: number; ms: number }>;
  loopLateMaxMs?: number;
} | null> {
  try {
    const text = await (await fetch(new URL('/metrics', url))).text();
    const lagMax = /^\w*nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
    const totals = new Map<string, { count: number; ms: number }>();
    for (const m of text.matchAll(
      /^\w*nodejs_gc_duration_seconds_(count|sum)\{kind="(\w+)"\} (\S+)$/gm,
    )) {
      const entry = totals.get(m[2]) ?? { count: 0, ms: 0 };
      if (m[1] === 'count') entry.count = Number(m[3]);
      else entry.ms = Number(m[3]) * 1000;
      totals.set(m[2], entry);
    }
    if (totals.size === 0) return null;
    return {
      gc: totals,
      ...(lagMax ? { loopLateMaxMs: round(Math.max(0, Number(lagMax[1]) * 1000 - 10), 1) } : {}),
    };
  } catch {
    return null;
  }
}

/** The collections between two serverMetrics readings: `{ major: [count, ms], ... }`. */
function gcBetween(
  before: Map<string, { count: number; ms: number }> | null,
  after: Map<string, { count: number; ms: number }> | null,
): Record<string, [number, number]> | undefined {
  if (!before || !after) return undefined;
  return Object.fromEntries(
    [...after].map(([kind, a]) => {
      const b = before.get(kind) ?? { count: 0, ms: 0 };
      return [kind, [a.count - b.count, round(a.ms - b.ms, 1)]];
    }),
  );
}

/**
 * The machine's own stalls during a phase, measured apart from the servers and the clients: a
 * separate, otherwise idle process asks for a timer every 2 ms and reports how late it ran. On a
 * shared machine whole-machine pauses of 50-200 ms come and go (the hypervisor, other tenants);
 * a p99 over a 12 s window is the 14th-slowest of some 1,400 turns, and one such pause delays
 * every turn that arrives during it, on either server. `over20Ms`: wake-ups later than 20 ms;
 * `stalledMs`: their lateness summed; `maxMs`: the worst.
 */
function stallProbe(seconds: number): {
  /** The probe's timer runs. */
  ready: Promise<void>;
  result: Promise<{ over20Ms: number; stalledMs: number; maxMs: number }>;
} {
  const code = `
    const end = performance.now() + ${Math.round(seconds * 1000)};
    let last = performance.now(), over = 0, stalled = 0, max = 0;
    process.stdout.write('R');
    const t = setInterval(() => {
      const now = performance.now(), late = now - last - 2;
      last = now;
      if (late > 20) { over++; stalled += late; }
      if (late > max) max = late;
      if (now >= end) {
        clearInterval(t);
        process.stdout.write(JSON.stringify({ over20Ms: over, stalledMs: Math.round(stalled), maxMs: Math.round(max) }));
      }
    }, 2);`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  if (child.pid) probePids.add(String(child.pid));
  let out = '';
  const ready = new Promise<void>((resolveReady) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith('R')) resolveReady();
    });
    // A probe that could not start leaves the loop unprobed, not waiting.
    child.once('exit', () => resolveReady());
  });
  const result = new Promise<{ over20Ms: number; stalledMs: number; maxMs: number }>(
    (resolveProbe) => {
      child.once('exit', () => {
        try {
          resolveProbe(
            JSON.parse(out.slice(1)) as { over20Ms: number; stalledMs: number; maxMs: number },
          );
        } catch {
          resolveProbe({ over20Ms: -1, stalledMs: -1, maxMs: -1 });
        }
      });
    },
  );
  return { ready, result };
}

/** Idle connections: heap and RSS per connection, after forced garbage collection. */
async function idlePhase(server: RunningServer, count: number) {
  const memory = () =>
    new Promise<{ heapUsed: number; rss: number }>((res) => {
      server.child.once('message', (m) => res(m as { heapUsed: number; rss: number }));
      server.child.send('memory');
    });
  const before = await memory();
  const t1 = performance.now();
  const idle = await connectClients(
    server.url,
    Array.from({ length: count }, (_, i) => `bench-idle-${server.kind}-${i}`),
  );
  const connectSeconds = (performance.now() - t1) / 1000;
  await sleep(2000);
  const after = await memory();
  const result = {
    connections: idle.length,
    connectSeconds: round(connectSeconds),
    heapBytesPerConnection: Math.round((after.heapUsed - before.heapUsed) / idle.length),
    rssBytesPerConnection: Math.round((after.rss - before.rss) / idle.length),
    heapMbTotal: round(after.heapUsed / 2 ** 20, 1),
    rssMbTotal: round(after.rss / 2 ** 20, 1),
  };
  if (process.env.BENCH_HEAP_SNAPSHOT && server.kind === 'full') {
    const file = await new Promise((res) => {
      server.child.once('message', (m) => res((m as { file: string }).file));
      server.child.send('snapshot');
    });
    console.log(JSON.stringify({ heapSnapshot: file }));
  }
  closeClients(idle);
  return result;
}

const ratio = (full: number, floor: number) => round(full / floor, 2);

/** Each named metric's median over the rounds; a metric the rounds do not have is left out. */
function medians<T, K extends keyof T>(
  rounds: readonly T[],
  keys: readonly K[],
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of keys) {
    const values = rounds
      .map((r) => r[key])
      .filter((v): v is T[K] & number => typeof v === 'number');
    if (values.length > 0) out[key] = round(median(values));
  }
  return out;
}

/** The service's figure over the floor's, for each named metric. */
function ratios<K extends string>(
  full: Record<K, number>,
  floor: Record<K, number>,
  keys: readonly K[],
): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, ratio(full[k], floor[k])])) as Record<K, number>;
}

// ---------------------------------------------------------------------------------------------
// The run.

try {
  if (KINDS.includes('full')) {
    const { runMigrations } = await import('../src/database/data-source.js');
    await runMigrations(dbUrl.href);
  }
  servers.push(...(await Promise.all(KINDS.map(startServer))));
  const byKind = (kind: Kind) => servers.find((s) => s.kind === kind)!;

  // Phase 1: closed loop, after a warm-up of each server.
  for (const server of servers) {
    if (WARMUP > 0) await closedLoop(server, `warm-${server.kind}`, CLIENTS, WARMUP);
  }
  const results = new Map<Kind, ClosedResult[]>(KINDS.map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? KINDS : [...KINDS].reverse();
    for (const kind of order) {
      await focus(byKind(kind));
      const result = await closedLoop(byKind(kind), `r${r}-${kind}`, CLIENTS, MESSAGES);
      results.get(kind)!.push(result);
      console.log(
        JSON.stringify({
          phase: 'throughput',
          server: kind,
          round: r + 1,
          clients: CLIENTS,
          ...result,
        }),
      );
    }
  }
  const closedKeys = [
    'messagesPerSec',
    'ackMsP50',
    'ackMsP99',
    'ingestToUpstreamMsP50',
    'ingestToUpstreamMsP99',
    'serverCpuMsPerTurn',
    'workerCpuMsPerTurn',
    'postgresCpuMsPerTurn',
    'serverCores',
    'otherCores',
  ] as const;
  const summary: Partial<Record<Kind, Record<(typeof closedKeys)[number], number>>> =
    Object.fromEntries(KINDS.map((kind) => [kind, medians(results.get(kind)!, closedKeys)]));
  const { full, floor } = summary;
  console.log(
    JSON.stringify({
      phase: 'throughput-summary',
      statistic: `median of ${ROUNDS} round(s)`,
      clients: CLIENTS,
      messagesPerClient: MESSAGES,
      ...summary,
      ...(full && floor
        ? {
            fullOverFloor: ratios(full, floor, [
              'messagesPerSec',
              'ackMsP50',
              'ackMsP99',
              'ingestToUpstreamMsP50',
              'ingestToUpstreamMsP99',
              'serverCpuMsPerTurn',
              'postgresCpuMsPerTurn',
            ]),
            targets: {
              turnsPerSecAtLeastHalfTheFloors:
                full.messagesPerSec / floor.messagesPerSec >= TARGETS.turnsPerSecRatioMin,
              ackP99AtMostTwiceTheFloors: full.ackMsP99 / floor.ackMsP99 <= TARGETS.ackP99RatioMax,
            },
          }
        : {}),
    }),
  );

  // Phase 2: open loop at half the service's closed-loop capacity (the floor's when alone), in
  // rounds that alternate the order as the closed loop's do; the summary takes medians.
  if (OPEN_SECONDS > 0) {
    const capacity = (full ?? floor)!.messagesPerSec;
    const rate = OPEN_RATE ?? capacity / 2;
    type OpenResult = Awaited<ReturnType<typeof openLoop>>;
    const open = new Map<Kind, OpenResult[]>(KINDS.map((k) => [k, []]));
    for (let r = 0; r < OPEN_ROUNDS; r++) {
      const order = r % 2 === 0 ? [...KINDS].reverse() : KINDS;
      for (const kind of order) {
        if (kind === 'full') {
          const drained = await drainJobs(byKind(kind));
          console.log(
            JSON.stringify({ phase: 'jobs-drained', server: kind, round: r + 1, ...drained }),
          );
        }
        await focus(byKind(kind));
        const result = await openLoop(byKind(kind), `open${r}-${kind}`, rate, OPEN_SECONDS);
        open.get(kind)!.push(result);
        console.log(
          JSON.stringify({
            phase: 'open-loop',
            server: kind,
            round: r + 1,
            rateFrom: OPEN_RATE ? '--open-rate' : `half of the ${full ? 'full' : 'floor'} capacity`,
            ...result,
          }),
        );
      }
    }
    const openKeys = [
      'ackMsP50',
      'ackMsP99',
      'ingestToUpstreamMsP50',
      'ingestToUpstreamMsP99',
      'ingestToStoredMsP99',
    ] as const;
    const openSummary = Object.fromEntries(
      KINDS.map((kind) => {
        const rs = open.get(kind)!;
        return [
          kind,
          {
            ...medians(rs, openKeys),
            ingestToUpstreamMsP99ByRound: rs.map((x) => x.ingestToUpstreamMsP99),
            failed: rs.reduce((n, x) => n + x.failed, 0),
          },
        ];
      }),
    ) as Partial<
      Record<
        Kind,
        Record<(typeof openKeys)[number], number> & {
          ingestToUpstreamMsP99ByRound: number[];
          failed: number;
        }
      >
    >;
    const { full: openFull, floor: openFloor } = openSummary;
    console.log(
      JSON.stringify({
        phase: 'open-loop-summary',
        statistic: `median of ${OPEN_ROUNDS} round(s)`,
        rate: round(rate, 1),
        ...openSummary,
        ...(openFull && openFloor
          ? {
              fullOverFloor: ratios(openFull, openFloor, [
                'ackMsP50',
                'ackMsP99',
                'ingestToUpstreamMsP50',
                'ingestToUpstreamMsP99',
              ]),
            }
          : {}),
        ...(openFull
          ? {
              targets: {
                fullIngestToUpstreamP99Under20Ms:
                  openFull.ingestToUpstreamMsP99 < TARGETS.openIngestToUpstreamP99MaxMs,
              },
            }
          : {}),
      }),
    );
  }

  // Phase 3: idle connections.
  if (IDLE > 0) {
    for (const kind of [...KINDS].reverse()) {
      await focus(byKind(kind));
      console.log(
        JSON.stringify({ phase: 'idle', server: kind, ...(await idlePhase(byKind(kind), IDLE)) }),
      );
    }
  }
  console.log(
    JSON.stringify({
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memGiB: round(totalmem() / 2 ** 30, 1),
        node: process.version,
      },
      serverHeap: args.heap === 'deployment' ? HEAP_FLAGS : 'node defaults',
    }),
  );
} finally {
  await cleanup();
}
process.exit(0);

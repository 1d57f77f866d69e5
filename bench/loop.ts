/**
 * npm run bench:loop [-- --turns 1000000 --reactions 200000 --users 20000 --decisions 200000 --keep]
 *
 * The model loop's costs (docs/model-loop.md):
 * 1. The route stage's decision per turn, in-process: the experiment assignment (one running
 *    experiment, targeting on) and the routing policy over a routing file of three routes on two
 *    endpoints with a peak window, load and breakers, against the stage without a routing file
 *    (today's one endpoint). Prints p50, p99 and max per decision; the goal is p99 < 0.5 ms added.
 * 2. A training-data export of --turns turns (a user message and its reply each, a turn trace per
 *    reply holding the history ids as the turn stores them) with --reactions reactions (thumbs,
 *    some edits) by --users users, 80% of whom consented: loaded with COPY (psql \copy from this
 *    process's stdout, streamed) into a scratch database `loop_bench_<random>` on DATABASE_URL's
 *    server (the local Postgres by default), dropped at the end unless --keep. Then the KTO and SFT
 *    exports are written in this process, timed; records/s and the process's peak RSS (VmHWM,
 *    reset before each export where the kernel allows it) are printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { writeDataset, datasetSources } from '../src/feedback/dataset/write-dataset.js';
import { experimentDefinitionSchema } from '../src/feedback/experiments/experiment-definition.js';
import type { ExperimentRepository } from '../src/feedback/experiments/experiment.repository.js';
import { ExperimentsService } from '../src/feedback/experiments/experiments.service.js';
import { ModelRouter } from '../src/llm/model-router.js';
import { parseRoutingFile, type RoutingFile } from '../src/routing/routing-config.js';
import { RouteStage } from '../src/turn/stages/route.stage.js';
import type { Turn } from '../src/turn/turn.js';
import { loadConfig } from '../src/config/app-config.js';

const args = process.argv.slice(2);
const num = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const TURNS = num('turns', 1_000_000);
const REACTIONS = num('reactions', 200_000);
const USERS = num('users', 20_000);
const DECISIONS = num('decisions', 200_000);
const KEEP = args.includes('--keep');

console.log(
  JSON.stringify({
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
  }),
);

// --- 1. the routing decision ------------------------------------------------------------------

function routingFile(): RoutingFile {
  const read = parseRoutingFile({
    endpoints: [
      { name: 'big', baseUrl: 'http://big.invalid/v1' },
      { name: 'small', baseUrl: 'http://small.invalid/v1' },
    ],
    routes: [
      { name: 'best', endpoint: 'big', model: 'companion-32b' },
      { name: 'cheap', endpoint: 'small', model: 'companion-8b', sampling: { temperature: 0.6 } },
      { name: 'warmth-b', endpoint: 'big', model: 'warmth-lora-b' },
    ],
    policy: {
      default: 'best',
      cheap: 'cheap',
      peak: { timeZone: 'Asia/Shanghai', start: '23:30', end: '01:30' },
      longConversation: { turns: 60, tokens: 5000 },
      overload: { ownWaitingRatio: 0.5, endpointWaiting: 20, kvCacheUsage: 0.9 },
      overrides: [{ when: { tiers: ['vip'] }, route: 'best', reason: 'vip' }],
    },
  });
  if ('problems' in read) throw new Error(read.problems.join('; '));
  return read.file;
}

async function routeStage(file: RoutingFile | null): Promise<RouteStage> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const { model, sampling, maxTokens, enableThinking } = config.llm;
  const router = new ModelRouter(
    file,
    { route: 'default', endpoint: 'default', model, sampling, maxTokens, enableThinking },
    { waiting: 3, maxWaiting: 256 },
  );
  if (file) {
    router.failure('small'); // some breaker history
    (router as unknown as { load: Map<string, unknown> }).load.set('big', {
      waiting: 4,
      kvCache: 0.4,
    });
  }
  const experiment = experimentDefinitionSchema.parse({
    key: 'warmth',
    control: 'a',
    variants: [
      { name: 'a', route: 'best' },
      { name: 'b', route: 'warmth-b' },
    ],
    traffic: 0.5,
    targeting: { tiers: ['free'], locales: ['en', 'zh'] },
  });
  const repo = {
    list: () =>
      Promise.resolve(
        file
          ? [
              {
                key: 'warmth',
                definition: experiment,
                status: 'running',
                stoppedVariants: [],
                stopReasons: {},
              },
            ]
          : [],
      ),
    assignmentsOf: () => Promise.resolve(new Map<string, string>()),
  } as unknown as ExperimentRepository;
  const experiments = new ExperimentsService(config, repo);
  await experiments.reload();
  return new RouteStage(config, router, experiments);
}

const roleOf = (k: number): 'user' | 'assistant' => (k % 2 ? 'assistant' : 'user');

function turnOf(i: number): Turn {
  const history = Array.from({ length: 20 }, (_, k) => ({
    id: `m${k}`,
    seq: k + 1,
    role: roleOf(k),
    content: 'some words of the conversation',
    tokens: 40 + (k % 7),
  }));
  return {
    turnId: `t${i}`,
    user: {
      id: `user-${i % 5000}`,
      locale: i % 3 ? 'en-US' : 'zh-CN',
      timeZone: 'UTC',
      ageBand: null,
      tier: i % 10 ? 'free' : 'plus',
    },
    conversationId: 'c',
    reply: { id: `r${i}`, seq: 2 + (i % 150) },
    answering: {
      id: 'm19',
      seq: 20,
      kind: 'text',
      content: 'x',
      contentTokens: 1,
      clientMsgId: null,
      createdAt: new Date(),
    },
    answered: [],
    voice: [],
    conversation: { summary: null, history, olderTurns: i % 4 === 0 },
    reads: {},
    receivedAt: null,
    storedAt: null,
    startedAt: 0,
    why: 'message',
    signal: new AbortController().signal,
    degraded: [],
    failed: null,
    timings: {},
  };
}

function timeDecisions(
  stage: RouteStage,
  n: number,
): { p50: number; p99: number; max: number; mean: number } {
  const turns = Array.from({ length: 1000 }, (_, i) => turnOf(i));
  for (let i = 0; i < 20_000; i++) stage.decide(turns[i % 1000]); // warm up the JIT
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    stage.decide(turns[i % 1000]);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.at(-1)!,
    mean: sorted.reduce((s, x) => s + x, 0) / n,
  };
}

const withFile = timeDecisions(await routeStage(routingFile()), DECISIONS);
const without = timeDecisions(await routeStage(null), DECISIONS);
console.log(
  JSON.stringify({
    bench: 'route decision',
    decisions: DECISIONS,
    ms: { withRouting: withFile, withoutRoutingFile: without },
    addedP99Ms: withFile.p99 - without.p99,
    verdict: withFile.p99 < 0.5 ? 'PASS' : 'FAIL',
  }),
);

// --- 2. the export ----------------------------------------------------------------------------

const db = await createScratchDatabase('loop_bench', { keep: KEEP });
process.on('SIGINT', () => void db.drop().then(() => process.exit(130)));
const id = (prefix: string, n: number) =>
  `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const C = '00000002';
const M = '00000003';
const F = '00000004';
const K = '00000005';

/** Streams CSV rows into `\copy table (columns) from stdin` through psql. */
async function copy(
  table: string,
  columns: string,
  rows: () => Generator<string>,
): Promise<number> {
  const started = Date.now();
  const psql = spawn(
    'psql',
    [
      db.url,
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `\\copy ${table} (${columns}) from stdin with (format csv)`,
    ],
    {
      stdio: ['pipe', 'inherit', 'inherit'],
    },
  );
  let n = 0;
  let chunk = '';
  for (const row of rows()) {
    chunk += row;
    n++;
    if (chunk.length > 1 << 16) {
      if (!psql.stdin.write(chunk)) await once(psql.stdin, 'drain');
      chunk = '';
    }
  }
  psql.stdin.end(chunk);
  const [code] = (await once(psql, 'exit')) as [number];
  if (code !== 0) throw new Error(`COPY ${table} failed (${code})`);
  console.log(JSON.stringify({ copied: table, rows: n, seconds: (Date.now() - started) / 1000 }));
  return n;
}

const csv = (s: string) => `"${s.replace(/"/g, '""')}"`;
const perUser = Math.ceil(TURNS / USERS);
const base = Date.UTC(2026, 9, 1);
const at = (i: number) => new Date(base + i * 1000).toISOString();

const loadStarted = Date.now();
await copy('users', 'id', function* () {
  for (let u = 0; u < USERS; u++) yield `u${u}\n`;
});
await copy('training_consents', 'id, user_id, training, version, created_at', function* () {
  for (let u = 0; u < USERS; u++) yield `${id(K, u)},u${u},${u % 5 !== 0},1,${at(0)}\n`;
});
await copy('conversations', 'id, user_id, last_seq', function* () {
  for (let u = 0; u < USERS; u++) yield `${id(C, u)},u${u},${2 * perUser}\n`;
});
/** Turn t: user u = t % USERS, its k-th exchange; user message 2t, reply 2t+1. */
await copy(
  'messages',
  'id, conversation_id, user_id, seq, role, content, status, in_reply_to, created_at',
  function* () {
    for (let t = 0; t < TURNS; t++) {
      const u = t % USERS;
      const k = Math.floor(t / USERS);
      const conv = id(C, u);
      yield `${id(M, 2 * t)},${conv},u${u},${2 * k + 1},user,${csv(`I am u${u}, turn ${k}: my number is 138 0013 ${String(8000 + (k % 1000))}`)},received,,${at(t)}\n`;
      yield `${id(M, 2 * t + 1)},${conv},u${u},${2 * k + 2},assistant,${csv(`A reply to turn ${k}, warm and short.`)},completed,${id(M, 2 * t)},${at(t)}\n`;
    }
  },
);
await copy('turn_traces', 'reply_id, answering_id, user_id, trace, created_at', function* () {
  for (let t = 0; t < TURNS; t++) {
    const u = t % USERS;
    const k = Math.floor(t / USERS);
    const history =
      k === 0
        ? [{ id: id(M, 2 * t), role: 'user' }]
        : [
            { id: id(M, 2 * (t - USERS)), role: 'user' },
            { id: id(M, 2 * (t - USERS) + 1), role: 'assistant' },
            { id: id(M, 2 * t), role: 'user' },
          ];
    const trace = {
      version: 2,
      replyId: id(M, 2 * t + 1),
      answering: id(M, 2 * t),
      recalled: [],
      prompt: {
        system: 'You are Mira, a warm companion.',
        summary: null,
        note: 'They seem calm.',
        history,
      },
    };
    yield `${id(M, 2 * t + 1)},${id(M, 2 * t)},u${u},${csv(JSON.stringify(trace))},${at(t)}\n`;
  }
});
await copy(
  'feedback_events',
  'id, user_id, reply_id, conversation_id, kind, rating, text, created_at',
  function* () {
    for (let r = 0; r < REACTIONS; r++) {
      const t = Math.floor((r * 7919) % TURNS);
      const u = t % USERS;
      const edit = r % 10 === 9;
      yield `${id(F, r)},u${u},${id(M, 2 * t + 1)},${id(C, u)},${edit ? 'edit' : 'rating'},${edit ? '' : r % 3 ? 'up' : 'down'},${edit ? csv('A better reply, in my words.') : ''},${at(TURNS + r)}\n`;
    }
  },
);
const analyze = spawn('psql', [db.url, '-q', '-c', 'ANALYZE'], { stdio: 'inherit' });
await once(analyze, 'exit');
console.log(
  JSON.stringify({
    bench: 'load',
    turns: TURNS,
    reactions: REACTIONS,
    users: USERS,
    seconds: (Date.now() - loadStarted) / 1000,
  }),
);

const ds = new DataSource({ ...dataSourceOptions(db.url, 4), logging: false });
await ds.initialize();
const dir = mkdtempSync(join(tmpdir(), 'loop-bench-'));
try {
  for (const kind of ['kto', 'sft'] as const) {
    try {
      writeFileSync('/proc/self/clear_refs', '5');
    } catch {
      // not allowed here: VmHWM is the peak since start
    }
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = process.hrtime.bigint();
    const manifest = await writeDataset(
      datasetSources(ds),
      {
        kind,
        format: 'trl',
        since: new Date(base),
        until: new Date(base + 10 * 365 * 86_400_000),
        validationShare: 0.05,
      },
      join(dir, `${kind}.jsonl`),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    const records = manifest.files.train.records + manifest.files.validation.records;
    console.log(
      JSON.stringify({
        bench: 'export',
        kind,
        acts: manifest.acts,
        records,
        excluded: manifest.excluded,
        seconds,
        recordsPerSecond: Math.round(records / seconds),
        actsPerSecond: Math.round(manifest.acts / seconds),
        rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
        peakRssMiB: Math.round(peak / 2 ** 20),
        vmHwmMiB: hwm ? Math.round(Number(hwm[1]) / 1024) : null,
        bytes: manifest.files.train.bytes + manifest.files.validation.bytes,
      }),
    );
  }
} finally {
  await ds.destroy();
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
}

/**
 * node --import ./scripts/ts-hooks.mjs bench/memory-recall.ts
 *   [--users 10000] [--messages 800000] [--memories 200000] [--queries 1000] [--keep]
 *
 * Recall latency at scale: synthetic multilingual histories (English, Chinese, mixed) for
 * --users users, --messages messages and --memories extracted memories in all (one million rows
 * by default), loaded into a scratch database
 * `memory_bench_<random>` (DATABASE_URL's server, else an embedded PostgreSQL in a temporary
 * folder), migrated with runMigrations, dropped at the end (unless --keep).
 *
 * - History sizes are skewed as real ones are: log-normal, median ~50, mean = messages / users,
 *   capped at 3,000. Messages are inserted in global time order, users interleaved, so that one
 *   user's rows are scattered over the table as they are in production.
 * - Load: multi-row INSERT ... SELECT FROM unnest(arrays), 10,000 rows a statement, two
 *   connections; timed and printed.
 * - The service's own schema (its migrations); the index messages (user_id, created_at) is
 *   dropped for the load and built after it (faster), and `search_terms` is filled at insert with
 *   encodeTerms(content), as the service does. Memories go to the memories table, in proportion
 *   to each user's messages (one per four messages by default).
 * - Recall, through RecallService (DB read of one user's candidates + ranking, rendering and token
 *   counting with the real Qwen tokenizer), for random users, one at a time, in a fresh process:
 *   (a) terms computed from content on every recall, (b) terms read from `search_terms`;
 *   plus the heaviest 1% of users, and a few reads without the index for comparison.
 * Prints JSON lines.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../src/common/uuid.js';
import { createScratchDatabase, query } from '../scripts/scratch-database.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { MemoryRepository } from '../src/memory/memory.repository.js';
import { dedupeKey } from '../src/memory/memory-text.js';
import { MessageRepository } from '../src/conversation/message.repository.js';
import { RecallTurns } from '../src/memory/recall/recall-turns.js';
import { RecallService } from '../src/memory/recall/recall.service.js';
import { encodeTerms } from '../src/memory/recall/text-terms.js';
import { QwenTokenizer } from '../src/prompting/qwen-tokenizer.js';
import { syntheticText, type Lang } from './synthetic-text.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '800000' },
    memories: { type: 'string', default: '200000' },
    queries: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
    measure: { type: 'string' },
  },
});
const USERS = Number(args.users);
const MESSAGES = Number(args.messages);
const MEMORIES = Number(args.memories);
const QUERIES = Number(args.queries);
const BATCH = 10_000;
const MAX_PER_USER = 3000;
const DAY = 86_400_000;
const NOW = Date.parse('2025-06-01T12:00:00Z');

const print = (record: object): void =>
  console.log(JSON.stringify({ bench: 'memory-recall', ...record }));
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

// --- deterministic synthetic text (bench/synthetic-text.ts) ------------------------------------

const { random, pick, message, question } = syntheticText(20_240_301);

/** Log-normal sizes (sigma 1.2: median about half the mean), capped, scaled to sum to total. */
function historySizes(users: number, total: number): number[] {
  const raw = Array.from({ length: users }, () => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.exp(1.2 * gaussian);
  });
  const scale = total / raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((r) => Math.min(MAX_PER_USER, Math.max(4, Math.round(r * scale))));
  // Spread the rounding and capping difference over the users below the cap.
  let diff = total - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; diff !== 0; i = (i + 1) % users) {
    const step = Math.sign(diff);
    if (sizes[i] + step >= 4 && sizes[i] + step <= MAX_PER_USER) {
      sizes[i] += step;
      diff -= step;
    }
  }
  return sizes;
}

// --- load -------------------------------------------------------------------------------------

interface Row {
  id: string;
  conversation: string;
  user: string;
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  at: number;
}

async function load(url: string): Promise<void> {
  const sizes = historySizes(USERS, MESSAGES);
  const langs: Lang[] = sizes.map(() => {
    const r = random();
    return r < 0.6 ? 'en' : r < 0.9 ? 'zh' : 'mixed';
  });
  // The language is in the id, so that the measuring process asks each user in theirs.
  const users = sizes.map((_s, i) => `bench-user-${i}-${langs[i]}`);
  const generated = performance.now();
  const rows: Row[] = [];
  const conversations: Array<[string, string, number, number]> = [];
  sizes.forEach((size, u) => {
    // A year of history: sessions of 10-60 turns, turns a minute apart.
    let t = NOW - 365 * DAY + random() * 30 * DAY;
    let left = size;
    while (left > 0) {
      const turns = Math.min(left, 10 + Math.floor(random() * 51));
      const id = uuidv7(t);
      conversations.push([id, users[u], turns, t]);
      for (let s = 1; s <= turns; s++) {
        const role = s % 2 === 1 ? 'user' : 'assistant';
        const at = t + (s - 1) * 60_000;
        rows.push({
          id: uuidv7(at),
          conversation: id,
          user: users[u],
          seq: s,
          role,
          content: message(langs[u], role),
          at,
        });
      }
      left -= turns;
      t += ((335 * DAY) / Math.ceil(size / 35)) * (0.5 + random());
    }
  });
  rows.sort((a, b) => a.at - b.at);
  const terms = rows.map((r) => encodeTerms(r.content));
  print({
    step: 'generate',
    users: USERS,
    messages: rows.length,
    conversations: conversations.length,
    medianPerUser: [...sizes].sort((a, b) => a - b)[sizes.length >> 1],
    maxPerUser: Math.max(...sizes),
    ms: Math.round(performance.now() - generated),
  });

  const started = performance.now();
  const clients = [
    new pg.Client({ connectionString: url }),
    new pg.Client({ connectionString: url }),
  ];
  await Promise.all(clients.map((c) => c.connect()));
  try {
    await clients[0].query(`INSERT INTO users (id) SELECT unnest($1::varchar[])`, [users]);
    for (let i = 0; i < conversations.length; i += BATCH) {
      const part = conversations.slice(i, i + BATCH);
      await clients[0].query(
        `INSERT INTO conversations (id, user_id, last_seq, message_count, created_at)
         SELECT id, u, n, n, to_timestamp(at / 1000.0)
           FROM unnest($1::uuid[], $2::varchar[], $3::int[], $4::float8[]) AS t(id, u, n, at)`,
        [
          part.map((c) => c[0]),
          part.map((c) => c[1]),
          part.map((c) => c[2]),
          part.map((c) => c[3]),
        ],
      );
    }
    let next = 0;
    const worker = async (client: pg.Client) => {
      while (next < rows.length) {
        const from = next;
        next += BATCH;
        const part = rows.slice(from, from + BATCH);
        await client.query(
          `INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, status, content,
                                 search_terms, created_at)
           SELECT id, conv, u, seq, role, 'text',
                  CASE role WHEN 'user' THEN 'received' ELSE 'completed' END,
                  content, terms, to_timestamp(at / 1000.0)
             FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::int[], $5::varchar[],
                         $6::text[], $7::text[], $8::float8[])
                  AS t(id, conv, u, seq, role, content, terms, at)`,
          [
            part.map((r) => r.id),
            part.map((r) => r.conversation),
            part.map((r) => r.user),
            part.map((r) => r.seq),
            part.map((r) => r.role),
            part.map((r) => r.content),
            terms.slice(from, from + BATCH),
            part.map((r) => r.at),
          ],
        );
      }
    };
    await Promise.all(clients.map(worker));
    await loadMemories(clients[0], users, sizes, langs);
    const loadMs = performance.now() - started;
    print({
      step: 'load',
      rows: rows.length,
      ms: Math.round(loadMs),
      rowsPerSec: Math.round(rows.length / (loadMs / 1000)),
    });

    const indexed = performance.now();
    await clients[0].query(
      `CREATE INDEX "IDX_messages_user_created" ON messages (user_id, created_at)`,
    );
    await clients[0].query('VACUUM ANALYZE messages');
    const size = await clients[0].query<{ table: string; index: string }>(
      `SELECT pg_size_pretty(pg_total_relation_size('messages')) AS table,
              pg_size_pretty(pg_relation_size('"IDX_messages_user_created"')) AS index`,
    );
    print({
      step: 'index',
      index: 'messages (user_id, created_at)',
      ms: Math.round(performance.now() - indexed),
      tableWithIndexes: size.rows[0].table,
      indexSize: size.rows[0].index,
    });
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** --memories in all, shared among users in proportion to their messages (one per four by default). */
async function loadMemories(
  client: pg.Client,
  users: readonly string[],
  sizes: readonly number[],
  langs: readonly Lang[],
): Promise<void> {
  const total = sizes.reduce((a, b) => a + b, 0);
  const rows: Array<[string, string, string, string, number, boolean, number]> = [];
  sizes.forEach((size, u) => {
    const count = Math.max(1, Math.round((size / total) * MEMORIES));
    for (let k = 0; k < count; k++) {
      const text = `${message(langs[u], 'user')} (${k})`;
      const at = NOW - random() * 365 * DAY;
      rows.push([
        uuidv7(at),
        users[u],
        pick(['fact', 'person', 'preference', 'event', 'episode']),
        text,
        at,
        k < 3,
        random(),
      ]);
    }
  });
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) {
    const part = rows.slice(i, i + BATCH);
    await client.query(
      `INSERT INTO memories (id, user_id, kind, text, importance, core, emotional_intensity, dedupe_key,
                             created_at, updated_at)
       SELECT id, u, k, t, i, c, e, d, to_timestamp(at / 1000.0), to_timestamp(at / 1000.0)
         FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::text[], $5::real[], $6::boolean[],
                     $7::real[], $8::varchar[], $9::float8[]) AS x(id, u, k, t, i, c, e, d, at)`,
      [
        part.map((r) => r[0]),
        part.map((r) => r[1]),
        part.map((r) => r[2]),
        part.map((r) => r[3]),
        part.map(() => random()),
        part.map((r) => r[5]),
        part.map((r) => r[6]),
        part.map((r) => dedupeKey(r[3])),
        part.map((r) => r[4]),
      ],
    );
  }
  print({ step: 'load memories', rows: rows.length, ms: Math.round(performance.now() - started) });
}

// --- measure ----------------------------------------------------------------------------------

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

interface BenchUser {
  id: string;
  lang: Lang;
  messages: number;
}

async function measure(
  name: string,
  service: RecallService,
  users: readonly BenchUser[],
): Promise<void> {
  const total: number[] = [];
  const read: number[] = [];
  let candidates = 0;
  for (const user of users) {
    const started = performance.now();
    const result = await service.recall({
      userId: user.id,
      query: { text: question(user.lang), at: new Date(NOW) },
      speakers: { user: 'User', assistant: 'Companion' },
    });
    total.push(performance.now() - started);
    read.push(result.timings.readMs);
    candidates += user.messages;
  }
  total.sort((a, b) => a - b);
  read.sort((a, b) => a - b);
  print({
    step: 'recall',
    variant: name,
    nodeFlags: process.execArgv.filter((a) => a.startsWith('--max-')).join(' ') || 'default',
    queries: users.length,
    meanCandidates: Math.round(candidates / users.length),
    p50Ms: round(quantile(total, 0.5)),
    p95Ms: round(quantile(total, 0.95)),
    p99Ms: round(quantile(total, 0.99)),
    readP50Ms: round(quantile(read, 0.5)),
    readP95Ms: round(quantile(read, 0.95)),
  });
}

/**
 * The measurements, in a process of their own (`--measure URL`): the loader's heap (a million
 * generated rows) would otherwise slow the measured process's garbage collection, which a
 * service never carries.
 */
async function measureAll(url: string): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions(url, 4), logger: undefined, logging: false });
  await ds.initialize();
  try {
    const rows = await ds.query<Array<{ user_id: string; n: number }>>(
      'SELECT user_id, count(*)::int AS n FROM messages GROUP BY user_id',
    );
    const users = rows.map((r) => ({
      id: r.user_id,
      lang: r.user_id.split('-').pop() as Lang,
      messages: r.n,
    }));
    const tokenizer = new QwenTokenizer();
    const memories = new MemoryRepository(ds);
    const computing = new RecallService(
      new RecallTurns(new MessageRepository(ds)),
      tokenizer,
      memories,
    );
    const stored = new RecallService(
      new RecallTurns(new MessageRepository(ds), { storedTerms: true }),
      tokenizer,
      memories,
    );
    const sample = (n: number) =>
      Array.from({ length: n }, () => users[Math.floor(random() * users.length)]);
    // Warm-up: JIT, pool, tokenizer.
    await measure('warm-up', stored, sample(50));
    await measure('terms computed at recall', computing, sample(QUERIES));
    await measure('terms stored (search_terms)', stored, sample(QUERIES));
    // At least one user, for a run with fewer than a hundred.
    const heavy = [...users]
      .sort((a, b) => b.messages - a.messages)
      .slice(0, Math.max(1, Math.floor(users.length / 100)));
    await measure('heaviest 1% of users, terms stored', stored, heavy);
    await measure('heaviest 1% of users, terms computed', computing, heavy);
    if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
      await ds.query('DROP INDEX "IDX_messages_user_created"');
      await measure('no (user_id, created_at) index, terms stored', stored, sample(20));
    }
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  if (args.measure) return measureAll(args.measure);
  const scratch = await createScratchDatabase('memory_bench', { keep: args.keep });
  const url = scratch.url;
  print({ step: 'machine', cpus: cpus().length, cpu: cpus()[0]?.model, database: scratch.name });
  try {
    // Loading is faster without the index; it is built after the load.
    await query(url, 'DROP INDEX "IDX_messages_user_created"');
    await load(url);
    // Twice: with Node's default young generation, and with a larger one (fewer scavenges: the
    // recall path allocates a few MB per call; see docs/memory-recall.md).
    for (const nodeFlags of [[], ['--max-semi-space-size=32']]) {
      const child = spawnSync(
        process.execPath,
        [
          ...nodeFlags,
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          '--measure',
          url,
          '--queries',
          `${QUERIES}`,
        ],
        { stdio: 'inherit' },
      );
      if (child.status !== 0) throw new Error(`measuring process failed (${child.status})`);
    }
  } finally {
    await scratch.drop();
  }
}

await main();

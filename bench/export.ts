/**
 * npm run bench:export [-- --messages 50000 --conversations 40 --audio-mib 500 --slow-mibps 20
 *                         --max-growth-mib 100 --server built|sources --heap deployment|node --keep]
 *
 * Whether the account export (GET /v1/me/export, NDJSON streamed) holds the server's memory
 * constant whatever the history. One user gets --messages messages over half a year in
 * --conversations conversations (user and assistant turns, every fifth user turn a voice message
 * whose transcript is its text), voice clips holding --audio-mib MiB of audio in all (random
 * bytes, so nothing compresses; sizes skewed as uploads are, up to VOICE_MAX_BYTES), and rows in
 * every other table the export reads: affect readings and states, memories (some superseded),
 * forgets, the memory cursor, turn traces. A second user gets a tenth of all that. Both are loaded
 * with bulk SQL (generate_series, arrays) into a scratch database `export_bench_<random>`
 * (migrated, on BENCH_PG_URL's server, by default the local one), dropped at the end unless
 * --keep.
 *
 * Each export runs against a freshly started server (the service through bench/chat-server.ts,
 * NODE_ENV=production, on that database and Redis), so that every figure starts from the same
 * memory. By default the server is the build (`npm run build` first, then dist/), as production
 * runs it; `--server sources` runs the TypeScript sources through scripts/ts-hooks.mjs instead.
 * Its V8 heap is the gateway Deployment's (`--heap deployment`, the default: the NODE_OPTIONS of
 * k8s/ production's gateway, printed with the seed), as a pod runs it; `--heap node` leaves it to
 * Node's defaults for this machine, whose young generation alone may grow to 128 MiB and whose old
 * generation limit follows the machine's memory, not a pod's.
 * The exports:
 * 1. rows only (no audio), read as fast as possible: the baseline;
 * 2. with audio (`includeAudio=true`), as fast as possible, then the same again on the same,
 *    now warm, server (what a server that has been working sees);
 * 3. with audio, read at --slow-mibps MiB/s (0 to skip): a client slower than the server, which
 *    must then wait for it rather than buffer;
 * 4. with audio, the user with a tenth of the history: constant memory means about the same
 *    growth as 2.
 * The server's RSS is read from /proc/<pid>/status every 50 ms, and its peak also from VmHWM
 * (reset through /proc/<pid>/clear_refs before the export, where the kernel allows it). Growth
 * is the peak minus the RSS just before the export. The heap after a forced full garbage
 * collection, before and after, shows what the export left behind. The download is parsed as it
 * arrives: every line must be JSON, every message and clip must be there, each clip's audio must
 * decode to its size_bytes, and the last line must be `end` with the same counts.
 *
 * Prints JSON lines: the seed, one per export, and a summary. Its verdict is PASS when every
 * complete export with audio of the full history, on a fresh server, grew the server's RSS by
 * less than --max-growth-mib MiB; `warmVerdict` applies the same goal to the export repeated on a
 * warm server.
 *
 * Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_SERVER_ARGS (extra node flags for the
 * server, e.g. --max-semi-space-size=16), BENCH_SERVER_STDOUT (a file the servers' output is
 * appended to, e.g. with --trace-gc), BENCH_HEAP_SNAPSHOT_ABOVE_MB (the server writes one heap
 * snapshot, into its working directory, the first time its heap holds more than this).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { seededRandom } from '../src/common/seeded-random.js';
import { runMigrations } from '../src/database/data-source.js';
import { deploymentNodeFlags } from '../src/deploy/node-heap.js';
import { startVllmStandIn } from '../src/llm/stand-in/vllm-stand-in.js';
import { startWhisperStandIn } from '../src/voice/stand-in/whisper-stand-in.js';
import { deleteKeys } from '../test/support/redis.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    conversations: { type: 'string', default: '40' },
    'audio-mib': { type: 'string', default: '500' },
    'slow-mibps': { type: 'string', default: '20' },
    'max-growth-mib': { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
    server: { type: 'string', default: 'built' },
    heap: { type: 'string', default: 'deployment' },
  },
});
if (args.server !== 'built' && args.server !== 'sources') usage('--server is built or sources');
if (args.heap !== 'deployment' && args.heap !== 'node') usage('--heap is deployment or node');
/** The server's node flags for its heap: the gateway pod's, or none (Node's defaults). */
const HEAP_FLAGS = args.heap === 'deployment' ? deploymentNodeFlags().gateway : [];
const MESSAGES = whole('messages', 20);
const CONVERSATIONS = whole('conversations', 1);
const AUDIO_BYTES = Math.round(Number(args['audio-mib']) * MiB(1));
const SLOW_MIBPS = Number(args['slow-mibps']);
const MAX_GROWTH_MIB = Number(args['max-growth-mib']);
if (!(AUDIO_BYTES >= 0) || !(SLOW_MIBPS >= 0) || !(MAX_GROWTH_MIB > 0)) {
  usage('--audio-mib and --slow-mibps must be numbers >= 0, --max-growth-mib > 0');
}
if (CONVERSATIONS * 20 > MESSAGES) usage('--conversations must be at most --messages / 20');

const SECRET = randomBytes(32).toString('hex');
const ISSUER = 'export-bench';
const AUDIENCE = 'companion';
/** The largest clip the service takes by default (VOICE_MAX_BYTES). */
const MAX_CLIP_BYTES = MiB(2);
/** Each history spans this many days, ending now. */
const HISTORY_DAYS = 180;
const SAMPLE_MS = 50;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const serverUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const root = resolve(import.meta.dirname, '..');

function whole(name: keyof typeof args, min: number): number {
  const value = Number(args[name]);
  return Number.isInteger(value) && value >= min ? value : usage(`--${name} must be >= ${min}`);
}
function usage(message: string): never {
  console.error(message);
  process.exit(2);
}
function MiB(n: number): number {
  return n * 1024 * 1024;
}
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const print = (r: object) => console.log(JSON.stringify({ bench: 'export', ...r }));

/** A user of the bench and what was seeded for them. */
interface History {
  userId: string;
  messages: number;
  conversations: number;
  voiceClips: number;
  audioBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Set-up and clean-up: a scratch database, a Redis prefix, the stand-ins the server is pointed
// at (it calls neither during an export), the server processes.

// The server runs what production runs (the build: `npm start`, the image), unless asked for the
// sources: those carry the TypeScript transpiler in the process, whose native code and kept
// sources raise the baseline, and with it the garbage V8 lets the old space hold before a full
// collection (its limit grows with the live heap).
if (args.server === 'built')
  execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });

const runId = randomBytes(4).toString('hex');
const dbName = `export_bench_${runId}`;
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const redisPrefix = `export-bench-${runId}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const model = await startVllmStandIn({ model: 'bench-model' });
const whisper = await startWhisperStandIn({ model: 'bench-whisper' });
const children = new Set<ChildProcess>();

let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  return (cleaning ??= (async () => {
    await Promise.allSettled([...children].map(stopServer));
    await Promise.allSettled([model.close(), whisper.close()]);
    if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await deleteKeys(REDIS_URL, redisPrefix);
  })());
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

interface RunningServer {
  child: ChildProcess;
  pid: number;
  url: string;
}

/**
 * The service as its own process, through bench/chat-server.ts: src/main.ts plus an IPC message
 * that forces a full garbage collection and answers with the heap and RSS.
 */
function startServer(): Promise<RunningServer> {
  const built = args.server === 'built';
  const child = fork(
    resolve(root, built ? 'dist/bench/chat-server.js' : 'bench/chat-server.ts'),
    [],
    {
      cwd: root,
      execArgv: [
        '--expose-gc',
        ...HEAP_FLAGS,
        ...(built ? [] : ['--import', './scripts/ts-hooks.mjs']),
        ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? []),
      ],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        // glibc's malloc arenas, when the bench is asked to try a setting (MALLOC_ARENA_MAX=2).
        ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
        ...(process.env.BENCH_HEAP_SNAPSHOT_ABOVE_MB
          ? { BENCH_HEAP_SNAPSHOT_ABOVE_MB: process.env.BENCH_HEAP_SNAPSHOT_ABOVE_MB }
          : {}),
        PORT: '0',
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        DATABASE_URL: dbUrl.href,
        REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        LLM_BASE_URL: model.url,
        LLM_MODEL: 'bench-model',
        WHISPER_BASE_URL: whisper.url,
        WHISPER_MODEL: 'bench-whisper',
        JWT_SECRET: SECRET,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
        // Production requires the analytics key; the bench's own, never a real one.
        ANALYTICS_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
        USER_EXPORTS_PER_HOUR: '1000',
        // The seeded clips keep their audio for a year (the bench needs all of it in the export).
        VOICE_RETENTION_DAYS: '365',
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  children.add(child);
  return new Promise<RunningServer>((resolveServer, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      // The server's own output (logs; --trace-gc when asked), kept for a look afterwards.
      if (process.env.BENCH_SERVER_STDOUT) appendFileSync(process.env.BENCH_SERVER_STDOUT, chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)","instanceId"/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolveServer({ child, pid: child.pid!, url: m[1] });
        }
      }
    });
    const timer = setTimeout(() => reject(new Error('the server did not start')), 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before it listened`));
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  children.delete(child);
}

/** The server's heap after a forced full garbage collection, in bytes. */
function heapAfterGc(server: RunningServer): Promise<number> {
  return new Promise((res) => {
    server.child.once('message', (m) => res((m as { heapUsed: number }).heapUsed));
    server.child.send('memory');
  });
}

// ---------------------------------------------------------------------------------------------
// The seed: bulk SQL on one connection, each table from generate_series or from arrays.

/** Messages per conversation: a few long ones and many short ones, at least two each. */
function conversationSizes(messages: number, conversations: number): number[] {
  const rand = seededRandom(7);
  const weights = Array.from({ length: conversations }, () => rand() ** 3 + 0.02);
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(2, Math.floor((w / total) * messages)));
  const largest = sizes.indexOf(Math.max(...sizes));
  sizes[largest] -= sizes.reduce((a, b) => a + b, 0) - messages;
  return sizes;
}

/**
 * Clip sizes summing to `total`: most are phone voice notes of a few seconds to a minute (opus,
 * tens to a couple of hundred KiB), one in a hundred an AAC upload near the limit.
 */
function clipSizes(count: number, total: number): number[] {
  if (count === 0) return [];
  const rand = seededRandom(11);
  const big = Array.from({ length: count }, (_, i) => i % 100 === 99);
  const raw = big.map((b) =>
    b ? MAX_CLIP_BYTES * (0.6 + 0.4 * rand()) : 6144 + rand() ** 1.5 * 240 * 1024,
  );
  const bigSum = raw.reduce((a, r, i) => a + (big[i] ? r : 0), 0);
  const smallSum = raw.reduce((a, r, i) => a + (big[i] ? 0 : r), 0);
  const scale = Math.max(0, total - bigSum) / smallSum;
  const sizes = raw.map((r, i) => Math.max(1, Math.floor(big[i] ? r : r * scale)));
  sizes[sizes.length - 1] += total - sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((s) => s > MAX_CLIP_BYTES || s < 1)) {
    usage(`${count} voice clips cannot hold ${total} bytes of audio within ${MAX_CLIP_BYTES} each`);
  }
  return sizes;
}

const USER_LINES = [
  'I had such a long day at work today, the meeting ran over again.',
  'Can you remind me what we talked about yesterday?',
  'My sister called, she finally got the job she wanted!',
  "I can't sleep again. It's almost 3am.",
  'We went hiking on Saturday and the view from the top was amazing.',
  "I'm a bit nervous about the exam next week.",
  'Honestly I just want someone to talk to tonight.',
  'The cat knocked my coffee over my keyboard this morning, haha.',
  '今天好累啊，加班到九点才回家。',
  '我们周末去爬山了，风景特别好。',
  '你还记得我上次说的那个面试吗？结果出来了。',
  '最近压力有点大，不太想说话。',
  'Mom is coming to visit next month, 我有点紧张。',
  'I finished the book you recommended, the ending surprised me.',
];
const ASSISTANT_LINES = [
  'That sounds exhausting. Did you get a moment to yourself after it finished?',
  'Yesterday you told me about the trip you are planning with your friends in May.',
  "That's wonderful news! You must be so proud of her.",
  "I'm sorry you can't sleep. Do you want to tell me what's on your mind?",
  'It sounds like a beautiful day. What was the best part of it?',
  "It's normal to feel nervous. You have prepared a lot for this, you know.",
  "I'm here. Tell me about your evening, I'm listening.",
  '辛苦了，早点休息吧。明天会好一点的。',
  '听起来真不错！下次想去哪里爬？',
  '没关系，不想说话的时候我就在这里陪着你。',
  'Oh no! Is the keyboard all right? That is quite a start to the day.',
  'I remember, you said the second round was with the team lead. How did it go?',
];
const LABELS = [
  'joy',
  'calm',
  'sadness',
  'loneliness',
  'fatigue',
  'anxiety',
  'anger',
  'frustration',
  'neutral',
];
const MEMORY_KINDS = ['fact', 'preference', 'person', 'event', 'plan', 'episode'];

/**
 * One user's history. Row ids are md5 of the user id and a counter, so that a reply can name the
 * message it answers without a round trip.
 */
async function seed(
  db: pg.Client,
  userId: string,
  messages: number,
  conversations: number,
  audioBytes: number,
): Promise<History> {
  const sql = (text: string, params: unknown[] = []) => db.query(text, params);
  const sizes = conversationSizes(messages, conversations);
  const firsts = sizes.map((_, k) => 1 + sizes.slice(0, k).reduce((a, b) => a + b, 0));

  await sql(
    `INSERT INTO users (id, created_at, last_seen_at, locale, time_zone)
     VALUES ($1, now() - make_interval(days => $2::int + 1), now(), 'en-GB', 'Europe/London')`,
    [userId, HISTORY_DAYS],
  );
  // Conversation k holds the messages first..first+size-1 of the user's history, in time order.
  await sql(
    `CREATE TEMP TABLE bench_conversations AS
       SELECT k::int, first_g, size, md5($1 || ':c' || k)::uuid AS id
         FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS x(first_g, size, k)`,
    [userId, firsts, sizes],
  );
  await sql(
    `CREATE TEMP TABLE bench_time AS
       SELECT now() - make_interval(days => $1::int) AS t0,
              make_interval(secs => $2::float8 / 1000) AS step`,
    [HISTORY_DAYS, (HISTORY_DAYS * 86_400_000) / messages],
  );
  await sql(
    `INSERT INTO conversations (id, user_id, title, last_seq, message_count, last_message_at,
                                created_at, updated_at, summary, summary_until_seq)
     SELECT c.id, $1::varchar, 'Talk ' || c.k, c.size, c.size, t0 + step * (c.first_g + c.size - 1),
            t0 + step * c.first_g, t0 + step * (c.first_g + c.size - 1),
            repeat('They talked about work, sleep and the family; ', 12), greatest(0, c.size - 20)
       FROM bench_conversations c, bench_time`,
    [userId],
  );
  // Odd seqs are the user's, even ones the replies; every fifth user turn is a voice message.
  await sql(
    `INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, content_tokens,
                           client_msg_id, in_reply_to, status, model, prompt_version, ttft_ms,
                           total_ms, prompt_tokens, completion_tokens, turn_id, created_at,
                           completed_at)
     SELECT md5($1 || ':m' || g)::uuid, c.id, $1::varchar, m.seq,
            CASE WHEN m.is_user THEN 'user' ELSE 'assistant' END,
            CASE WHEN m.is_user AND (m.seq + 1) / 2 % 5 = 0 THEN 'voice' ELSE 'text' END,
            array_to_string(ARRAY(
              SELECT (CASE WHEN m.is_user THEN $2::text[] ELSE $3::text[] END)
                       [1 + (g * 31 + j * 17) % CASE WHEN m.is_user THEN $4::int ELSE $5::int END]
                FROM generate_series(1, CASE WHEN m.is_user THEN 1 + g % 3 ELSE 2 + g % 5 END) j),
              ' '),
            20 + g % 120,
            CASE WHEN m.is_user THEN 'c-' || g END,
            CASE WHEN NOT m.is_user THEN md5($1 || ':m' || (g - 1))::uuid END,
            CASE WHEN m.is_user THEN 'received' ELSE 'completed' END,
            CASE WHEN NOT m.is_user THEN 'companion-qwen3' END,
            CASE WHEN NOT m.is_user THEN 'companion/v3' END,
            CASE WHEN NOT m.is_user THEN 250 + g % 400 END,
            CASE WHEN NOT m.is_user THEN 1500 + g % 4000 END,
            CASE WHEN NOT m.is_user THEN 1800 + g % 1500 END,
            CASE WHEN NOT m.is_user THEN 40 + g % 200 END,
            CASE WHEN NOT m.is_user THEN md5($1 || ':t' || g)::uuid END,
            t0 + step * g,
            CASE WHEN NOT m.is_user THEN t0 + step * g + make_interval(secs => 1.5 + g % 4) END
       FROM bench_conversations c, bench_time,
            generate_series(c.first_g, c.first_g + c.size - 1) g,
            LATERAL (SELECT g - c.first_g + 1 AS seq, (g - c.first_g) % 2 = 0 AS is_user) m`,
    [userId, USER_LINES, ASSISTANT_LINES, USER_LINES.length, ASSISTANT_LINES.length],
  );

  // The audio: a pool of random bytes (stored uncompressed, so that a slice reads only its
  // pages), each clip a slice of one of its blobs.
  const [{ voice }] = (
    await sql(`SELECT count(*)::int AS voice FROM messages WHERE user_id = $1 AND kind = 'voice'`, [
      userId,
    ])
  ).rows as Array<{ voice: number }>;
  const clipBytes = clipSizes(voice, audioBytes);
  const POOL_BLOBS = 16;
  const POOL_BLOB_BYTES = MiB(4);
  await sql(`CREATE TEMP TABLE bench_audio (i int PRIMARY KEY, blob bytea)`);
  await sql(`ALTER TABLE bench_audio ALTER COLUMN blob SET STORAGE EXTERNAL`);
  for (let i = 0; i < POOL_BLOBS; i++) {
    await sql(`INSERT INTO bench_audio VALUES ($1, $2)`, [i, randomBytes(POOL_BLOB_BYTES)]);
  }
  await sql(
    `INSERT INTO voice_clips (message_id, user_id, mime_type, container, codec, size_bytes,
                              duration_sec, audio, expires_at, transcript_status, language,
                              language_hint, transcript_quality, prosody, spectral_tilt, attempts,
                              created_at, updated_at)
     SELECT m.id, $1::varchar, f.mime, f.container, f.codec, s.size,
            least(60, greatest(0.8, s.size / f.bytes_per_sec)),
            substring(a.blob FROM (1 + (s.n * 7919) % ($3::int - s.size + 1))::int FOR s.size),
            m.created_at + interval '365 days', 'done',
            CASE WHEN s.n % 4 = 0 THEN 'zh' ELSE 'en' END, CASE WHEN s.n % 3 = 0 THEN 'en' END,
            jsonb_build_object('segments', 1 + s.n % 6, 'droppedSegments', 0,
                               'avgLogprob', -0.2 - (s.n % 10) / 40.0, 'maxNoSpeechProb', 0.05,
                               'maxCompressionRatio', 1.6, 'suspect', false, 'wordTimestamps', true),
            jsonb_build_object('durationSec', least(60, s.size / f.bytes_per_sec),
                               'f0MeanHz', 180 + s.n % 40, 'f0MedianHz', 178 + s.n % 40,
                               'f0StdHz', 22.5, 'f0StdSemitones', 2.1, 'f0RangeSemitones', 7.4,
                               'f0SlopeSemitonesPerSec', -0.12, 'voicedFraction', 0.58,
                               'loudnessMeanDb', -23.4, 'loudnessStdDb', 6.2, 'jitterLocal', 0.011,
                               'shimmerLocal', 0.092, 'hnrDb', 14.8, 'pauseCount', s.n % 7,
                               'pauseMeanSec', 0.42, 'pauseLongestSec', 1.1,
                               'speakingRate', 3.9, 'speakingRateUnit', 'syllables_per_sec'),
            jsonb_build_object('hammarbergDb', 21.7, 'frames', 300 + s.n % 900),
            1, m.created_at, m.created_at + interval '4 seconds'
       FROM (SELECT id, created_at, row_number() OVER (ORDER BY created_at) AS n FROM messages
              WHERE user_id = $1 AND kind = 'voice') m
       JOIN unnest($2::int[]) WITH ORDINALITY AS s(size, n) USING (n)
       JOIN bench_audio a ON a.i = s.n % $4::int
       CROSS JOIN LATERAL (SELECT * FROM (VALUES
              (0, 'audio/ogg; codecs=opus', 'ogg', 'opus', 4000.0),
              (1, 'audio/webm; codecs=opus', 'webm', 'opus', 4000.0),
              (2, 'audio/mp4', 'mp4', 'aac', 16000.0)) AS v(k, mime, container, codec, bytes_per_sec)
             WHERE v.k = CASE WHEN s.size > 1048576 THEN 2 ELSE s.n % 2 END) f`,
    [userId, clipBytes, POOL_BLOB_BYTES, POOL_BLOBS],
  );

  // How each user message was read; the user's and each conversation's mood.
  await sql(
    `INSERT INTO turn_affects (message_id, user_id, conversation_id, valence, arousal, label,
                               confidence, incongruence, affect, text_emotion, created_at)
     SELECT m.id, $1::varchar, m.conversation_id, v.valence, v.arousal, v.label, 0.62,
            CASE WHEN m.seq % 37 = 0 THEN 'positive_words_low_voice' END,
            jsonb_build_object('valence', v.valence, 'arousal', v.arousal, 'label', v.label,
                               'labels', jsonb_build_array(v.label, 'neutral'),
                               'confidence', 0.62, 'valenceConfidence', 0.7,
                               'arousalConfidence', 0.54, 'hedged', false,
                               'incongruence', NULL, 'vocal', NULL,
                               'evidence', jsonb_build_array(jsonb_build_object(
                                 'source', 'text', 'cue', 'lexicon', 'weight', 0.4))),
            jsonb_build_object('label', v.label, 'valence', v.valence, 'arousal', v.arousal,
                               'confidence', 0.7, 'lang', 'en'),
            m.created_at + interval '200 milliseconds'
       FROM messages m,
            LATERAL (SELECT round(((m.seq % 21) - 10) / 10.0, 2)::real AS valence,
                            round(((m.seq % 13) - 6) / 6.0, 2)::real AS arousal,
                            ($2::text[])[1 + m.seq % 9] AS label) v
      WHERE m.user_id = $1 AND m.role = 'user'`,
    [userId, LABELS],
  );
  const mood = `'{"valence": 0.1, "arousal": -0.2, "label": "calm", "turns": 12}'::jsonb`;
  await sql(
    `INSERT INTO affect_user_states (user_id, voice_baseline, mood)
     VALUES ($1, '{"clips": 20, "f0MeanHz": 192.3, "loudnessMeanDb": -24.1}', ${mood})`,
    [userId],
  );
  await sql(
    `INSERT INTO affect_conversation_states (conversation_id, user_id, mood)
     SELECT id, $1::varchar, ${mood} FROM bench_conversations`,
    [userId],
  );

  // Memories, one for about every 15 messages, one in six superseded by the next; forgets; the
  // cursor at the last message.
  await sql(
    `INSERT INTO memories (id, user_id, kind, text, language, importance, emotional_intensity,
                           valence, arousal, sensitive, core, event_from, valid_until,
                           superseded_by, source_message_ids, origin, dedupe_key, created_at,
                           updated_at)
     SELECT md5($1 || ':mem' || i)::uuid, $1::varchar, ($3::text[])[1 + i % 6],
            'Remembered thing number ' || i || ': ' || ($4::text[])[1 + i % $5::int],
            CASE WHEN i % 4 = 0 THEN 'zh' ELSE 'en' END, 0.3 + (i % 7) / 10.0, (i % 5) / 5.0,
            ((i % 11) - 5) / 5.0, ((i % 9) - 4) / 4.0, i % 17 = 0, i % 50 = 0,
            CASE WHEN i % 6 = 3 THEN t0 + step * (i * 15) END, NULL,
            CASE WHEN i % 6 = 0 AND i < $2::int THEN md5($1 || ':mem' || (i + 1))::uuid END,
            ARRAY[md5($1 || ':m' || (i * 15))::uuid, md5($1 || ':m' || (i * 15 + 2))::uuid],
            'extraction', md5($1 || ':dedupe' || i), t0 + step * (i * 15), t0 + step * (i * 15)
       FROM generate_series(1, $2::int) i, bench_time`,
    [userId, Math.max(6, Math.round(messages / 15)), MEMORY_KINDS, USER_LINES, USER_LINES.length],
  );
  await sql(
    `INSERT INTO memory_forgets (id, user_id, scope, topic, message_ids, saved_memories,
                                 created_at, undo_until, undone_at, followed_up_at)
     SELECT md5($1 || ':forget' || i)::uuid, $1::varchar,
            CASE WHEN i % 2 = 0 THEN 'topic' ELSE 'last' END, CASE WHEN i % 2 = 0 THEN 'my ex' END,
            ARRAY[md5($1 || ':m' || (i * 3))::uuid], NULL, now() - make_interval(days => i * 20),
            now() - make_interval(days => i * 20 - 1), NULL, now() - make_interval(days => i * 20)
       FROM generate_series(1, 6) i`,
    [userId],
  );
  await sql(
    `INSERT INTO memory_cursors (user_id, at, message_id)
     SELECT $1::varchar, created_at, id FROM messages WHERE user_id = $1
      ORDER BY created_at DESC LIMIT 1`,
    [userId],
  );
  // Traces of the last replies (the service keeps them for a while): each a few KiB.
  await sql(
    `INSERT INTO turn_traces (reply_id, user_id, turn_id, answering_id, trace, created_at)
     SELECT r.id, $1::varchar, r.turn_id, r.in_reply_to,
            jsonb_build_object(
              'version', 2, 'turnId', r.turn_id, 'replyId', r.id, 'userId', $1::varchar,
              'conversationId', r.conversation_id, 'answering', r.in_reply_to,
              'answered', jsonb_build_array(r.in_reply_to), 'status', 'completed',
              'errorCode', NULL, 'failedStage', NULL, 'degraded', '[]'::jsonb,
              'model', 'companion-qwen3',
              'route', jsonb_build_object('reason', 'default', 'promptSet', 'companion/v3'),
              'sampling', jsonb_build_object('temperature', 0.7, 'topP', 0.8, 'topK', 20,
                                             'presencePenalty', 1.5, 'maxTokens', 512),
              'promptVersion', 'companion/v3',
              'recalled', jsonb_build_array(
                jsonb_build_object('id', md5($1 || ':mem1')::uuid, 'kind', 'fact',
                                   'text', 'Has a sister who just got a new job.', 'score', 0.71),
                jsonb_build_object('id', md5($1 || ':mem2')::uuid, 'kind', 'event',
                                   'text', 'Went hiking last Saturday.', 'score', 0.55)),
              'prompt', jsonb_build_object(
                'system', repeat('You are a warm, attentive companion. ', 40),
                'summary', repeat('They talked about work, sleep and the family; ', 8),
                'note', NULL,
                'history', (SELECT jsonb_agg(jsonb_build_object('id', md5($1 || ':m' || h)::uuid,
                                                                'role', 'user'))
                              FROM generate_series(1, 20) h),
                'tokens', 2900, 'droppedTurns', 0),
              'timings', jsonb_build_object('stages', jsonb_build_object(
                'history', 3, 'recall', 12, 'affect', 4, 'prompt', 6))),
            r.created_at
       FROM (SELECT * FROM messages WHERE user_id = $1 AND role = 'assistant'
              ORDER BY created_at DESC LIMIT $2) r`,
    [userId, Math.min(2000, Math.floor(messages / 2))],
  );
  await sql('DROP TABLE bench_conversations, bench_time, bench_audio');
  return {
    userId,
    messages,
    conversations,
    voiceClips: voice,
    audioBytes: clipBytes.reduce((a, b) => a + b, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// The server's memory, from /proc.

function status(pid: number): { rssKiB: number; hwmKiB: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)![1]);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** Resets the process's peak RSS (VmHWM) to its current RSS; false where that is not allowed. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Reads the RSS every SAMPLE_MS until stopped; also the longest gap between two samples. */
function sampleRss(pid: number) {
  const samples: number[] = [];
  let last = performance.now();
  let longestGapMs = 0;
  const take = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    samples.push(status(pid).rssKiB);
  };
  take();
  const timer = setInterval(take, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { samples, longestGapMs };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The download, parsed and checked as it arrives.

interface Download {
  status: number;
  bytes: number;
  lines: number;
  badLines: number;
  byType: Record<string, number>;
  audioBytes: number;
  /** Clips whose decoded audio is not size_bytes long. */
  audioSizeMismatches: number;
  /** The counts in the last line, when the last line was `end`. */
  endCounts: Record<string, number> | null;
  firstByteMs: number;
  seconds: number;
}

function download(url: string, token: string, readMiBps: number): Promise<Download> {
  const d: Download = {
    status: 0,
    bytes: 0,
    lines: 0,
    badLines: 0,
    byType: {},
    audioBytes: 0,
    audioSizeMismatches: 0,
    endCounts: null,
    firstByteMs: 0,
    seconds: 0,
  };
  const started = performance.now();
  let lastType = '';
  const onLine = (text: string) => {
    d.lines++;
    let line: { type?: unknown; audio_base64?: unknown; size_bytes?: unknown; counts?: unknown };
    try {
      line = JSON.parse(text) as typeof line;
    } catch {
      d.badLines++;
      return;
    }
    const type = typeof line.type === 'string' ? line.type : '?';
    lastType = type;
    d.byType[type] = (d.byType[type] ?? 0) + 1;
    if (type === 'voiceClip' && typeof line.audio_base64 === 'string') {
      const decoded = Buffer.from(line.audio_base64, 'base64').length;
      d.audioBytes += decoded;
      if (decoded !== line.size_bytes) d.audioSizeMismatches++;
    }
    if (type === 'end') d.endCounts = line.counts as Record<string, number>;
  };
  return new Promise<Download>((resolveDownload, reject) => {
    const request = get(url, { headers: { authorization: `Bearer ${token}` } });
    request.once('error', reject);
    request.once('response', (res: IncomingMessage) => {
      d.status = res.statusCode ?? 0;
      let pending: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (d.bytes === 0) d.firstByteMs = performance.now() - started;
        d.bytes += chunk.length;
        let from = 0;
        for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, from)) {
          const piece = chunk.subarray(from, nl);
          onLine((pending.length ? Buffer.concat([...pending, piece]) : piece).toString('utf8'));
          pending = [];
          from = nl + 1;
        }
        if (from < chunk.length) pending.push(chunk.subarray(from));
        if (readMiBps > 0) {
          const aheadMs = (d.bytes / MiB(readMiBps)) * 1000 - (performance.now() - started);
          if (aheadMs > 1) {
            res.pause();
            setTimeout(() => res.resume(), aheadMs);
          }
        }
      });
      res.once('error', reject);
      res.once('end', () => {
        if (pending.length) onLine(Buffer.concat(pending).toString('utf8'));
        if (lastType !== 'end') d.endCounts = null;
        d.seconds = (performance.now() - started) / 1000;
        resolveDownload(d);
      });
    });
  });
}

/** What is wrong with a download of `history`; empty when it is complete and sound. */
function problemsOf(d: Download, history: History, includeAudio: boolean): string[] {
  const audio = includeAudio ? history.audioBytes : 0;
  return [
    d.status !== 200 && `status ${d.status}`,
    d.badLines > 0 && `${d.badLines} lines are not JSON`,
    d.byType.message !== history.messages &&
      `${d.byType.message ?? 0} messages, not ${history.messages}`,
    d.byType.voiceClip !== history.voiceClips &&
      `${d.byType.voiceClip ?? 0} voice clips, not ${history.voiceClips}`,
    d.audioBytes !== audio && `${d.audioBytes} audio bytes decoded, not ${audio}`,
    d.audioSizeMismatches > 0 && `${d.audioSizeMismatches} clips decode to another size`,
    !d.endCounts && 'the last line is not the end line',
    d.endCounts &&
      Object.entries(d.endCounts).some(([type, n]) => d.byType[type] !== n) &&
      "the end line's counts differ from the lines",
  ].filter((p): p is string => typeof p === 'string');
}

// ---------------------------------------------------------------------------------------------
// Exports against a fresh server.

interface Variant {
  name: string;
  history: History;
  includeAudio: boolean;
  /** The client's read rate; 0: as fast as it can. */
  readMiBps: number;
  /** Also run it a second time on the same server, and measure that one too. */
  again?: boolean;
}

interface Measured {
  export: string;
  freshServer: boolean;
  growthMiB: number;
  complete: boolean;
  includeAudio: boolean;
  history: History;
}

/** One export, measured: the RSS just before it, its peak during, the download's figures. */
async function measure(server: RunningServer, v: Variant, fresh: boolean) {
  const idle = sampleRss(server.pid);
  await sleep(1000);
  const before = median(idle.stop().samples);
  const peakReset = resetPeak(server.pid);
  const sampler = sampleRss(server.pid);
  const token = jwt.sign({}, SECRET, {
    subject: v.history.userId,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: '1h',
    algorithm: 'HS256',
  });
  const d = await download(
    `${server.url}/v1/me/export${v.includeAudio ? '?includeAudio=true' : ''}`,
    token,
    v.readMiBps,
  );
  const { samples, longestGapMs } = sampler.stop();
  const peak = Math.max(...samples, peakReset ? status(server.pid).hwmKiB : 0);
  const growthMiB = round((peak - before) / 1024);
  const problems = problemsOf(d, v.history, v.includeAudio);
  const name = fresh ? v.name : `${v.name}, again on the same server`;
  print({
    phase: 'export',
    export: name,
    user: v.history.userId,
    includeAudio: v.includeAudio,
    clientReadMiBps: v.readMiBps || 'unlimited',
    seconds: round(d.seconds, 2),
    firstByteMs: Math.round(d.firstByteMs),
    bytes: d.bytes,
    MiB: round(d.bytes / MiB(1)),
    MiBps: round(d.bytes / MiB(1) / d.seconds),
    lines: d.lines,
    linesByType: d.byType,
    audioMiBDecoded: round(d.audioBytes / MiB(1), 2),
    checks: problems.length ? problems : 'ok',
    serverRssMiB: {
      before: round(before / 1024),
      peak: round(peak / 1024),
      growth: growthMiB,
      peakFrom: peakReset ? 'VmHWM and samples' : 'samples',
      samples: samples.length,
      longestSampleGapMs: Math.round(longestGapMs),
    },
  });
  return {
    export: name,
    freshServer: fresh,
    growthMiB,
    complete: problems.length === 0,
    includeAudio: v.includeAudio,
    history: v.history,
  };
}

async function runVariant(v: Variant): Promise<Measured[]> {
  const server = await startServer();
  try {
    // Let start-up work (sweeps, queue workers) settle.
    await sleep(3000);
    const heapBefore = await heapAfterGc(server);
    const results = [await measure(server, v, true)];
    if (v.again) results.push(await measure(server, v, false));
    const heapAfter = await heapAfterGc(server);
    print({
      phase: 'heap',
      export: v.name,
      heapAfterFullGcMiB: {
        before: round(heapBefore / MiB(1)),
        after: round(heapAfter / MiB(1)),
        retained: round((heapAfter - heapBefore) / MiB(1)),
      },
    });
    return results;
  } finally {
    await stopServer(server.child);
  }
}

// ---------------------------------------------------------------------------------------------
// The run.

try {
  await runMigrations(dbUrl.href);
  const db = new pg.Client({ connectionString: dbUrl.href });
  await db.connect();
  const seedStarted = performance.now();
  let full: History;
  let tenth: History;
  let size: string;
  try {
    full = await seed(db, 'export-bench-full', MESSAGES, CONVERSATIONS, AUDIO_BYTES);
    tenth = await seed(
      db,
      'export-bench-tenth',
      Math.round(MESSAGES / 10),
      Math.max(1, Math.round(CONVERSATIONS / 10)),
      Math.round(AUDIO_BYTES / 10),
    );
    await db.query('ANALYZE');
    [{ size }] = (await db.query(`SELECT pg_database_size(current_database())::bigint AS size`))
      .rows as Array<{ size: string }>;
  } finally {
    await db.end();
  }
  print({
    phase: 'seed',
    database: dbName,
    seconds: round((performance.now() - seedStarted) / 1000),
    users: [full, tenth].map((h) => ({ ...h, audioMiB: round(h.audioBytes / MiB(1), 2) })),
    databaseMiB: round(Number(size) / MiB(1)),
    serverHeap: HEAP_FLAGS.length ? `${args.heap}: ${HEAP_FLAGS.join(' ')}` : 'node defaults',
  });

  const variants: Variant[] = [
    { name: 'rows only (baseline)', history: full, includeAudio: false, readMiBps: 0 },
    { name: 'with audio', history: full, includeAudio: true, readMiBps: 0, again: true },
    ...(SLOW_MIBPS > 0
      ? [
          {
            name: `with audio, client reading ${SLOW_MIBPS} MiB/s`,
            history: full,
            includeAudio: true,
            readMiBps: SLOW_MIBPS,
          },
        ]
      : []),
    {
      name: 'with audio, a tenth of the history',
      history: tenth,
      includeAudio: true,
      readMiBps: 0,
    },
  ];
  const results: Measured[] = [];
  for (const v of variants) results.push(...(await runVariant(v)));

  const judged = results.filter((r) => r.includeAudio && r.history === full);
  const fresh = judged.filter((r) => r.freshServer);
  const warm = judged.filter((r) => !r.freshServer);
  const verdict = (rs: Measured[]) =>
    rs.every((r) => r.complete && r.growthMiB < MAX_GROWTH_MIB) ? 'PASS' : 'FAIL';
  print({
    phase: 'summary',
    goal: `server RSS growth < ${MAX_GROWTH_MIB} MiB during an export with audio of the full history`,
    growthMiB: Object.fromEntries(results.map((r) => [r.export, r.growthMiB])),
    exportsComplete: results.every((r) => r.complete),
    verdict: verdict(fresh),
    warmVerdict: verdict(warm),
    serverHeap: HEAP_FLAGS.length ? `${args.heap}: ${HEAP_FLAGS.join(' ')}` : 'node defaults',
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memGiB: round(totalmem() / 2 ** 30),
      node: process.version,
    },
  });
  process.exitCode = verdict(fresh) === 'PASS' ? 0 : 1;
} finally {
  await cleanup();
}

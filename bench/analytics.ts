/**
 * npm run bench:analytics [-- --users 1000000 --messages 50000000 --days 90 --keep]
 *
 * What the analytics roll-ups buy. A scratch database `analytics_bench_<random>` (migrated, on
 * BENCH_PG_URL's server, by default the local one) gets --users users who sign up over --days
 * days ending yesterday (Asia/Shanghai, the default analytics zone) and --messages message rows
 * (user messages and their replies, every fifth user message a voice one), loaded with COPY in
 * time order as the service writes them; a tenth of the users are minors. Users come back on a
 * decaying curve, so cohorts retain as real ones do. Then, timed:
 * 1. the backfill of every day's roll-up (what `analytics:export -- --backfill` does), with the
 *    part spent keeping the cohort rows (analytics_user_cohorts);
 * 2. the nightly roll-up of one day (the last), and the cohort upkeep within it;
 * 3. a full D1/D7/D30 retention export with breakdowns (platform, age band, voice vs text,
 *    signup week) from the cohort roll-up, as CSV to a null sink, with the process's RSS sampled;
 * 4. the same first-time D1/D7/D30 cells (overall and by platform) straight from the raw messages
 *    in one SQL statement;
 * 5. for the record, the other first-time kinds from the cohort roll-up (unbounded, rolling).
 * The answers of 3 and 4 must be identical (every elapsed cell); the goal is 3 at least ten
 * times faster than 4. Prints JSON lines: the load, each timing, and a summary with the verdict.
 */
import { FeedbackRepository } from '../src/feedback/feedback.repository.js';
import { ExperimentRepository } from '../src/feedback/experiments/experiment.repository.js';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { AffectRepository } from '../src/affect/affect.repository.js';
import { AnalyticsRepository } from '../src/analytics/analytics.repository.js';
import { AnalyticsService } from '../src/analytics/analytics.service.js';
import { dayNumber, dayOf, dayStartMs, isoDay } from '../src/analytics/calendar.js';
import { loadConfig } from '../src/config/app-config.js';
import { MessageRepository } from '../src/conversation/message.repository.js';
import { dataSourceOptions, runMigrations } from '../src/database/data-source.js';
import { SafetyRepository } from '../src/safety/safety.repository.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    messages: { type: 'string', default: '50000000' },
    days: { type: 'string', default: '90' },
    keep: { type: 'boolean', default: false },
  },
});
const USERS = Number(args.users);
const MESSAGES = Number(args.messages);
const DAYS = Number(args.days);
const ZONE = 'Asia/Shanghai';
const out = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

const serverUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `analytics_bench_${randomBytes(4).toString('hex')}`;
const urlOf = (db: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${db}`;
  return u.href;
};
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = urlOf(name);
let ds: DataSource | null = null;
try {
  await runMigrations(url);
  const lastDay = dayOf(Date.now(), ZONE) - 1;
  const firstDay = lastDay - DAYS + 1;
  out({
    bench: 'analytics',
    users: USERS,
    messages: MESSAGES,
    days: DAYS,
    firstDay: isoDay(firstDay),
    lastDay: isoDay(lastDay),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
  });

  const loadStarted = Date.now();
  const loaded = await load(url, firstDay);
  out({ step: 'load', ...loaded, seconds: (Date.now() - loadStarted) / 1000 });

  ds = new DataSource({ ...dataSourceOptions(url, 4), logging: false });
  await ds.initialize();
  const analytics = new AnalyticsService(
    loadConfig({
      ANALYTICS_PSEUDONYM_KEY: randomBytes(24).toString('hex'),
      ANALYTICS_TIME_ZONE: ZONE,
    }),
    new AnalyticsRepository(ds),
    new MessageRepository(ds),
    new SafetyRepository(ds),
    new AffectRepository(ds),
    new FeedbackRepository(ds),
    new ExperimentRepository(ds),
  );

  let t = Date.now();
  const backfill = await analytics.rollupDays(isoDay(firstDay), isoDay(lastDay));
  const backfillSeconds = (Date.now() - t) / 1000;
  out({ step: 'backfill', ...backfill, seconds: backfillSeconds });
  await ds.query('ANALYZE analytics_user_days');
  await ds.query('ANALYZE analytics_user_cohorts');

  t = Date.now();
  const nightly = await analytics.rollupDays(isoDay(lastDay), isoDay(lastDay));
  const nightlySeconds = (Date.now() - t) / 1000;
  out({
    step: 'nightly roll-up of one day',
    day: isoDay(lastDay),
    ...nightly,
    seconds: nightlySeconds,
  });

  // 3. The export from the roll-ups, RSS sampled.
  const resolved = await analytics.resolve({
    from: isoDay(firstDay),
    to: isoDay(lastDay),
    offsets: [1, 7, 30],
    breakdowns: ['platform', 'age_band', 'voice_text', 'signup_week'],
  });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  t = Date.now();
  const prepared = await analytics.prepareExport(resolved);
  const lines: string[] = [];
  let bytes = 0;
  await prepared.write(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        lines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const rollupSeconds = (Date.now() - t) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const csv = lines.join('').trim().split('\n').slice(2);
  out({
    step: 'export from the cohort roll-up',
    rows: csv.length,
    bytes,
    seconds: rollupSeconds,
    rssBeforeMiB: mib(rssBefore),
    rssPeakMiB: mib(rssPeak),
  });

  // 4. The same cells from the raw messages, one statement.
  t = Date.now();
  const raw = await ds.query<Array<Record<string, unknown>>>(
    `WITH d AS (SELECT user_id, (created_at AT TIME ZONE $1)::date AS day
                  FROM messages WHERE role = 'user' GROUP BY 1, 2),
          f AS (SELECT user_id, min(day) AS first FROM d GROUP BY 1),
          r AS (SELECT f.user_id, f.first, coalesce(u.platform, 'unknown') AS platform,
                       bool_or(d.day = f.first + 1) AS d1, bool_or(d.day = f.first + 7) AS d7,
                       bool_or(d.day = f.first + 30) AS d30
                  FROM f JOIN d USING (user_id) JOIN users u ON u.id = f.user_id
                 WHERE f.first BETWEEN $2::date AND $3::date
                 GROUP BY 1, 2, 3)
     SELECT to_char(first, 'YYYY-MM-DD') AS cohort, v.dimension, v.value, count(*)::int AS size,
            count(*) FILTER (WHERE d1)::int AS d1, count(*) FILTER (WHERE d7)::int AS d7,
            count(*) FILTER (WHERE d30)::int AS d30
       FROM r, LATERAL (VALUES ('all', 'all'), ('platform', r.platform)) v(dimension, value)
      GROUP BY 1, 2, 3`,
    [ZONE, isoDay(firstDay), isoDay(lastDay)],
  );
  const rawSeconds = (Date.now() - t) / 1000;
  out({ step: 'retention from raw messages', rows: raw.length, seconds: rawSeconds });

  // 5. The other first-time kinds, from the same rows (no comparison: the raw query does not
  // compute them).
  const kinds: Record<string, number> = {};
  for (const [kind, over] of [
    ['calendar, on or after', { return: 'on_or_after' }],
    ['rolling 24 h, on', { mode: 'rolling' }],
    ['rolling 24 h, on or after', { mode: 'rolling', return: 'on_or_after' }],
    ['calendar weeks, on', { granularity: 'week' }],
  ] as const) {
    const r = await analytics.resolve({
      from: isoDay(firstDay),
      to: isoDay(lastDay),
      offsets: [1, 7, 30],
      breakdowns: ['platform', 'age_band', 'voice_text', 'signup_week'],
      ...over,
    });
    t = Date.now();
    await analytics.retention(r);
    kinds[kind] = (Date.now() - t) / 1000;
  }
  out({ step: 'other first-time kinds from the cohort roll-up', seconds: kinds });

  // Compare every elapsed cell of the dimensions both computed.
  const fromRollups = new Set(
    csv
      .map((l) => l.split(','))
      .filter(([, dim, , , , returned]) => (dim === 'all' || dim === 'platform') && returned !== '')
      .map(
        ([cohort, dim, value, size, period, returned]) =>
          `${cohort}|${dim}|${value}|${size}|${period}|${returned}`,
      ),
  );
  const fromRaw = new Set<string>();
  for (const r of raw) {
    for (const [n, key] of [
      [1, 'd1'],
      [7, 'd7'],
      [30, 'd30'],
    ] as const) {
      if (dayNumber(r.cohort as string) + n > lastDay) continue;
      fromRaw.add(
        `${String(r.cohort)}|${String(r.dimension)}|${String(r.value)}|${String(r.size)}|${n}|${String(r[key])}`,
      );
    }
  }
  const missing = [...fromRaw].filter((k) => !fromRollups.has(k));
  const extra = [...fromRollups].filter((k) => !fromRaw.has(k));
  const identical = missing.length === 0 && extra.length === 0;
  const ratio = rawSeconds / rollupSeconds;
  out({
    summary: true,
    users: USERS,
    messages: loaded.messages,
    days: DAYS,
    backfillSeconds,
    backfillCohortSeconds: backfill.cohortSeconds,
    nightlyRollupSeconds: nightlySeconds,
    nightlyCohortSeconds: nightly.cohortSeconds,
    nightlyCohortUsers: nightly.cohortUsers,
    exportFromRollupsSeconds: rollupSeconds,
    exportPeakRssMiB: mib(rssPeak),
    rawSqlSeconds: rawSeconds,
    ratio: Math.round(ratio * 10) / 10,
    cellsCompared: fromRaw.size,
    identical,
    ...(identical ? {} : { missing: missing.slice(0, 5), extra: extra.slice(0, 5) }),
    verdict: identical && ratio >= 10 ? 'PASS' : 'FAIL',
  });
} finally {
  await ds?.destroy();
  if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  else console.error(`kept ${url}`);
  await admin.end();
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

/** A deterministic number in [0, 1) from two integers (so that a decision can be replayed). */
function rand(a: number, b: number): number {
  let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
  return ((h ^ (h >>> 15)) >>> 0) / 2 ** 32;
}

/** Signup day (offset from the first day) and whether the user comes back on day offset k. */
function signupOf(u: number): number {
  return Math.floor(rand(u, 1) * DAYS);
}
function stickiness(u: number): number {
  return 0.15 + 0.7 * rand(u, 2);
}
function activeOn(u: number, k: number): boolean {
  if (k === 0) return true;
  return rand(u, 1000 + k) < stickiness(u) * 0.6 * Math.pow(k, -0.45);
}

/** A uuid from a number: ids in insertion order, as uuidv7 gives them. */
function seqUuid(prefix: string, n: number): string {
  const h = n.toString(16).padStart(12, '0');
  return `${prefix}-0000-7000-8000-${h}`;
}

async function load(dbUrl: string, firstDay: number) {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    // Users, their conversations, and age bands (a tenth are minors).
    const platforms = ['ios', 'android', 'web'];
    await copy(
      client,
      'COPY users (id, created_at, platform, app_version, time_zone) FROM STDIN',
      function* () {
        for (let u = 0; u < USERS; u++) {
          const at = new Date(dayStartMs(firstDay + signupOf(u), ZONE) + 3600_000).toISOString();
          yield `u${u}\t${at}\t${platforms[u % 3]}\t2.${u % 5}.0\t${ZONE}\n`;
        }
      },
    );
    await copy(client, 'COPY conversations (id, user_id, last_seq) FROM STDIN', function* () {
      for (let u = 0; u < USERS; u++) yield `${seqUuid('00000000', u)}\tu${u}\t0\n`;
    });
    await copy(client, 'COPY safety_user_states (user_id, age_band) FROM STDIN', function* () {
      for (let u = 0; u < USERS; u++) yield `u${u}\t${u % 10 === 0 ? 'minor' : 'adult'}\n`;
    });
    // How many active days the curve gives, to spread --messages over them.
    let activeDays = 0;
    for (let u = 0; u < USERS; u++) {
      for (let k = 0; signupOf(u) + k < DAYS; k++) if (activeOn(u, k)) activeDays++;
    }
    const perDay = Math.max(1, MESSAGES / 2 / activeDays);
    const seq = new Int32Array(USERS);
    let rows = 0;
    let id = 0;
    // Messages day by day (time order, as the service writes them): each active user writes a
    // session of n messages from an evening-heavy hour, a reply 5 s after each.
    await copy(
      client,
      'COPY messages (id, conversation_id, user_id, seq, role, kind, content, status, created_at) FROM STDIN',
      function* () {
        for (let d = 0; d < DAYS; d++) {
          const dayStart = dayStartMs(firstDay + d, ZONE);
          for (let u = 0; u < USERS; u++) {
            const k = d - signupOf(u);
            if (k < 0 || !activeOn(u, k)) continue;
            const r = rand(u, 5000 + d);
            const n = Math.max(1, Math.round(-Math.log(1 - r * 0.999) * perDay));
            const hour = Math.floor(Math.pow(rand(u, 9000 + d), 0.6) * 24);
            let at = dayStart + hour * 3600_000 + Math.floor(rand(u, 7000 + d) * 3600_000);
            const conv = seqUuid('00000000', u);
            for (let i = 0; i < n; i++) {
              const voice = (seq[u] / 2) % 5 === 4 ? 'voice' : 'text';
              yield `${seqUuid('10000000', id++)}\t${conv}\tu${u}\t${++seq[u]}\tuser\t${voice}\t\treceived\t${new Date(at).toISOString()}\n`;
              yield `${seqUuid('10000000', id++)}\t${conv}\tu${u}\t${++seq[u]}\tassistant\ttext\t\tcompleted\t${new Date(at + 5000).toISOString()}\n`;
              rows += 2;
              at += 60_000 + Math.floor(rand(u, i * 31 + d) * 240_000);
            }
          }
        }
      },
    );
    await client.query(
      `UPDATE conversations c SET last_seq = s.n FROM (SELECT conversation_id, max(seq) AS n FROM messages GROUP BY 1) s WHERE s.conversation_id = c.id`,
    );
    await client.query('ANALYZE');
    return { users: USERS, messages: rows, activeUserDays: activeDays };
  } finally {
    await client.end();
  }
}

async function copy(client: pg.Client, sql: string, rows: () => Generator<string>): Promise<void> {
  const stream = client.query(copyFrom(sql));
  const source = Readable.from(batched(rows()));
  await pipeline(source, stream);
}

/** Joins rows into ~256 KiB pieces: one stream write per piece, not per row. */
function* batched(rows: Generator<string>): Generator<string> {
  let buf = '';
  for (const r of rows) {
    buf += r;
    if (buf.length > 262_144) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

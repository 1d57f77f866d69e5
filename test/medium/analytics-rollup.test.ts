import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FeedbackRepository } from '../../src/feedback/feedback.repository.js';
import { ExperimentRepository } from '../../src/feedback/experiments/experiment.repository.js';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { AnalyticsRepository } from '../../src/analytics/analytics.repository.js';
import { AnalyticsService } from '../../src/analytics/analytics.service.js';
import { PARQUET_METADATA_KEY } from '../../src/analytics/export-format.js';
import { loadConfig } from '../../src/config/app-config.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { SafetyRepository } from '../../src/safety/safety.repository.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The roll-up against the real tables: a hand-made history around midnight in Asia/Shanghai,
 * sessions, safety and affect counts, re-runs, the exclusion of test accounts, deletion, and
 * the exports read back (Parquet with hyparquet, another implementation than the writer's).
 */

let db: TestDatabase;
let ds: DataSource;
let analytics: AnalyticsService;
const KEY = 'a-test-key-that-is-at-least-32-chars';

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 4), logging: false });
  await ds.initialize();
  const messages = new MessageRepository(ds);
  analytics = new AnalyticsService(
    loadConfig({ ANALYTICS_PSEUDONYM_KEY: KEY }),
    new AnalyticsRepository(ds),
    messages,
    new SafetyRepository(ds),
    new AffectRepository(ds),
    new FeedbackRepository(ds),
    new ExperimentRepository(ds),
  );
  await seed();
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

/** A user's messages at UTC instants: [time, role, kind]. */
async function history(
  userId: string,
  messages: Array<[string, 'user' | 'assistant', 'text' | 'voice']>,
  user: { platform?: string; timeZone?: string; createdAt?: string } = {},
) {
  await sql(
    db.url,
    `INSERT INTO users (id, platform, app_version, time_zone, created_at) VALUES ($1, $2, '2.1.0', $3, $4)`,
    [
      userId,
      user.platform ?? null,
      user.timeZone ?? null,
      user.createdAt ?? '2026-02-20T00:00:00Z',
    ],
  );
  const [c] = await sql<{ id: string }>(
    db.url,
    `INSERT INTO conversations (id, user_id, last_seq) VALUES (gen_random_uuid(), $1, $2) RETURNING id`,
    [userId, messages.length],
  );
  let seq = 0;
  for (const [at, role, kind] of messages) {
    await sql(
      db.url,
      `INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, status, created_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'words never read by analytics', $6, $7)`,
      [c.id, userId, ++seq, role, kind, role === 'user' ? 'received' : 'completed', at],
    );
  }
  return c.id;
}

async function seed() {
  // a1, in Shanghai time: 03-01 23:50 and 03-02 00:10 (one session from 03-01, 20 min), 00:50
  // (40 min later: a new session, 03-02), 10:00 a voice message and its reply.
  const conversation = await history(
    'a1',
    [
      ['2026-03-01T15:50:00Z', 'user', 'text'],
      ['2026-03-01T16:10:00Z', 'user', 'text'],
      ['2026-03-01T16:50:00Z', 'user', 'text'],
      ['2026-03-02T02:00:00Z', 'user', 'voice'],
      ['2026-03-02T02:00:05Z', 'assistant', 'text'],
    ],
    { platform: 'ios', timeZone: 'Asia/Shanghai' },
  );
  await sql(
    db.url,
    `INSERT INTO safety_user_states (user_id, age_band) VALUES ('a1', 'minor');
     INSERT INTO crisis_events (id, user_id, level, evidence, protocol_version, locale, resources, created_at)
       VALUES (gen_random_uuid(), 'a1', 'high', '{}', 'safety/v1', 'en', '{us-988}', '2026-03-02T03:00:00Z');
     INSERT INTO compliance_events (id, user_id, kind, policy, text_version, created_at)
       VALUES (gen_random_uuid(), 'a1', 'ai_disclosure', 'us-ca:minor', 'v1', '2026-03-02T03:00:00Z')`,
  );
  const [m] = await sql<{ id: string }>(
    db.url,
    `SELECT id FROM messages WHERE user_id = 'a1' AND kind = 'voice'`,
  );
  await sql(
    db.url,
    `INSERT INTO turn_affects (message_id, user_id, conversation_id, valence, arousal, label, confidence, affect, created_at)
     VALUES ($1, 'a1', $2, -0.5, 0.3, 'sad', 0.8, '{}', '2026-03-02T02:00:01Z')`,
    [m.id, conversation],
  );
  // a1 rates the reply up, then changes to down (the last rating counts), and regenerates it;
  // a1 is in an experiment's treatment from before the days rolled up.
  const [reply] = await sql<{ id: string }>(
    db.url,
    `SELECT id FROM messages WHERE user_id = 'a1' AND role = 'assistant'`,
  );
  await sql(
    db.url,
    `INSERT INTO feedback_events (id, user_id, reply_id, conversation_id, kind, rating, created_at) VALUES
       (gen_random_uuid(), 'a1', $1, $2, 'rating', 'up', '2026-03-02T03:00:00Z'),
       (gen_random_uuid(), 'a1', $1, $2, 'rating', 'down', '2026-03-02T03:05:00Z'),
       (gen_random_uuid(), 'a1', $1, $2, 'regenerate', NULL, '2026-03-02T03:10:00Z')`,
    [reply.id, conversation],
  );
  await sql(
    db.url,
    `INSERT INTO experiment_exposures (experiment_key, user_id, variant, first_exposed_at)
     VALUES ('tone-test', 'a1', 'warmer', '2026-02-28T00:00:00Z')`,
  );
  // b1 writes only on 03-01 (Shanghai); test-bot-1 is a test account (left out of reads).
  await history('b1', [['2026-03-01T04:00:00Z', 'user', 'text']], { platform: 'android' });
  await history('test-bot-1', [
    ['2026-03-01T04:00:00Z', 'user', 'text'],
    ['2026-03-02T04:00:00Z', 'user', 'text'],
  ]);
}

/** The cohort rows as stored (bits, times and first-week values), without when they were written. */
async function cohortRows() {
  return sql(
    db.url,
    `SELECT user_id, event, to_char(first_day, 'YYYY-MM-DD') AS first_day, first_at, to_char(last_day, 'YYYY-MM-DD') AS last_day,
            active_days::text AS active_days, day_firsts::text AS day_firsts, day_lasts::text AS day_lasts,
            to_char(signup_day, 'YYYY-MM-DD') AS signup_day, platform, experiment_variant, age_band,
            first_week_voice, first_week_valence_sum, first_week_affect_count
       FROM analytics_user_cohorts ORDER BY user_id, event`,
  );
}

async function rows() {
  return sql(
    db.url,
    `SELECT user_id, to_char(day, 'YYYY-MM-DD') AS day, messages, voice_messages, replies, sessions,
            session_seconds, late_night_messages, crisis_events, crisis_referrals, notices_shown,
            valence_sum, affect_count, platform, age_band, to_char(signup_day, 'YYYY-MM-DD') AS signup_day,
            thumbs_up, thumbs_down, regenerates, experiment_variant
       FROM analytics_user_days ORDER BY user_id, day`,
  );
}

describe('the roll-up of a day', () => {
  it('counts each user on their local days, sessions on the day they started', async () => {
    await analytics.rollupDays('2026-03-01', '2026-03-02');
    const got = await rows();
    const a1 = got.filter((r) => r.user_id === 'a1');
    expect(a1).toEqual([
      expect.objectContaining({
        day: '2026-03-01',
        messages: 1,
        sessions: 1,
        session_seconds: 1200,
        late_night_messages: 1,
        platform: 'ios',
        age_band: 'minor',
        signup_day: '2026-02-20',
        thumbs_up: 0,
        thumbs_down: 0,
        regenerates: 0,
        experiment_variant: 'tone-test:warmer',
      }),
      expect.objectContaining({
        day: '2026-03-02',
        messages: 3,
        voice_messages: 1,
        replies: 1,
        // 00:50 alone, then 10:00 alone: two sessions of no length.
        sessions: 2,
        session_seconds: 0,
        late_night_messages: 2,
        crisis_events: 1,
        crisis_referrals: 1,
        notices_shown: 1,
        valence_sum: -0.5,
        affect_count: 1,
        thumbs_up: 0,
        thumbs_down: 1,
        regenerates: 1,
        experiment_variant: 'tone-test:warmer',
      }),
    ]);
    expect(got.filter((r) => r.user_id === 'b1')).toEqual([
      expect.objectContaining({ day: '2026-03-01', thumbs_up: 0, experiment_variant: null }),
    ]);
    const [sessions] = await sql(db.url, `SELECT count(*)::int AS n FROM analytics_sessions`);
    expect(sessions.n).toBe(1 + 2 + 1 + 2);
  });

  it("keeps each user's cohort row per event: first day and time, a bit per day, first-week facts", async () => {
    const got = await cohortRows();
    expect(got.filter((r) => r.user_id === 'a1')).toEqual([
      expect.objectContaining({
        event: 'message',
        first_day: '2026-03-01',
        first_at: new Date('2026-03-01T15:50:00Z'),
        last_day: '2026-03-02',
        active_days: '11',
        platform: 'ios',
        age_band: 'minor',
        signup_day: '2026-02-20',
        experiment_variant: 'tone-test:warmer',
        first_week_voice: true,
        first_week_valence_sum: -0.5,
        first_week_affect_count: 1,
      }),
      expect.objectContaining({
        event: 'voice_message',
        first_day: '2026-03-02',
        first_at: new Date('2026-03-02T02:00:00Z'),
        active_days: '1',
        first_week_voice: true,
      }),
    ]);
    expect(got.filter((r) => r.user_id === 'b1').map((r) => [r.event, r.active_days])).toEqual([
      ['message', '1'],
    ]);
  });

  it('gives the same rows when run again, for everyone or for one user', async () => {
    const before = await rows();
    const cohorts = await cohortRows();
    await analytics.rollupDays('2026-03-01', '2026-03-02');
    expect(await rows()).toEqual(before);
    expect(await cohortRows()).toEqual(cohorts);
    await analytics.rollupDays('2026-03-02', '2026-03-02', ['a1']);
    expect(await rows()).toEqual(before);
    expect(await cohortRows()).toEqual(cohorts);
  });

  it('gives the same cohort rows whatever order the days come in, and when rebuilt', async () => {
    const cohorts = await cohortRows();
    await sql(db.url, `DELETE FROM analytics_user_cohorts; DELETE FROM analytics_user_days`);
    // The later day first: the earlier one then moves every first day back.
    await analytics.rollupDays('2026-03-02', '2026-03-02');
    expect((await cohortRows()).find((r) => r.user_id === 'a1')).toMatchObject({
      first_day: '2026-03-02',
      active_days: '1',
    });
    await analytics.rollupDays('2026-03-01', '2026-03-01');
    expect(await cohortRows()).toEqual(cohorts);
    await sql(db.url, `DELETE FROM analytics_user_cohorts`);
    expect(await analytics.rebuildCohorts()).toBe(3);
    expect(await cohortRows()).toEqual(cohorts);
  });

  it('answers retention from the roll-ups, test accounts left out', async () => {
    const r = await analytics.resolve({ from: '2026-03-01', to: '2026-03-02', offsets: [1] });
    expect(r.dataThrough).toBe('2026-03-02');
    const cells = await analytics.retention(r);
    // Cohort 03-01: a1 (back 03-02) and b1 (not back); test-bot-1 is not counted.
    expect(cells).toEqual([
      expect.objectContaining({ cohort: '2026-03-01', size: 2, offset: 1, returned: 1, rate: 0.5 }),
    ]);
    const { days } = await analytics.activity(r);
    expect(days.map((d) => [d.day, d.dau, d.mau])).toEqual([
      ['2026-03-01', 2, 2],
      ['2026-03-02', 1, 2],
    ]);
  });

  it('gives D1 and D7 return by experiment variant, only for cohorts that have elapsed', async () => {
    const byVariant = await analytics.returnByVariant(
      'tone-test',
      new Date('2026-02-28T00:00:00Z'),
    );
    // a1 was active in `warmer` on 03-01 and came back on 03-02; 03-02's next day is not in yet.
    expect([...byVariant]).toEqual([['warmer', { d1: 1, d7: null, userDays: 1 }]]);
    expect(
      (await analytics.returnByVariant('another', new Date('2026-02-28T00:00:00Z'))).size,
    ).toBe(0);
  });

  it('refuses a range longer than ANALYTICS_MAX_RANGE_DAYS', async () => {
    await expect(analytics.resolve({ from: '2020-01-01', to: '2026-03-02' })).rejects.toMatchObject(
      { response: { code: 'range_too_large' } },
    );
  });
});

async function exported(query: Parameters<AnalyticsService['resolve']>[0]): Promise<Buffer> {
  const prepared = await analytics.prepareExport(await analytics.resolve(query));
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await prepared.write(out);
  return Buffer.concat(chunks);
}

describe('exports', () => {
  const query = { from: '2026-03-01', to: '2026-03-02', offsets: [1], breakdowns: ['platform'] };

  it('writes CSV: the metadata line, a header, a row per cohort, breakdown value and period', async () => {
    const text = (await exported({ ...query, format: 'csv' } as never)).toString('utf8');
    const lines = text.trim().split('\n');
    const meta = JSON.parse(lines[0].slice(2)) as Record<string, unknown>;
    expect(meta).toMatchObject({
      definitionVersion: 'analytics/v1',
      timeZone: 'Asia/Shanghai',
      cohortEvent: 'message',
      returnEvent: 'message',
      mode: 'calendar',
      return: 'on',
      filters: { excludeUsers: '^(test|internal|qa)[-_:.]' },
    });
    expect(lines[1]).toBe('cohort,dimension,value,cohort_size,period,returned,retention');
    expect(lines.slice(2).sort()).toEqual([
      '2026-03-01,all,all,2,1,1,0.5',
      '2026-03-01,platform,android,1,1,0,0',
      '2026-03-01,platform,ios,1,1,1,1',
    ]);
  });

  it('writes JSON Lines: metadata first, then the rows', async () => {
    const text = (await exported({ ...query, format: 'jsonl' } as never)).toString('utf8');
    const [first, ...rest] = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ metadata: { dataset: 'retention', offsets: [1] } });
    expect(rest).toContainEqual({
      cohort: '2026-03-01',
      dimension: 'all',
      value: 'all',
      cohort_size: 2,
      period: 1,
      returned: 1,
      retention: 0.5,
    });
  });

  it('writes Parquet that another reader opens, metadata in the footer', async () => {
    const buf = await exported({ ...query, format: 'parquet' } as never);
    const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const rowsRead = await parquetReadObjects({ file });
    expect(
      rowsRead
        .map((r) => `${r.dimension}/${r.value}:${Number(r.cohort_size)}/${Number(r.returned)}`)
        .sort(),
    ).toEqual(['all/all:2/1', 'platform/android:1/0', 'platform/ios:1/1']);
    const meta = await parquetMetadataAsync(file);
    const kv = meta.key_value_metadata?.find((k) => k.key === PARQUET_METADATA_KEY);
    expect(JSON.parse(kv?.value ?? '{}')).toMatchObject({ timeZone: 'Asia/Shanghai' });
  });

  it('names users only by their HMAC pseudonym, and never carries message text', async () => {
    const text = (
      await exported({ dataset: 'user_days', format: 'csv', from: '2026-03-01', to: '2026-03-02' })
    ).toString('utf8');
    expect(text).toContain(analytics.pseudonym('a1'));
    expect(analytics.pseudonym('a1')).toMatch(/^[0-9a-f]{64}$/);
    expect(text).not.toMatch(/\ba1\b|b1,|test-bot|words never read/);
  });
});

describe('the cohort roll-up and the pure core', () => {
  it('give the same first-time cells for every granularity, mode, return kind, event and breakdown', async () => {
    // 40 users writing on pseudo-random days of 2025-05..07 (Shanghai), some in voice, some
    // minors, with moods: enough variety for weeks, months, both return kinds and breakdowns.
    await sql(
      db.url,
      `INSERT INTO users (id, platform, created_at)
         SELECT 'r' || i, (ARRAY['ios', 'android', NULL])[1 + i % 3], '2025-04-28T00:00:00Z'::timestamptz + i * interval '1 day'
           FROM generate_series(0, 39) i;
       INSERT INTO safety_user_states (user_id, age_band) SELECT 'r' || i, 'minor' FROM generate_series(0, 39, 4) i;
       INSERT INTO conversations (id, user_id, last_seq)
         SELECT ('00000000-0000-7000-9000-' || lpad(i::text, 12, '0'))::uuid, 'r' || i, 0 FROM generate_series(0, 39) i;
       INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, status, created_at)
         SELECT gen_random_uuid(), ('00000000-0000-7000-9000-' || lpad(i::text, 12, '0'))::uuid, 'r' || i,
                row_number() OVER (PARTITION BY i ORDER BY d), 'user',
                CASE WHEN (i + d) % 5 = 0 THEN 'voice' ELSE 'text' END, 'received',
                '2025-05-01T00:00:00Z'::timestamptz + d * interval '1 day' + (i % 24) * interval '1 hour'
           FROM generate_series(0, 39) i, generate_series(0, 80) d
          WHERE d >= i AND abs(hashtext(i || ':' || d)) % 100 < 100 / (1 + (d - i) / 3)`,
    );
    await sql(
      db.url,
      `INSERT INTO turn_affects (message_id, user_id, conversation_id, valence, arousal, label, confidence, affect, created_at)
         SELECT id, user_id, conversation_id, CASE WHEN seq % 3 = 0 THEN -0.6 ELSE 0.4 END, 0, 'x', 1, '{}', created_at
           FROM messages WHERE user_id LIKE 'r%' AND seq % 2 = 0`,
    );
    await analytics.rollupDays('2025-05-01', '2025-07-25');
    let compared = 0;
    for (const granularity of ['day', 'week', 'month'] as const) {
      for (const ret of ['on', 'on_or_after'] as const) {
        for (const mode of ['calendar', 'rolling'] as const) {
          for (const [cohortEvent, returnEvent] of [
            ['message', 'message'],
            ['voice_message', 'voice_message'],
            ['message', 'voice_message'],
            ['voice_message', 'message'],
          ] as const) {
            const r = await analytics.resolve({
              from: '2025-05-01',
              to: '2025-06-30',
              granularity,
              return: ret,
              mode,
              cohortEvent,
              returnEvent,
              offsets: [0, 1, 2, 7, 30],
              breakdowns: ['signup_week', 'platform', 'age_band', 'voice_text', 'first_week_mood'],
            });
            const fromCohorts = await analytics.retention(r, 'cohorts');
            expect(fromCohorts.length).toBeGreaterThan(10);
            expect(fromCohorts).toEqual(await analytics.retention(r, 'core'));
            compared += fromCohorts.filter((x) => x.returned !== null).length;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(2000);
  }, 30_000); // dozens of retention queries, each twice: seconds on a busy machine
});

describe('account deletion', () => {
  it("removes the user's roll-up rows and sessions, and only theirs", async () => {
    const deleted = await analytics.deleteUserData('a1');
    expect(deleted).toEqual({
      analytics_user_days: 2,
      analytics_sessions: 3,
      analytics_user_cohorts: 2,
    });
    const left = await sql(
      db.url,
      `SELECT DISTINCT user_id FROM analytics_user_days WHERE user_id NOT LIKE 'r%' ORDER BY 1`,
    );
    expect(left.map((r) => r.user_id)).toEqual(['b1', 'test-bot-1']);
    const [s] = await sql(
      db.url,
      `SELECT count(*)::int AS n FROM analytics_sessions WHERE user_id = 'a1'`,
    );
    expect(s.n).toBe(0);
    const cohorts = await sql(
      db.url,
      `SELECT DISTINCT user_id FROM analytics_user_cohorts WHERE user_id NOT LIKE 'r%' ORDER BY 1`,
    );
    expect(cohorts.map((r) => r.user_id)).toEqual(['b1', 'test-bot-1']);
  });
});

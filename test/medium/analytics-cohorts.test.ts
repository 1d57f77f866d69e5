import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FeedbackRepository } from '../../src/feedback/feedback.repository.js';
import { ExperimentRepository } from '../../src/feedback/experiments/experiment.repository.js';
import { DataSource } from 'typeorm';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { AnalyticsRepository } from '../../src/analytics/analytics.repository.js';
import { AnalyticsService } from '../../src/analytics/analytics.service.js';
import type { RetentionRow } from '../../src/analytics/retention.js';
import { loadConfig } from '../../src/config/app-config.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { SafetyRepository } from '../../src/safety/safety.repository.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The cohort roll-up against the hand-made histories of src/analytics/retention.spec.ts, stored
 * as messages and rolled up: first messages either side of Shanghai midnight, and returns across
 * the New York spring-forward change. Each answer is the one worked out by hand there, and the
 * same as the pure core's over the user-days, for every kind of first-time retention.
 */

interface Setup {
  db: TestDatabase;
  ds: DataSource;
  analytics: AnalyticsService;
}

const setups: Setup[] = [];

async function setup(timeZone: string): Promise<Setup> {
  const db = await createTestDatabase();
  const ds = new DataSource({ ...dataSourceOptions(db.url, 2), logging: false });
  await ds.initialize();
  const analytics = new AnalyticsService(
    loadConfig({
      ANALYTICS_PSEUDONYM_KEY: 'a-test-key-that-is-at-least-32-chars',
      ANALYTICS_TIME_ZONE: timeZone,
    }),
    new AnalyticsRepository(ds),
    new MessageRepository(ds),
    new SafetyRepository(ds),
    new AffectRepository(ds),
    new FeedbackRepository(ds),
    new ExperimentRepository(ds),
  );
  const s = { db, ds, analytics };
  setups.push(s);
  return s;
}

/** A user's messages at UTC instants (user messages; `voice` ones are voice messages). */
async function user(db: TestDatabase, id: string, text: string[], voice: string[] = []) {
  const all = [...text.map((at) => [at, 'text']), ...voice.map((at) => [at, 'voice'])].sort();
  await sql(db.url, `INSERT INTO users (id, created_at) VALUES ($1, '2026-02-01T00:00:00Z')`, [id]);
  await sql(
    db.url,
    `INSERT INTO conversations (id, user_id, last_seq) VALUES (gen_random_uuid(), $1, $2)`,
    [id, all.length],
  );
  await sql(
    db.url,
    `INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, status, created_at)
     SELECT gen_random_uuid(), c.id, c.user_id, m.seq, 'user', m.kind, 'received', m.at
       FROM conversations c, unnest($2::text[], $3::timestamptz[]) WITH ORDINALITY m(kind, at, seq)
      WHERE c.user_id = $1::varchar`,
    [id, all.map((m) => m[1]), all.map((m) => m[0])],
  );
}

/** `{ cohort: { offset: returned } }` of the `all` rows, and the cohort sizes. */
function table(rows: RetentionRow[]) {
  const out: Record<string, Record<number, number | null>> = {};
  const sizes: Record<string, number> = {};
  for (const r of rows.filter((x) => x.dimension === 'all')) {
    (out[r.cohort] ??= {})[r.offset] = r.returned;
    sizes[r.cohort] = r.size;
  }
  return { out, sizes };
}

/** The cohort roll-up's cells, after checking that they are the core's. */
async function cells(
  analytics: AnalyticsService,
  query: Parameters<AnalyticsService['resolve']>[0],
) {
  const r = await analytics.resolve(query);
  const rows = await analytics.retention(r, 'cohorts');
  expect(rows).toEqual(await analytics.retention(r, 'core'));
  return table(rows);
}

let sh: Setup;
let ny: Setup;

beforeAll(async () => {
  sh = await setup('Asia/Shanghai');
  // u1: 2026-03-01 23:50 Shanghai, then 03-02 00:10 and 03-08 12:00.
  await user(sh.db, 'u1', ['2026-03-01T15:50:00Z', '2026-03-01T16:10:00Z', '2026-03-08T04:00:00Z']);
  // u2: 03-01 00:05 Shanghai (still 02-28 in UTC), then 03-09 and 03-31 noon.
  await user(sh.db, 'u2', ['2026-02-28T16:05:00Z', '2026-03-09T04:00:00Z', '2026-03-31T04:00:00Z']);
  // u3: 03-02 10:00, then 03-03 10:00 in voice.
  await user(sh.db, 'u3', ['2026-03-02T02:00:00Z'], ['2026-03-03T02:00:00Z']);
  await sh.analytics.rollupDays('2026-02-28', '2026-04-15');

  ny = await setup('America/New_York');
  // All three first write 03-07 12:00 EST; the 8th has 23 hours.
  const t0 = '2026-03-07T17:00:00Z';
  await user(ny.db, 'a', [t0, '2026-03-08T16:30:00Z']);
  await user(ny.db, 'b', [t0, '2026-03-09T16:30:00Z']);
  await user(ny.db, 'c', [t0, '2026-03-09T04:30:00Z']);
  await ny.analytics.rollupDays('2026-03-06', '2026-03-12');
});
afterAll(async () => {
  for (const s of setups) {
    await s.ds.destroy();
    await s.db.drop();
  }
});

const MARCH = { from: '2026-02-01', to: '2026-03-31', offsets: [1, 7, 30] };

describe('the cohort roll-up on the hand-made histories (Asia/Shanghai)', () => {
  it('bounded calendar days: 00:05 and 23:50 belong to their own local day', async () => {
    const { out, sizes } = await cells(sh.analytics, MARCH);
    expect(sizes).toEqual({ '2026-03-01': 2, '2026-03-02': 1 });
    expect(out).toEqual({
      '2026-03-01': { 1: 1, 7: 1, 30: 1 },
      '2026-03-02': { 1: 1, 7: 0, 30: 0 },
    });
  });

  it('unbounded calendar days', async () => {
    const { out } = await cells(sh.analytics, { ...MARCH, return: 'on_or_after' });
    expect(out['2026-03-01']).toEqual({ 1: 2, 7: 2, 30: 1 });
    expect(out['2026-03-02']).toEqual({ 1: 1, 7: 0, 30: 0 });
  });

  it('unbounded returns count only up to dataThrough', async () => {
    // Through 03-08 (later days rolled up, as today's are while it lasts): u2's 03-09 and 03-31
    // are not data yet, so u2 has not come back; u1 has (03-02 and 03-08).
    for (const mode of ['calendar', 'rolling'] as const) {
      const r = await sh.analytics.resolve({ ...MARCH, mode, return: 'on_or_after' });
      const through = { ...r, dataThrough: '2026-03-08' };
      const rows = await sh.analytics.retention(through, 'cohorts');
      expect(rows).toEqual(await sh.analytics.retention(through, 'core'));
      expect(table(rows).out['2026-03-01']).toEqual(
        mode === 'calendar' ? { 1: 1, 7: 1, 30: null } : { 1: 1, 7: null, 30: null },
      );
    }
  });

  it('rolling 24 h from the first message, bounded and unbounded', async () => {
    const bounded = await cells(sh.analytics, { ...MARCH, mode: 'rolling' });
    expect(bounded.out).toEqual({
      '2026-03-01': { 1: 0, 7: 0, 30: 1 },
      '2026-03-02': { 1: 1, 7: 0, 30: 0 },
    });
    const unbounded = await cells(sh.analytics, {
      ...MARCH,
      mode: 'rolling',
      return: 'on_or_after',
    });
    expect(unbounded.out['2026-03-01']).toEqual({ 1: 2, 7: 1, 30: 1 });
    expect(unbounded.out['2026-03-02']).toEqual({ 1: 1, 7: 0, 30: 0 });
  });

  it('cohorts of the first voice message', async () => {
    const { out, sizes } = await cells(sh.analytics, { ...MARCH, cohortEvent: 'voice_message' });
    expect(sizes).toEqual({ '2026-03-03': 1 });
    expect(out['2026-03-03']).toEqual({ 1: 0, 7: 0, 30: 0 });
  });

  it('ISO weeks and calendar months', async () => {
    const weeks = await cells(sh.analytics, { ...MARCH, granularity: 'week', offsets: [1, 2] });
    expect(weeks.sizes).toEqual({ '2026-02-23': 2, '2026-03-02': 1 });
    expect(weeks.out).toEqual({ '2026-02-23': { 1: 1, 2: 1 }, '2026-03-02': { 1: 0, 2: 0 } });
    const months = await cells(sh.analytics, { ...MARCH, granularity: 'month', offsets: [1] });
    // Through 04-15, April has not ended.
    expect(months.out).toEqual({ '2026-03-01': { 1: null } });
  });
});

describe('the cohort roll-up across a daylight-saving change (America/New_York)', () => {
  it('counts calendar days by local midnight and rolling periods in real hours', async () => {
    const q = { from: '2026-03-01', to: '2026-03-10', offsets: [1, 2] };
    expect((await cells(ny.analytics, q)).out).toEqual({ '2026-03-07': { 1: 1, 2: 2 } });
    expect((await cells(ny.analytics, { ...q, mode: 'rolling' })).out).toEqual({
      '2026-03-07': { 1: 2, 2: 0 },
    });
    expect(
      (await cells(ny.analytics, { ...q, mode: 'rolling', return: 'on_or_after' })).out,
    ).toEqual({ '2026-03-07': { 1: 2, 2: 0 } });
  });
});

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SessionRow } from '../conversation/message.repository.js';
import type { Row } from '../common/sql-rows.js';
import type { UserDayRow } from './rollup.js';
import { MOOD_THRESHOLD, type RetentionCount, type RetentionSpec } from './retention.js';
import type { UserDayFacts } from './user-activity.js';

/** Rows per INSERT statement of a roll-up, and per page when the roll-ups are read. */
const INSERT_ROWS = 5000;
const PAGE_ROWS = 20_000;

/** A user's rolled-up days, as the pure cores take them. */
export interface UserDays {
  userId: string;
  days: UserDayFacts[];
}

/** What a read of the roll-ups leaves out: users matching the exclusion pattern. */
export interface ReadFilter {
  excludeUsers: string | null;
}

/** Session length buckets, in seconds (docs/analytics.md#sessions); the last is open. */
export const SESSION_BUCKETS = [0, 60, 300, 900, 1800, 3600, 7200, 10800] as const;

/**
 * analytics_user_days, analytics_sessions and analytics_rollup_days: the analytics module's own
 * tables. Nothing else reads or writes them; account deletion asks `deleteUserData`.
 */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Replaces the roll-up of local days `fromDay..toDay` (inclusive) for every user, or for
   * `userIds` only, in one transaction: a re-run gives the same rows. A whole-day roll-up is
   * recorded in analytics_rollup_days (complete when it started after the days ended).
   */
  async replaceDays(
    span: { fromDay: string; toDay: string; userIds?: readonly string[]; complete?: boolean },
    rows: readonly UserDayRow[],
    sessions: readonly SessionRow[],
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const params: unknown[] = [span.fromDay, span.toDay];
      const users = span.userIds ? ' AND user_id = ANY($3::varchar[])' : '';
      if (span.userIds) params.push(span.userIds);
      await tx.query(`DELETE FROM analytics_user_days WHERE day BETWEEN $1 AND $2${users}`, params);
      await tx.query(`DELETE FROM analytics_sessions WHERE day BETWEEN $1 AND $2${users}`, params);
      for (let i = 0; i < rows.length; i += INSERT_ROWS) {
        const chunk = rows.slice(i, i + INSERT_ROWS);
        const col = <K extends keyof UserDayRow>(k: K) => chunk.map((r) => r[k]);
        await tx.query(
          `INSERT INTO analytics_user_days (user_id, day, messages, voice_messages, replies, sessions,
             session_seconds, late_night_messages, first_message_at, last_message_at, first_voice_at,
             last_voice_at, thumbs_up, thumbs_down, regenerates, crisis_events, crisis_referrals,
             notices_shown, valence_sum, affect_count, experiment_variant, platform, app_version,
             age_band, signup_day)
           SELECT * FROM unnest($1::varchar[], $2::date[], $3::int[], $4::int[], $5::int[], $6::int[],
             $7::int[], $8::int[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[],
             $12::timestamptz[], $13::int[], $14::int[], $15::int[], $16::int[], $17::int[], $18::int[],
             $19::float8[], $20::int[], $21::varchar[], $22::varchar[], $23::varchar[], $24::varchar[],
             $25::date[])`,
          [
            col('userId'),
            col('day'),
            col('messages'),
            col('voiceMessages'),
            col('replies'),
            col('sessions'),
            col('sessionSeconds'),
            col('lateNightMessages'),
            col('firstMessageAt'),
            col('lastMessageAt'),
            col('firstVoiceAt'),
            col('lastVoiceAt'),
            col('thumbsUp'),
            col('thumbsDown'),
            col('regenerates'),
            col('crisisEvents'),
            col('crisisReferrals'),
            col('noticesShown'),
            col('valenceSum'),
            col('affectCount'),
            col('experimentVariant'),
            col('platform'),
            col('appVersion'),
            col('ageBand'),
            col('signupDay'),
          ],
        );
      }
      for (let i = 0; i < sessions.length; i += INSERT_ROWS) {
        const chunk = sessions.slice(i, i + INSERT_ROWS);
        await tx.query(
          `INSERT INTO analytics_sessions (user_id, started_at, day, seconds, messages)
           SELECT * FROM unnest($1::varchar[], $2::timestamptz[], $3::date[], $4::int[], $5::int[])`,
          [
            chunk.map((s) => s.userId),
            chunk.map((s) => s.startedAt),
            chunk.map((s) => s.day),
            chunk.map((s) => s.seconds),
            chunk.map((s) => s.messages),
          ],
        );
      }
      if (!span.userIds) {
        await tx.query(
          `INSERT INTO analytics_rollup_days (day, rolled_up_at, complete, user_days)
           SELECT d::date, now(), $3, (SELECT count(*) FROM analytics_user_days WHERE day = d::date)
             FROM generate_series($1::date, $2::date, interval '1 day') d
           ON CONFLICT (day) DO UPDATE SET rolled_up_at = EXCLUDED.rolled_up_at,
             complete = EXCLUDED.complete OR analytics_rollup_days.complete,
             user_days = EXCLUDED.user_days`,
          [span.fromDay, span.toDay, span.complete ?? false],
        );
      }
    });
  }

  /**
   * The latest day whose whole roll-up ran after the day ended (null when none): a day rolled up
   * while it was under way is not final data yet.
   */
  async dataThrough(): Promise<string | null> {
    const [row] = await this.db.query<Row[]>(
      `SELECT to_char(max(day), 'YYYY-MM-DD') AS day FROM analytics_rollup_days WHERE complete`,
    );
    return (row?.day as string | null) ?? null;
  }

  /** The first day any roll-up holds (null when empty). */
  async firstDay(): Promise<string | null> {
    const [row] = await this.db.query<Row[]>(
      `SELECT to_char(min(day), 'YYYY-MM-DD') AS day FROM analytics_rollup_days`,
    );
    return (row?.day as string | null) ?? null;
  }

  /** Removes a user's roll-up rows (account deletion). Totals already exported stay as they are. */
  async deleteUserData(userId: string): Promise<Record<string, number>> {
    const days = await this.db.query<unknown[]>(
      `DELETE FROM analytics_user_days WHERE user_id = $1 RETURNING day`,
      [userId],
    );
    const sessions = await this.db.query<unknown[]>(
      `DELETE FROM analytics_sessions WHERE user_id = $1 RETURNING day`,
      [userId],
    );
    return {
      analytics_user_days: countOf(days),
      analytics_sessions: countOf(sessions),
    };
  }

  /**
   * Every user's rolled-up days from `fromDay` (or the start) to `toDay`, a user at a time,
   * ordered by user id, read a page at a time: memory holds one page and one user.
   */
  async *userDays(
    span: { fromDay: string | null; toDay: string },
    filter: ReadFilter,
  ): AsyncGenerator<UserDays> {
    let after: [string, number] | null = null;
    let current: UserDays | null = null;
    const params: unknown[] = [span.toDay, span.fromDay];
    let where = `day <= $1::date AND ($2::date IS NULL OR day >= $2::date)`;
    if (filter.excludeUsers) {
      params.push(filter.excludeUsers);
      where += ` AND user_id !~ $${params.length}`;
    }
    const k = params.length;
    for (;;) {
      const rows: Row[] = await this.db.query<Row[]>(
        `SELECT user_id, day - DATE '1970-01-01' AS d, messages, voice_messages, replies, sessions,
                session_seconds, late_night_messages,
                extract(epoch FROM first_message_at)::float8 * 1000 AS fm,
                extract(epoch FROM last_message_at)::float8 * 1000 AS lm,
                extract(epoch FROM first_voice_at)::float8 * 1000 AS fv,
                extract(epoch FROM last_voice_at)::float8 * 1000 AS lv,
                thumbs_up, thumbs_down, regenerates, crisis_events, crisis_referrals, notices_shown,
                valence_sum, affect_count, experiment_variant, platform, app_version, age_band,
                signup_day - DATE '1970-01-01' AS sd
           FROM analytics_user_days
          WHERE ${where}
            AND ($${k + 1}::varchar IS NULL OR (user_id, day) > ($${k + 1}, DATE '1970-01-01' + $${k + 2}::int))
          ORDER BY user_id, day LIMIT ${PAGE_ROWS}`,
        [...params, after?.[0] ?? null, after?.[1] ?? 0],
      );
      for (const r of rows) {
        const userId = r.user_id as string;
        if (current && current.userId !== userId) {
          yield current;
          current = null;
        }
        current ??= { userId, days: [] };
        current.days.push(toFacts(r));
      }
      if (rows.length < PAGE_ROWS) break;
      const last = rows[rows.length - 1];
      after = [last.user_id as string, Number(last.d)];
    }
    if (current) yield current;
  }

  /**
   * First-time calendar retention counted in Postgres over the roll-ups (not the messages): the
   * same definitions as the pure core (src/analytics/retention.ts), for the export most asked
   * for, without sending every user's days to this process. Returns a count per cohort period,
   * breakdown value and offset index; `retentionRows` turns them into rows.
   */
  async firstTimeCalendarCounts(
    spec: Pick<
      RetentionSpec,
      'granularity' | 'offsets' | 'bounded' | 'cohortEvent' | 'returnEvent' | 'breakdowns'
    > & { from: string; to: string; through: string },
    filter: ReadFilter,
  ): Promise<RetentionCount[]> {
    // The period number of a date expression, as src/analytics/calendar.ts numbers them.
    const period = (d: string) =>
      ({
        day: `(${d} - DATE '1970-01-01')`,
        week: `floor((${d} - DATE '1970-01-01' + 3) / 7.0)::int`,
        month: `(extract(year FROM ${d})::int * 12 + extract(month FROM ${d})::int - 1)`,
      })[spec.granularity];
    const event = (e: string) => (e === 'voice_message' ? 'voice_messages > 0' : 'messages > 0');
    const params: unknown[] = [
      spec.through,
      spec.from,
      spec.to,
      spec.offsets,
      spec.bounded,
      ['all', ...spec.breakdowns],
      MOOD_THRESHOLD,
    ];
    let exclude = '';
    if (filter.excludeUsers) {
      params.push(filter.excludeUsers);
      exclude = ` AND user_id !~ $${params.length}`;
    }
    // One pass over the roll-ups in key order (a user's days together, no join): per user the
    // first cohort day with what it says, the return days, the voice days and the readings;
    // then each user's cohort and returns from those few values.
    const rows = await this.db.query<Row[]>(
      `WITH per_user AS (
         SELECT user_id,
                min(day) FILTER (WHERE ${event(spec.cohortEvent)}) AS first,
                (array_agg(platform ORDER BY day) FILTER (WHERE ${event(spec.cohortEvent)}))[1] AS platform,
                (array_agg(age_band ORDER BY day) FILTER (WHERE ${event(spec.cohortEvent)}))[1] AS age_band,
                (array_agg(experiment_variant ORDER BY day) FILTER (WHERE ${event(spec.cohortEvent)}))[1] AS variant,
                (array_agg(signup_day ORDER BY day) FILTER (WHERE ${event(spec.cohortEvent)}))[1] AS signup_day,
                array_agg(day) FILTER (WHERE ${event(spec.returnEvent)}) AS rdays,
                array_agg(day) FILTER (WHERE voice_messages > 0) AS vdays,
                array_agg(day ORDER BY day) FILTER (WHERE affect_count > 0) AS adays,
                array_agg(valence_sum ORDER BY day) FILTER (WHERE affect_count > 0) AS avs,
                array_agg(affect_count ORDER BY day) FILTER (WHERE affect_count > 0) AS acs
           FROM analytics_user_days WHERE day <= $1::date${exclude}
          GROUP BY user_id),
       b AS MATERIALIZED (
         SELECT ${period('first')} AS cohort, platform, age_band, variant, signup_day,
                (SELECT array_agg(DISTINCT ${period('d')} - ${period('first')})
                   FROM unnest(rdays) d WHERE ${period('d')} >= ${period('first')}) AS back,
                (SELECT max(${period('d')}) FROM unnest(rdays) d) - ${period('first')} AS last_back,
                EXISTS (SELECT 1 FROM unnest(vdays) d WHERE d >= first AND d < first + 7) AS voice,
                (SELECT sum(v) FROM unnest(adays, avs) a(d, v) WHERE d >= first AND d < first + 7) AS vs,
                (SELECT sum(c) FROM unnest(adays, acs) a(d, c) WHERE d >= first AND d < first + 7) AS ac
           FROM per_user WHERE first BETWEEN $2::date AND $3::date),
       u AS MATERIALIZED (
         SELECT b.*, ARRAY(SELECT coalesce(CASE WHEN $5::boolean THEN n = ANY(b.back)
                                                 ELSE b.last_back >= n END, false)
                             FROM unnest($4::int[]) WITH ORDINALITY o(n, i) ORDER BY i) AS ret
           FROM b)
       SELECT u.cohort, v.dimension, v.value, count(*)::int AS size,
              ${spec.offsets.map((_, i) => `count(*) FILTER (WHERE u.ret[${i + 1}])::int AS r${i}`).join(', ')}
         FROM u
        CROSS JOIN LATERAL (VALUES
          ('all', 'all'),
          ('signup_week', coalesce(to_char(date_trunc('week', u.signup_day), 'YYYY-MM-DD'), 'unknown')),
          ('platform', coalesce(u.platform, 'unknown')),
          ('experiment_variant', coalesce(u.variant, 'none')),
          ('age_band', coalesce(u.age_band, 'unknown')),
          ('voice_text', CASE WHEN u.voice THEN 'voice' ELSE 'text' END),
          ('first_week_mood', CASE WHEN coalesce(u.ac, 0) = 0 THEN 'unknown'
                                   WHEN u.vs / u.ac < -$7::float8 THEN 'negative'
                                   WHEN u.vs / u.ac > $7::float8 THEN 'positive'
                                   ELSE 'neutral' END)) v(dimension, value)
        WHERE v.dimension = ANY($6::text[])
        GROUP BY 1, 2, 3`,
      params,
    );
    return rows.map((r) => ({
      cohort: Number(r.cohort),
      dimension: r.dimension as string,
      value: r.value as string,
      size: Number(r.size),
      returned: spec.offsets.map((_, i) => Number(r[`r${i}`])),
    }));
  }

  /** Raw roll-up rows for the `user_days` export, a page at a time (ids as stored). */
  async *userDayRows(
    span: { fromDay: string; toDay: string },
    filter: ReadFilter,
  ): AsyncGenerator<Row> {
    let after: [string, string] | null = null;
    const params: unknown[] = [span.fromDay, span.toDay];
    let where = `day BETWEEN $1::date AND $2::date`;
    if (filter.excludeUsers) {
      params.push(filter.excludeUsers);
      where += ` AND user_id !~ $${params.length}`;
    }
    const k = params.length;
    for (;;) {
      const rows: Row[] = await this.db.query<Row[]>(
        `SELECT user_id, to_char(day, 'YYYY-MM-DD') AS day, messages, voice_messages, replies,
                sessions, session_seconds, late_night_messages, thumbs_up, thumbs_down, regenerates,
                crisis_events, crisis_referrals, notices_shown, valence_sum, affect_count,
                experiment_variant, platform, app_version, age_band,
                to_char(signup_day, 'YYYY-MM-DD') AS signup_day
           FROM analytics_user_days
          WHERE ${where}
            AND ($${k + 1}::varchar IS NULL OR (user_id, day) > ($${k + 1}, $${k + 2}::date))
          ORDER BY user_id, day LIMIT ${PAGE_ROWS}`,
        [...params, after?.[0] ?? null, after?.[1] ?? null],
      );
      yield* rows;
      if (rows.length < PAGE_ROWS) return;
      const last = rows[rows.length - 1];
      after = [last.user_id as string, last.day as string];
    }
  }

  /**
   * Sessions that started on `fromDay..toDay` by length bucket (SESSION_BUCKETS), with their
   * count, mean length and the share over 2 h and over 3 h.
   */
  async sessionLengths(
    span: { fromDay: string; toDay: string },
    filter: ReadFilter,
  ): Promise<{
    buckets: Array<{ fromSeconds: number; toSeconds: number | null; sessions: number }>;
    sessions: number;
    meanSeconds: number | null;
    over2h: number;
    over3h: number;
  }> {
    const params: unknown[] = [span.fromDay, span.toDay, [...SESSION_BUCKETS]];
    let where = `day BETWEEN $1::date AND $2::date`;
    if (filter.excludeUsers) {
      params.push(filter.excludeUsers);
      where += ` AND user_id !~ $${params.length}`;
    }
    const rows = await this.db.query<Row[]>(
      `SELECT width_bucket(seconds, $3::int[]) AS b, count(*) AS n, sum(seconds) AS total,
              count(*) FILTER (WHERE seconds > 7200) AS over2h,
              count(*) FILTER (WHERE seconds > 10800) AS over3h
         FROM analytics_sessions WHERE ${where} GROUP BY 1`,
      params,
    );
    const byBucket = new Map(rows.map((r) => [Number(r.b), Number(r.n)]));
    const sessions = rows.reduce((a, r) => a + Number(r.n), 0);
    const total = rows.reduce((a, r) => a + Number(r.total), 0);
    return {
      buckets: SESSION_BUCKETS.map((from, i) => ({
        fromSeconds: from,
        toSeconds: SESSION_BUCKETS[i + 1] ?? null,
        sessions: byBucket.get(i + 1) ?? 0,
      })),
      sessions,
      meanSeconds: sessions ? total / sessions : null,
      over2h: rows.reduce((a, r) => a + Number(r.over2h), 0),
      over3h: rows.reduce((a, r) => a + Number(r.over3h), 0),
    };
  }
}

function countOf(result: unknown): number {
  const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
  return Array.isArray(rows) ? rows.length : 0;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toFacts(r: Row): UserDayFacts {
  return {
    day: Number(r.d),
    messages: Number(r.messages),
    voiceMessages: Number(r.voice_messages),
    replies: Number(r.replies),
    sessions: Number(r.sessions),
    sessionSeconds: Number(r.session_seconds),
    lateNightMessages: Number(r.late_night_messages),
    firstMessageAt: num(r.fm),
    lastMessageAt: num(r.lm),
    firstVoiceAt: num(r.fv),
    lastVoiceAt: num(r.lv),
    thumbsUp: num(r.thumbs_up),
    thumbsDown: num(r.thumbs_down),
    regenerates: num(r.regenerates),
    crisisEvents: Number(r.crisis_events),
    crisisReferrals: Number(r.crisis_referrals),
    noticesShown: Number(r.notices_shown),
    valenceSum: Number(r.valence_sum),
    affectCount: Number(r.affect_count),
    experimentVariant: (r.experiment_variant as string | null) ?? null,
    platform: (r.platform as string | null) ?? null,
    appVersion: (r.app_version as string | null) ?? null,
    ageBand: (r.age_band as string | null) ?? null,
    signupDay: num(r.sd),
  };
}

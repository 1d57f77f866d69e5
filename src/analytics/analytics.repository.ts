import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
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
 * analytics_user_days, analytics_sessions, analytics_user_cohorts and analytics_rollup_days: the
 * analytics module's own tables. Nothing else reads or writes them; account deletion asks `deleteUserData`.
 */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Replaces the roll-up of local days `fromDay..toDay` (inclusive) for every user, or for
   * `userIds` only, in one transaction: a re-run gives the same rows. A whole-day roll-up is
   * recorded in analytics_rollup_days (complete when it started after the days ended). Returns
   * the users whose days changed, whose cohort rows are to be built again (`refreshCohorts`).
   */
  async replaceDays(
    span: { fromDay: string; toDay: string; userIds?: readonly string[]; complete?: boolean },
    rows: readonly UserDayRow[],
    sessions: readonly SessionRow[],
  ): Promise<{ touched: string[] }> {
    return this.db.transaction(async (tx) => {
      const params: unknown[] = [span.fromDay, span.toDay];
      const users = span.userIds ? ' AND user_id = ANY($3::varchar[])' : '';
      if (span.userIds) params.push(span.userIds);
      const replaced = await tx.query<unknown>(
        `DELETE FROM analytics_user_days WHERE day BETWEEN $1 AND $2${users} RETURNING user_id`,
        params,
      );
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
      // The users whose days changed (rows removed or written): their cohort rows are next.
      const touched = new Set(span.userIds ?? rowsOf(replaced).map((r) => r.user_id as string));
      for (const r of rows) touched.add(r.userId);
      return { touched: [...touched] };
    });
  }

  /**
   * Builds the cohort rows of `userIds` again from their rolled-up days (`rebuildCohortRows`), a
   * transaction per INSERT_ROWS users.
   */
  async refreshCohorts(userIds: readonly string[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += INSERT_ROWS) {
      const batch = userIds.slice(i, i + INSERT_ROWS);
      await this.db.transaction((tx) => rebuildCohortRows(tx, batch));
    }
  }

  /**
   * Builds analytics_user_cohorts again from analytics_user_days for every user (days rolled
   * up before the table existed), a batch of users per transaction. Returns the users seen.
   */
  async rebuildCohorts(): Promise<number> {
    let after = '';
    let users = 0;
    for (;;) {
      const batch = await this.db.query<Row[]>(
        `SELECT DISTINCT user_id FROM analytics_user_days WHERE user_id > $1 ORDER BY user_id LIMIT ${INSERT_ROWS}`,
        [after],
      );
      if (!batch.length) break;
      const ids = batch.map((r) => r.user_id as string);
      await this.db.transaction((tx) => rebuildCohortRows(tx, ids));
      users += ids.length;
      after = ids[ids.length - 1];
    }
    await this.db.query(
      `DELETE FROM analytics_user_cohorts c
        WHERE NOT EXISTS (SELECT 1 FROM analytics_user_days d WHERE d.user_id = c.user_id)`,
    );
    return users;
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
    const cohorts = await this.db.query<unknown[]>(
      `DELETE FROM analytics_user_cohorts WHERE user_id = $1 RETURNING event`,
      [userId],
    );
    return {
      analytics_user_days: countOf(days),
      analytics_sessions: countOf(sessions),
      analytics_user_cohorts: countOf(cohorts),
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
   * First-time retention counted in Postgres over analytics_user_cohorts: one row per user (and a
   * second for the return event when it differs from the cohort event), whatever the
   * granularity, mode or return kind. The same definitions as the pure core
   * (src/analytics/retention.ts), which the medium tests compare it with. Returns a count per
   * cohort period, breakdown value and offset index; `retentionRows` turns them into rows.
   */
  async cohortCounts(
    spec: Pick<
      RetentionSpec,
      'granularity' | 'offsets' | 'bounded' | 'mode' | 'cohortEvent' | 'returnEvent' | 'breakdowns'
    > & { from: string; to: string; through: string },
    filter: ReadFilter,
  ): Promise<RetentionCount[]> {
    const offsets = spec.offsets.map((n) => {
      if (!Number.isInteger(n) || n < 0) throw new Error(`not an offset: ${n}`);
      return n;
    });
    const params: unknown[] = [
      spec.cohortEvent,
      spec.from,
      spec.to,
      spec.through,
      ['all', ...spec.breakdowns],
    ];
    const mood = Number(MOOD_THRESHOLD);
    // The cohort row is `c`; the return event's facts are `c` too when the events agree (one
    // row per user), else the user's row of the return event (`r`, absent when they never had it).
    let join = '';
    let r = 'c';
    if (spec.returnEvent !== spec.cohortEvent) {
      params.push(spec.returnEvent);
      join = `LEFT JOIN analytics_user_cohorts r ON r.user_id = c.user_id AND r.event = $${params.length}`;
      r = 'r';
    }
    let exclude = '';
    if (filter.excludeUsers) {
      params.push(filter.excludeUsers);
      exclude = ` AND c.user_id !~ $${params.length}`;
    }
    const g = spec.granularity;
    // The cohort's period number, as src/analytics/calendar.ts numbers them, and the first day
    // of period cohort + n.
    const months = `(extract(year FROM c.first_day)::int * 12 + extract(month FROM c.first_day)::int - 1)`;
    const cohort = {
      day: `(c.first_day - DATE '1970-01-01')`,
      week: `floor((c.first_day - DATE '1970-01-01' + 3) / 7.0)::int`,
      month: months,
    }[g];
    const start = (n: number) =>
      ({
        day: `(c.first_day + ${n})`,
        week: `(c.first_day - extract(isodow FROM c.first_day)::int + ${1 + 7 * n})`,
        month: `make_date((${months} + ${n}) / 12, (${months} + ${n}) % 12 + 1, 1)`,
      })[g];
    // Return-event days in [a, b) (dates), from the bit string of days since its first day.
    const anyIn = (a: string, len: string) =>
      `coalesce(bit_count(substring(${r}.active_days FROM ${a} - ${r}.first_day + 1 FOR ${len})) > 0, false)`;
    const hours = { day: 24, week: 7 * 24, month: 30 * 24 }[g];
    const at = (n: number) => `c.first_at + interval '${n * hours} hours'`;
    const returned = (n: number) => {
      if (spec.mode === 'calendar') {
        const a = start(n);
        if (spec.bounded) return anyIn(a, `${start(n + 1)} - ${a}`);
        // Up to dataThrough only: later days are not data yet.
        return `(${r}.last_day >= ${a} AND (${r}.last_day <= $4::date OR ${anyIn(a, `greatest(0, $4::date + 1 - ${a})`)}))`;
      }
      if (spec.bounded) {
        return `EXISTS (SELECT 1 FROM unnest(${r}.day_firsts, ${r}.day_lasts) x(f, l)
                         WHERE (f >= ${at(n)} AND f < ${at(n + 1)}) OR (l >= ${at(n)} AND l < ${at(n + 1)}))`;
      }
      // The last instant on the days up to dataThrough: the last of the first k day_lasts.
      return `coalesce(${r}.day_lasts[bit_count(substring(${r}.active_days FROM 1 FOR greatest(0, $4::date - ${r}.first_day + 1)))::int] >= ${at(n)}, false)`;
    };
    const wanted = new Set(spec.breakdowns);
    const attr = (b: string, expr: string, type: string) =>
      wanted.has(b as never) ? expr : `NULL::${type}`;
    // Users grouped by what their breakdowns say (few groups), then a row per dimension value.
    const rows = await this.db.query<Row[]>(
      `WITH s AS (
         SELECT ${cohort} AS cohort,
                ${attr('signup_week', `c.signup_day - extract(isodow FROM c.signup_day)::int + 1`, 'date')} AS signup_week,
                ${attr('platform', 'c.platform', 'varchar')} AS platform,
                ${attr('experiment_variant', 'c.experiment_variant', 'varchar')} AS variant,
                ${attr('age_band', 'c.age_band', 'varchar')} AS age_band,
                ${attr('voice_text', 'c.first_week_voice', 'boolean')} AS voice,
                ${attr(
                  'first_week_mood',
                  `CASE WHEN c.first_week_affect_count = 0 THEN 'unknown'
                        WHEN c.first_week_valence_sum / c.first_week_affect_count < -${mood}::float8 THEN 'negative'
                        WHEN c.first_week_valence_sum / c.first_week_affect_count > ${mood}::float8 THEN 'positive'
                        ELSE 'neutral' END`,
                  'text',
                )} AS mood,
                count(*)::int AS size,
                ${offsets.map((n, i) => `count(*) FILTER (WHERE ${returned(n)})::int AS r${i}`).join(',\n                ')}
           FROM analytics_user_cohorts c ${join}
          WHERE c.event = $1 AND c.first_day BETWEEN $2::date AND $3::date
            AND c.first_day <= $4::date${exclude}
          GROUP BY 1, 2, 3, 4, 5, 6, 7)
       SELECT s.cohort, v.dimension, v.value, sum(s.size)::int AS size,
              ${offsets.map((_, i) => `sum(s.r${i})::int AS r${i}`).join(', ')}
         FROM s
        CROSS JOIN LATERAL (VALUES
          ('all', 'all'),
          ('signup_week', coalesce(to_char(s.signup_week, 'YYYY-MM-DD'), 'unknown')),
          ('platform', coalesce(s.platform, 'unknown')),
          ('experiment_variant', coalesce(s.variant, 'none')),
          ('age_band', coalesce(s.age_band, 'unknown')),
          ('voice_text', CASE WHEN s.voice THEN 'voice' ELSE 'text' END),
          ('first_week_mood', s.mood)) v(dimension, value)
        WHERE v.dimension = ANY($5::text[])
        GROUP BY 1, 2, 3`,
      params,
    );
    return rows.map((row) => ({
      cohort: Number(row.cohort),
      dimension: row.dimension as string,
      value: row.value as string,
      size: Number(row.size),
      returned: offsets.map((_, i) => Number(row[`r${i}`])),
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

/** The rows of a DELETE … RETURNING (TypeORM answers `[rows, count]` for it). */
function rowsOf(result: unknown): Row[] {
  const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

function countOf(result: unknown): number {
  return rowsOf(result).length;
}

/**
 * Replaces the cohort rows of `userIds` (analytics_user_cohorts) with what their rolled-up days
 * say now: per event, the first and last day with it, a bit per day between them, each day's
 * first and last instant, the first day's breakdown values, and the first week's voice and
 * readings. A pure function of the user's days, so re-running gives the same rows. Cohort
 * upkeep is serialised (one advisory lock, held to the commit) and follows the commit of the
 * days it is for: it reads the days after every earlier upkeep committed, so the last one to run
 * for a user has seen every day written before it, whichever roll-up wrote them.
 */
async function rebuildCohortRows(tx: EntityManager, userIds: readonly string[]): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('analytics_user_cohorts'))`);
  await tx.query(`DELETE FROM analytics_user_cohorts WHERE user_id = ANY($1::varchar[])`, [
    userIds,
  ]);
  if (!userIds.length) return;
  await tx.query(
    `INSERT INTO analytics_user_cohorts (user_id, event, first_day, first_at, last_day, active_days,
       day_firsts, day_lasts, signup_day, platform, experiment_variant, age_band, first_week_voice,
       first_week_valence_sum, first_week_affect_count)
     WITH e AS (
       SELECT d.user_id, v.event, d.day, d.signup_day, d.platform, d.experiment_variant, d.age_band,
              CASE WHEN v.event = 'message' THEN d.first_message_at ELSE d.first_voice_at END AS f,
              CASE WHEN v.event = 'message' THEN d.last_message_at ELSE d.last_voice_at END AS l
         FROM analytics_user_days d
        CROSS JOIN (VALUES ('message'), ('voice_message')) v(event)
        WHERE d.user_id = ANY($1::varchar[])
          AND CASE WHEN v.event = 'message' THEN d.messages > 0 ELSE d.voice_messages > 0 END),
     g AS (
       SELECT user_id, event, array_agg(day ORDER BY day) AS days, array_agg(f ORDER BY day) AS fs,
              array_agg(l ORDER BY day) AS ls,
              (array_agg(signup_day ORDER BY day))[1] AS signup_day,
              (array_agg(platform ORDER BY day))[1] AS platform,
              (array_agg(experiment_variant ORDER BY day))[1] AS variant,
              (array_agg(age_band ORDER BY day))[1] AS age_band
         FROM e WHERE f IS NOT NULL AND l IS NOT NULL
        GROUP BY 1, 2)
     SELECT g.user_id, g.event, g.days[1], g.fs[1], g.days[cardinality(g.days)],
            (SELECT string_agg(CASE WHEN g.days[1] + o = ANY(g.days) THEN '1' ELSE '0' END, '' ORDER BY o)
               FROM generate_series(0, g.days[cardinality(g.days)] - g.days[1]) o)::varbit,
            g.fs, g.ls, g.signup_day, g.platform, g.variant, g.age_band,
            coalesce(w.voice, false), coalesce(w.vs, 0), coalesce(w.ac, 0)
       FROM g
      CROSS JOIN LATERAL (
        SELECT bool_or(voice_messages > 0) AS voice, sum(valence_sum) AS vs, sum(affect_count)::int AS ac
          FROM analytics_user_days w
         WHERE w.user_id = g.user_id AND w.day >= g.days[1] AND w.day < g.days[1] + 7) w`,
    [userIds],
  );
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

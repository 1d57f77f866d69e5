import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { Writable } from 'node:stream';
import { AffectRepository } from '../affect/affect.repository.js';
import { ExperimentRepository } from '../feedback/experiments/experiment.repository.js';
import { FeedbackRepository } from '../feedback/feedback.repository.js';
import { APP_CONFIG, type AnalyticsConfig, type AppConfig } from '../config/app-config.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { SafetyRepository } from '../safety/safety.repository.js';
import { ActivityCounter, type ActivityDay, type ActivityTotals } from './activity-metrics.js';
import { AnalyticsRepository } from './analytics.repository.js';
import type { AnalyticsQuery, Dataset } from './analytics.protocol.js';
import { dayNumber, dayOf, dayStartMs, type Granularity, isoDay } from './calendar.js';
import { dauMauSvg, retentionHeatmapSvg } from './charts.js';
import {
  type ExportColumn,
  type ExportFormat,
  type ExportRow,
  MEDIA_TYPES,
  writeExport,
} from './export-format.js';
import { devPseudonymKey } from './pseudonym.js';
import { mergeDays } from './rollup.js';
import {
  type Breakdown,
  RetentionCounter,
  type RetentionRow,
  type RetentionSpec,
  retentionRows,
} from './retention.js';

/** The version of the metric definitions in docs/analytics.md; in every export's metadata. */
export const DEFINITION_VERSION = 'analytics/v1';

/** A query with every default applied and checked. */
export interface ResolvedQuery {
  dataset: Dataset;
  format: ExportFormat;
  from: string;
  to: string;
  dataThrough: string | null;
  granularity: Granularity;
  offsets: number[];
  bounded: boolean;
  cohorts: 'first_time' | 'recurring';
  mode: 'calendar' | 'rolling';
  cohortEvent: 'message' | 'voice_message';
  returnEvent: 'message' | 'voice_message';
  breakdowns: Breakdown[];
}

export interface SessionLengths {
  buckets: Array<{ fromSeconds: number; toSeconds: number | null; sessions: number }>;
  sessions: number;
  meanSeconds: number | null;
  over2h: number;
  over3h: number;
  over2hShare: number | null;
  over3hShare: number | null;
}

/** A prepared export: what to tell the client before the first byte, and the writing. */
export interface PreparedExport {
  mediaType: string;
  filename: string;
  metadata: Record<string, unknown>;
  write(out: Writable): Promise<number>;
}

const COLUMNS: Record<Dataset, ExportColumn[]> = {
  retention: [
    { name: 'cohort', type: 'string' },
    { name: 'dimension', type: 'string' },
    { name: 'value', type: 'string' },
    { name: 'cohort_size', type: 'int' },
    { name: 'period', type: 'int' },
    { name: 'returned', type: 'int' },
    { name: 'retention', type: 'double' },
  ],
  activity: [
    { name: 'day', type: 'string' },
    ...[
      'dau',
      'wau',
      'mau',
      'messages',
      'voice_messages',
      'replies',
      'sessions',
      'session_seconds',
      'thumbs_up',
      'thumbs_down',
      'regenerates',
      'crisis_events',
      'crisis_referrals',
      'notices_shown',
      'minors_active',
      'minors_late_night',
    ].map((name) => ({ name, type: 'int' as const })),
    { name: 'stickiness', type: 'double' },
  ],
  sessions: [
    { name: 'from_seconds', type: 'int' },
    { name: 'to_seconds', type: 'int' },
    { name: 'sessions', type: 'int' },
    { name: 'share', type: 'double' },
  ],
  guardrails: [
    { name: 'metric', type: 'string' },
    { name: 'value', type: 'double' },
    { name: 'numerator', type: 'double' },
    { name: 'denominator', type: 'double' },
  ],
  user_days: [
    { name: 'user', type: 'string' },
    { name: 'day', type: 'string' },
    ...[
      'messages',
      'voice_messages',
      'replies',
      'sessions',
      'session_seconds',
      'late_night_messages',
      'thumbs_up',
      'thumbs_down',
      'regenerates',
      'crisis_events',
      'crisis_referrals',
      'notices_shown',
      'affect_count',
    ].map((name) => ({ name, type: 'int' as const })),
    { name: 'valence_sum', type: 'double' },
    { name: 'experiment_variant', type: 'string' },
    { name: 'platform', type: 'string' },
    { name: 'app_version', type: 'string' },
    { name: 'age_band', type: 'string' },
    { name: 'signup_day', type: 'string' },
  ],
};

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Retention analytics (docs/analytics.md): the roll-ups from the owners' tables, retention and
 * activity from the roll-ups (pure cores: retention.ts, activity-metrics.ts), exports and charts.
 * Users are pseudonymous in every export (HMAC-SHA256 of the id); no message text is read.
 */
@Injectable()
export class AnalyticsService {
  private readonly logger = new Logger(AnalyticsService.name);
  private readonly settings: AnalyticsConfig;
  private readonly key: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: AnalyticsRepository,
    private readonly messages: MessageRepository,
    private readonly safety: SafetyRepository,
    private readonly affect: AffectRepository,
    private readonly feedback: FeedbackRepository,
    private readonly experiments: ExperimentRepository,
  ) {
    this.settings = config.analytics;
    this.key = config.analytics.pseudonymKey ?? devPseudonymKey(config.dataDir);
  }

  get timeZone(): string {
    return this.settings.timeZone;
  }

  /** Today's local day (YYYY-MM-DD) in the analytics time zone. */
  today(now = Date.now()): string {
    return isoDay(dayOf(now, this.settings.timeZone));
  }

  /** The pseudonymous id of a user in exports: HMAC-SHA256 with ANALYTICS_PSEUDONYM_KEY, hex. */
  pseudonym(userId: string): string {
    return createHmac('sha256', this.key).update(userId).digest('hex');
  }

  /**
   * Rolls up local days `fromDay..toDay` (a backfill, the nightly run), one day at a time, for
   * every user or `userIds` only, then the cohort rows of every user whose days changed.
   * Idempotent: a day is replaced whole for the users it covers, a cohort row rebuilt whole.
   */
  async rollupDays(
    fromDay: string,
    toDay: string,
    userIds?: readonly string[],
  ): Promise<{
    days: number;
    userDays: number;
    sessions: number;
    cohortUsers: number;
    cohortSeconds: number;
  }> {
    const from = dayNumber(fromDay);
    const to = dayNumber(toDay);
    if (to < from) throw new Error('rollupDays: toDay is before fromDay');
    let userDays = 0;
    let sessions = 0;
    const touched = new Set<string>();
    for (let d = from; d <= to; d++) {
      const done = await this.rollupDay(d, userIds);
      userDays += done.userDays;
      sessions += done.sessions;
      for (const u of done.touched) touched.add(u);
    }
    // Once per run, not per day: a user active on many days of a backfill is rebuilt once.
    const started = Date.now();
    await this.store.refreshCohorts([...touched]);
    return {
      days: to - from + 1,
      userDays,
      sessions,
      cohortUsers: touched.size,
      cohortSeconds: (Date.now() - started) / 1000,
    };
  }

  /**
   * Builds every user's cohort rows again from the rolled-up days (`analytics:export --
   * --rebuild-cohorts`): for days rolled up before analytics_user_cohorts existed.
   */
  rebuildCohorts(): Promise<number> {
    return this.store.rebuildCohorts();
  }

  private async rollupDay(
    day: number,
    userIds?: readonly string[],
  ): Promise<{ userDays: number; sessions: number; touched: string[] }> {
    const zone = this.settings.timeZone;
    const window = {
      from: new Date(dayStartMs(day, zone)),
      to: new Date(dayStartMs(day + 1, zone)),
      timeZone: zone,
      userIds,
    };
    const startedAt = Date.now();
    const [activity, sessions, safety, valence, reactions] = await Promise.all([
      this.messages.dailyActivity(window, this.settings.lateNight, zone),
      this.messages.sessionsStarted(window, this.settings.sessionGapMs),
      this.safety.dailyActivity(window),
      this.affect.dailyValence(window),
      this.feedback.dailyReactions(window),
    ]);
    const users = [
      ...new Set([...activity, ...safety.days, ...valence, ...reactions].map((r) => r.userId)),
    ];
    const [ageBands, variantOf] = users.length
      ? await Promise.all([
          this.safety.ageBands(users),
          this.experiments.variantsAsOf(users, window.to),
        ])
      : [new Map<string, string>(), new Map<string, string>()];
    const variants = [...variantOf].map(([userId, variant]) => ({
      userId,
      day: isoDay(day),
      variant,
    }));
    const rows = mergeDays({
      activity,
      sessions,
      safety: safety.days,
      valence,
      ageBands,
      reactions,
      variants,
    });
    const { touched } = await this.store.replaceDays(
      {
        fromDay: isoDay(day),
        toDay: isoDay(day),
        userIds,
        complete: startedAt >= window.to.getTime(),
      },
      rows,
      sessions,
    );
    return { userDays: rows.length, sessions: sessions.length, touched };
  }

  /** Removes a user's roll-up rows (account deletion); exported totals stay. */
  deleteUserData(userId: string): Promise<Record<string, number>> {
    return this.store.deleteUserData(userId);
  }

  /** Applies defaults and limits; 400 `range_too_large` past ANALYTICS_MAX_RANGE_DAYS. */
  async resolve(q: AnalyticsQuery): Promise<ResolvedQuery> {
    const dataThrough = await this.store.dataThrough();
    const to = q.to ?? dataThrough ?? isoDay(dayNumber(this.today()) - 1);
    const from = q.from ?? isoDay(dayNumber(to) - 29);
    const span = dayNumber(to) - dayNumber(from) + 1;
    if (span < 1) {
      throw new BadRequestException({ code: 'invalid_payload', message: 'from is after to' });
    }
    if (span > this.settings.maxRangeDays) {
      throw new BadRequestException({
        code: 'range_too_large',
        message: `at most ${this.settings.maxRangeDays} days at once`,
      });
    }
    return {
      dataset: q.dataset ?? 'retention',
      format: q.format ?? 'csv',
      from,
      to,
      dataThrough,
      granularity: q.granularity ?? 'day',
      offsets: q.offsets?.length ? [...new Set(q.offsets)].sort((a, b) => a - b) : [1, 7, 30],
      bounded: (q.return ?? 'on') === 'on',
      cohorts: q.cohorts ?? 'first_time',
      mode: q.mode ?? 'calendar',
      cohortEvent: q.cohortEvent ?? this.settings.cohortEvent,
      returnEvent: q.returnEvent ?? this.settings.returnEvent,
      breakdowns: [...new Set(q.breakdowns ?? [])],
    };
  }

  /**
   * D1 and D7 return by variant of an experiment, from the roll-ups: recurring calendar cohorts
   * (a user counts on each day they were active in the variant) since `since` (at most
   * ANALYTICS_MAX_RANGE_DAYS back), summed over the cohorts whose day 7 (or day 1) has elapsed.
   * Keyed by variant name; a variant with no elapsed cohort is left out.
   */
  async returnByVariant(
    experimentKey: string,
    since: Date,
  ): Promise<Map<string, { d1: number | null; d7: number | null; userDays: number }>> {
    const to = (await this.store.dataThrough()) ?? isoDay(dayNumber(this.today()) - 1);
    const earliest = dayNumber(to) - this.settings.maxRangeDays + 1;
    const from = isoDay(Math.max(earliest, dayOf(since.getTime(), this.settings.timeZone)));
    const out = new Map<string, { d1: number | null; d7: number | null; userDays: number }>();
    if (from > to) return out;
    const r = await this.resolve({
      from,
      to,
      offsets: [1, 7],
      cohorts: 'recurring',
      breakdowns: ['experiment_variant'],
    });
    const sums = new Map<string, { size: Record<number, number>; back: Record<number, number> }>();
    for (const row of await this.retention(r)) {
      if (row.dimension !== 'experiment_variant' || !row.value.startsWith(`${experimentKey}:`))
        continue;
      if (row.returned === null) continue;
      const variant = row.value.slice(experimentKey.length + 1);
      const s = sums.get(variant) ?? { size: {}, back: {} };
      s.size[row.offset] = (s.size[row.offset] ?? 0) + row.size;
      s.back[row.offset] = (s.back[row.offset] ?? 0) + row.returned;
      sums.set(variant, s);
    }
    for (const [variant, s] of sums) {
      const rate = (o: number) => (s.size[o] ? s.back[o] / s.size[o] : null);
      out.set(variant, { d1: rate(1), d7: rate(7), userDays: s.size[1] ?? 0 });
    }
    return out;
  }

  /** What every export and answer says of itself (docs/analytics.md#exports). */
  metadata(r: ResolvedQuery, dataset: Dataset): Record<string, unknown> {
    return {
      definitionVersion: DEFINITION_VERSION,
      dataset,
      timeZone: this.settings.timeZone,
      from: r.from,
      to: r.to,
      dataThrough: r.dataThrough,
      generatedAt: new Date().toISOString(),
      cohortEvent: r.cohortEvent,
      returnEvent: r.returnEvent,
      mode: r.mode,
      return: r.bounded ? 'on' : 'on_or_after',
      cohorts: r.cohorts,
      granularity: r.granularity,
      offsets: r.offsets,
      breakdowns: r.breakdowns,
      sessionGapMinutes: this.settings.sessionGapMs / 60_000,
      filters: { excludeUsers: this.settings.excludeUsers },
      userIds: dataset === 'user_days' ? 'HMAC-SHA256 pseudonyms' : 'none',
    };
  }

  /**
   * Retention cells. First-time cohorts (every mode, granularity and return kind) are counted in
   * Postgres over analytics_user_cohorts, a row per user; recurring cohorts stream each user's
   * days through the pure core (their breakdowns and rolling starts are those of each period's
   * first day). `engine` forces one (the tests compare them).
   */
  async retention(r: ResolvedQuery, engine?: 'cohorts' | 'core'): Promise<RetentionRow[]> {
    const spec: RetentionSpec = {
      granularity: r.granularity,
      offsets: r.offsets,
      bounded: r.bounded,
      cohorts: r.cohorts,
      mode: r.mode,
      cohortEvent: r.cohortEvent,
      returnEvent: r.returnEvent,
      breakdowns: r.breakdowns,
      fromDay: dayNumber(r.from),
      toDay: dayNumber(r.to),
      dataThroughDay: r.dataThrough ? dayNumber(r.dataThrough) : dayNumber(r.from) - 1,
      timeZone: this.settings.timeZone,
    };
    const firstTime = r.cohorts === 'first_time';
    if ((engine ?? (firstTime ? 'cohorts' : 'core')) === 'cohorts') {
      if (!firstTime) throw new Error('the cohort roll-up counts first-time cohorts only');
      if (!r.dataThrough) return [];
      const counts = await this.store.cohortCounts(
        { ...spec, from: r.from, to: r.to, through: r.dataThrough },
        this.filter(),
      );
      return retentionRows(spec, counts);
    }
    const counter = new RetentionCounter(spec);
    if (r.dataThrough) {
      for await (const user of this.store.userDays(
        { fromDay: null, toDay: r.dataThrough },
        this.filter(),
      )) {
        counter.add(user.days);
      }
    }
    return counter.rows();
  }

  async activity(r: ResolvedQuery): Promise<{ days: ActivityDay[]; totals: ActivityTotals }> {
    const from = dayNumber(r.from);
    const counter = new ActivityCounter(from, dayNumber(r.to));
    for await (const user of this.store.userDays(
      { fromDay: isoDay(from - 29), toDay: r.to },
      this.filter(),
    )) {
      counter.add(user.days);
    }
    return { days: counter.days(), totals: counter.totals() };
  }

  async sessionLengths(r: ResolvedQuery): Promise<SessionLengths> {
    const s = await this.store.sessionLengths({ fromDay: r.from, toDay: r.to }, this.filter());
    return {
      ...s,
      over2hShare: s.sessions ? s.over2h / s.sessions : null,
      over3hShare: s.sessions ? s.over3h / s.sessions : null,
    };
  }

  /** The guardrail metrics of the range (docs/analytics.md#guardrails), as metric rows. */
  async guardrails(r: ResolvedQuery): Promise<ExportRow[]> {
    const [{ totals }, s] = await Promise.all([this.activity(r), this.sessionLengths(r)]);
    const row = (metric: string, numerator: number, denominator: number, scale = 1) => ({
      metric,
      value: denominator ? (scale * numerator) / denominator : null,
      numerator,
      denominator,
    });
    return [
      row('sessions_over_2h_share', s.over2h, s.sessions),
      row('sessions_over_3h_share', s.over3h, s.sessions),
      row('minor_late_night_share', totals.minorLateNightDays, totals.minorDays),
      row(
        'crisis_referrals_per_1000_active_users',
        totals.crisisReferrals,
        totals.activeUsers,
        1000,
      ),
      row('crisis_events_per_1000_active_users', totals.crisisEvents, totals.activeUsers, 1000),
      row('notices_shown_per_1000_active_users', totals.noticesShown, totals.activeUsers, 1000),
      { metric: 'notices_shown', value: totals.noticesShown, numerator: null, denominator: null },
      { metric: 'active_users', value: totals.activeUsers, numerator: null, denominator: null },
    ];
  }

  /** An export of `r.dataset` in `r.format`, ready to stream. */
  async prepareExport(r: ResolvedQuery): Promise<PreparedExport> {
    const metadata = this.metadata(r, r.dataset);
    const columns = COLUMNS[r.dataset];
    const rows = await this.rowsOf(r);
    return {
      mediaType: MEDIA_TYPES[r.format],
      filename: `${r.dataset}-${r.from}-${r.to}.${r.format}`,
      metadata,
      write: (out) => writeExport(r.format, columns, metadata, rows, out),
    };
  }

  private async rowsOf(r: ResolvedQuery): Promise<Iterable<ExportRow> | AsyncIterable<ExportRow>> {
    switch (r.dataset) {
      case 'retention':
        return (await this.retention(r)).map((x) => ({
          cohort: x.cohort,
          dimension: x.dimension,
          value: x.value,
          cohort_size: x.size,
          period: x.offset,
          returned: x.returned,
          retention: x.rate,
        }));
      case 'activity':
        return (await this.activity(r)).days.map((d) =>
          Object.fromEntries(Object.entries(d).map(([k, v]) => [snake(k), v])),
        );
      case 'sessions': {
        const s = await this.sessionLengths(r);
        return s.buckets.map((b) => ({
          from_seconds: b.fromSeconds,
          to_seconds: b.toSeconds,
          sessions: b.sessions,
          share: s.sessions ? b.sessions / s.sessions : null,
        }));
      }
      case 'guardrails':
        return this.guardrails(r);
      case 'user_days':
        return this.pseudonymousUserDays(r);
    }
  }

  private async *pseudonymousUserDays(r: ResolvedQuery): AsyncGenerator<ExportRow> {
    for await (const row of this.store.userDayRows(
      { fromDay: r.from, toDay: r.to },
      this.filter(),
    )) {
      const { user_id: userId, ...rest } = row;
      yield { user: this.pseudonym(userId as string), ...(rest as ExportRow) };
    }
  }

  async retentionSvg(r: ResolvedQuery): Promise<string> {
    const rows = (await this.retention({ ...r, breakdowns: [] })).filter(
      (x) => x.dimension === 'all',
    );
    const kind = r.bounded ? 'on' : 'on or after';
    return retentionHeatmapSvg(
      rows,
      `Retention (${r.cohorts.replace('_', '-')}, return ${kind}, ${r.mode} ${r.granularity}s, ${this.settings.timeZone}) ${r.from} to ${r.to}`,
    );
  }

  async dauMauSvg(r: ResolvedQuery): Promise<string> {
    const { days } = await this.activity(r);
    return dauMauSvg(days, `DAU, MAU and DAU/MAU ${r.from} to ${r.to} (${this.settings.timeZone})`);
  }

  private filter() {
    return { excludeUsers: this.settings.excludeUsers };
  }

  /** For the nightly job's log line. */
  logRollup(day: string, result: { userDays: number; sessions: number }): void {
    this.logger.log({ day, ...result }, 'analytics day rolled up');
  }
}

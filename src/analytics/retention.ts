import {
  dayStartMs,
  type Granularity,
  isoDay,
  periodEnd,
  periodOf,
  periodStart,
  rollingPeriodMs,
} from './calendar.js';
import { type ActivityEvent, eventOn, type UserDayFacts } from './user-activity.js';

/**
 * Retention cohorts (docs/analytics.md#retention), as a pure core: users are added one at a time
 * with their rolled-up days, and the counts come out as rows. Memory holds the counters only
 * (cohorts x breakdown values x offsets), never the users.
 */

export const BREAKDOWNS = [
  'signup_week',
  'platform',
  'experiment_variant',
  'voice_text',
  'age_band',
  'first_week_mood',
] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export interface RetentionSpec {
  granularity: Granularity;
  /** Periods after the cohort's: [1, 7, 30] for D1/D7/D30. */
  offsets: number[];
  /** Bounded: returned in period N exactly. Unbounded: in period N or any later one. */
  bounded: boolean;
  /** first_time: a user's first-ever cohort event. recurring: every period with one. */
  cohorts: 'first_time' | 'recurring';
  /** calendar: local calendar periods. rolling: 24 h multiples from the user's own first event. */
  mode: 'calendar' | 'rolling';
  cohortEvent: ActivityEvent;
  returnEvent: ActivityEvent;
  breakdowns: Breakdown[];
  /** Cohort events on these local days (inclusive) make cohorts. */
  fromDay: number;
  toDay: number;
  /** The last local day the roll-ups cover: later cells are not yet elapsed (null). */
  dataThroughDay: number;
  timeZone: string;
}

export interface RetentionRow {
  /** The first day of the cohort's period (YYYY-MM-DD). */
  cohort: string;
  /** `all`, or the breakdown this row is a part of. */
  dimension: 'all' | Breakdown;
  value: string;
  size: number;
  offset: number;
  /** Null while the period has not fully elapsed for every member. */
  returned: number | null;
  rate: number | null;
}

/** A first-week mean valence below this reads negative, above its opposite positive. */
export const MOOD_THRESHOLD = 0.2;

interface Cell {
  size: number;
  returned: number[];
}

export class RetentionCounter {
  private readonly cells = new Map<string, Cell>();
  private readonly periodMs: number;

  constructor(private readonly spec: RetentionSpec) {
    this.periodMs = rollingPeriodMs(spec.granularity);
  }

  /** One user's days, oldest first (every day the roll-ups hold up to dataThroughDay). */
  add(days: readonly UserDayFacts[]): void {
    const { spec } = this;
    const anchors: UserDayFacts[] = [];
    if (spec.cohorts === 'first_time') {
      const first = days.find((d) => eventOn(d, spec.cohortEvent));
      if (first) anchors.push(first);
    } else {
      let lastPeriod: number | null = null;
      for (const d of days) {
        if (!eventOn(d, spec.cohortEvent)) continue;
        const p = periodOf(d.day, spec.granularity);
        if (p !== lastPeriod) anchors.push(d);
        lastPeriod = p;
      }
    }
    for (const anchor of anchors) {
      if (anchor.day < spec.fromDay || anchor.day > spec.toDay) continue;
      const cohort = periodOf(anchor.day, spec.granularity);
      const t0 = eventOn(anchor, spec.cohortEvent)!.first;
      const returned = spec.offsets.map((n) => this.returned(days, cohort, t0, n));
      this.count(cohort, 'all', 'all', returned);
      for (const b of spec.breakdowns) {
        this.count(cohort, b, breakdownValue(b, anchor, days), returned);
      }
    }
  }

  rows(): RetentionRow[] {
    const counts: RetentionCount[] = [];
    for (const [key, cell] of this.cells) {
      const [p, dimension, value] = key.split('\u0000');
      counts.push({
        cohort: Number(p),
        dimension,
        value,
        size: cell.size,
        returned: cell.returned,
      });
    }
    return retentionRows(this.spec, counts);
  }

  private count(cohort: number, dimension: string, value: string, returned: boolean[]): void {
    const key = `${String(cohort).padStart(8, '0')}\u0000${dimension}\u0000${value}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { size: 0, returned: this.spec.offsets.map(() => 0) };
      this.cells.set(key, cell);
    }
    cell.size++;
    returned.forEach((r, i) => {
      if (r) cell.returned[i]++;
    });
  }

  private returned(days: readonly UserDayFacts[], cohort: number, t0: number, n: number): boolean {
    const { spec } = this;
    if (spec.mode === 'calendar') {
      const target = cohort + n;
      return days.some((d) => {
        if (!eventOn(d, spec.returnEvent)) return false;
        const p = periodOf(d.day, spec.granularity);
        return spec.bounded ? p === target : p >= target;
      });
    }
    const start = t0 + n * this.periodMs;
    const end = start + this.periodMs;
    return days.some((d) => {
      const e = eventOn(d, spec.returnEvent);
      if (!e) return false;
      if (!spec.bounded) return e.last >= start;
      return (e.first >= start && e.first < end) || (e.last >= start && e.last < end);
    });
  }
}

/** Counts of one cohort and breakdown value: its size and the returns at each offset. */
export interface RetentionCount {
  /** The cohort's period number (src/analytics/calendar.ts). */
  cohort: number;
  dimension: string;
  value: string;
  size: number;
  /** Returned users at each of `spec.offsets`, in order. */
  returned: number[];
}

/**
 * Rows from counts (the pure counter's, or the set-based path's in analytics.repository.ts):
 * sorted by cohort, dimension, value and offset, cells not yet elapsed null.
 */
export function retentionRows(
  spec: RetentionSpec,
  counts: readonly RetentionCount[],
): RetentionRow[] {
  const sorted = [...counts].sort(
    (a, b) =>
      a.cohort - b.cohort ||
      (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : 0) ||
      (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
  const out: RetentionRow[] = [];
  for (const c of sorted) {
    spec.offsets.forEach((offset, i) => {
      const done = elapsed(spec, c.cohort, offset);
      out.push({
        cohort: isoDay(periodStart(c.cohort, spec.granularity)),
        dimension: c.dimension as RetentionRow['dimension'],
        value: c.value,
        size: c.size,
        offset,
        returned: done ? c.returned[i] : null,
        rate: done ? (c.size ? c.returned[i] / c.size : 0) : null,
      });
    });
  }
  return out;
}

/** Whether period `n` after the cohort has ended for every member by the data's last day. */
export function elapsed(spec: RetentionSpec, cohort: number, n: number): boolean {
  const dataEnd = spec.dataThroughDay + 1;
  if (spec.mode === 'calendar') return periodEnd(cohort + n, spec.granularity) <= dataEnd;
  const lastStart = dayStartMs(periodEnd(cohort, spec.granularity), spec.timeZone);
  return (
    lastStart + (n + 1) * rollingPeriodMs(spec.granularity) <= dayStartMs(dataEnd, spec.timeZone)
  );
}

/** The anchor's breakdown value: what the cohort day says, or the first week from it. */
export function breakdownValue(
  b: Breakdown,
  anchor: UserDayFacts,
  days: readonly UserDayFacts[],
): string {
  switch (b) {
    case 'signup_week':
      return anchor.signupDay === null
        ? 'unknown'
        : isoDay(periodStart(periodOf(anchor.signupDay, 'week'), 'week'));
    case 'platform':
      return anchor.platform ?? 'unknown';
    case 'experiment_variant':
      return anchor.experimentVariant ?? 'none';
    case 'age_band':
      return anchor.ageBand ?? 'unknown';
    case 'voice_text':
      return firstWeek(anchor, days).some((d) => d.voiceMessages > 0) ? 'voice' : 'text';
    case 'first_week_mood': {
      let sum = 0;
      let n = 0;
      for (const d of firstWeek(anchor, days)) {
        sum += d.valenceSum;
        n += d.affectCount;
      }
      if (n === 0) return 'unknown';
      const mean = sum / n;
      return mean < -MOOD_THRESHOLD ? 'negative' : mean > MOOD_THRESHOLD ? 'positive' : 'neutral';
    }
  }
}

/** The anchor's day and the six after it. */
function firstWeek(anchor: UserDayFacts, days: readonly UserDayFacts[]): UserDayFacts[] {
  return days.filter((d) => d.day >= anchor.day && d.day < anchor.day + 7);
}

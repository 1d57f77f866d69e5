/**
 * Calendar days as integers: days since 1970-01-01 of the *local* calendar of a time zone. Dates
 * in conversation ("yesterday", "on 8 May") are calendar dates where the user lives, not instants,
 * so all date logic works on these and converts instants once, at the edge.
 */
export type Day = number;

/** An inclusive range of days. */
export interface DaySpan {
  from: Day;
  to: Day;
}

const MS_PER_DAY = 86_400_000;
const HOUR_MS = 3_600_000;
/** Every UTC offset and every offset change falls on a multiple of 15 minutes. */
const OFFSET_STEP_MS = 900_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

/**
 * The local calendar day of an instant in an IANA time zone. Asking Intl for every message would
 * cost a few microseconds each (thousands per recall), so the zone's UTC offset is remembered
 * per quarter hour, within which it cannot change.
 */
export function dayOf(instant: Date, timeZone = 'UTC'): Day {
  const ms = instant.getTime();
  if (timeZone === 'UTC') return Math.floor(ms / MS_PER_DAY);
  let zone = offsets.get(timeZone);
  if (!zone || zone.size > 100_000) offsets.set(timeZone, (zone = new Map<number, number>()));
  const bucket = Math.floor(ms / OFFSET_STEP_MS);
  let offset = zone.get(bucket);
  if (offset === undefined) {
    offset = utcOffsetMs(bucket * OFFSET_STEP_MS, timeZone);
    zone.set(bucket, offset);
  }
  return Math.floor((ms + offset) / MS_PER_DAY);
}

/**
 * The first instant of a local calendar day in an IANA time zone: its midnight, or the moment a
 * clock change that skips midnight starts the day. Offsets and their changes fall on quarter
 * hours, so the day starts on one: the first quarter hour `dayOf` puts on `day`, found by halving
 * the range that the widest offsets (UTC-12 to UTC+14) leave for it.
 */
export function dayStart(day: Day, timeZone = 'UTC'): Date {
  const midnight = day * MS_PER_DAY;
  if (timeZone === 'UTC') return new Date(midnight);
  // A quarter hour still on the day before, and one already on `day` (or after it).
  let before = (midnight - 14 * HOUR_MS) / OFFSET_STEP_MS - 1;
  let after = (midnight + 12 * HOUR_MS) / OFFSET_STEP_MS;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (dayOf(new Date(middle * OFFSET_STEP_MS), timeZone) >= day) after = middle;
    else before = middle;
  }
  return new Date(after * OFFSET_STEP_MS);
}

/** Local wall-clock time minus UTC at `ms`, in the zone. */
function utcOffsetMs(ms: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
  return local - Math.floor(ms / 60_000) * 60_000;
}

/** Day of a calendar date; month 1-12. Out-of-range days roll over as Date.UTC does. */
export function fromYmd(year: number, month: number, day: number): Day {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export function toYmd(day: Day): { year: number; month: number; day: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "2023-05-09": a day in ISO 8601 digits. */
export function isoDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The Monday of the (ISO, Monday-first) week that holds `day`. */
export function weekStart(day: Day): Day {
  return day - ((weekday(day) + 6) % 7);
}

export function monthSpan(year: number, month: number): DaySpan {
  return { from: fromYmd(year, month, 1), to: fromYmd(year, month + 1, 1) - 1 };
}

export function yearSpan(year: number): DaySpan {
  return { from: fromYmd(year, 1, 1), to: fromYmd(year + 1, 1, 1) - 1 };
}

export function overlaps(a: DaySpan, b: DaySpan): boolean {
  return a.from <= b.to && b.from <= a.to;
}

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEKDAYS_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/**
 * "Tuesday, 9 May 2023" / "2023年5月9日 周二" (or without the weekday): how a day is written into a
 * prompt. Words, not ISO digits: the model reads them as dates, and Qwen spends a token per digit.
 */
export function formatDay(day: Day, lang: 'en' | 'zh' = 'en', withWeekday = true): string {
  const { year, month, day: d } = toYmd(day);
  if (lang === 'zh') {
    return `${year}年${month}月${d}日${withWeekday ? ` ${WEEKDAYS_ZH[weekday(day)]}` : ''}`;
  }
  return `${withWeekday ? `${WEEKDAYS_EN[weekday(day)]}, ` : ''}${d} ${MONTHS_EN[month - 1]} ${year}`;
}

/** A span as briefly as it can be said: one day, a month, a year, or "from – to". */
export function formatSpan(span: DaySpan, lang: 'en' | 'zh' = 'en', withWeekday = true): string {
  if (span.from === span.to) return formatDay(span.from, lang, withWeekday);
  const a = toYmd(span.from);
  const b = toYmd(span.to);
  const wholeMonth = a.day === 1 && toYmd(span.to + 1).day === 1 && a.month === b.month;
  if (wholeMonth && a.year === b.year) {
    return lang === 'zh' ? `${a.year}年${a.month}月` : `${MONTHS_EN[a.month - 1]} ${a.year}`;
  }
  if (a.month === 1 && a.day === 1 && b.month === 12 && b.day === 31 && a.year === b.year) {
    return lang === 'zh' ? `${a.year}年` : `${a.year}`;
  }
  const short = (x: { year: number; month: number; day: number }) =>
    lang === 'zh' ? `${x.month}月${x.day}日` : `${x.day} ${MONTHS_EN[x.month - 1]}`;
  return lang === 'zh'
    ? `${a.year}年${short(a)}至${b.year === a.year ? '' : `${b.year}年`}${short(b)}`
    : `${short(a)}${a.year === b.year ? '' : ` ${a.year}`} – ${short(b)} ${b.year}`;
}

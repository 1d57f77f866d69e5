/**
 * Local calendar days as plain integers (days since 1970-01-01 of the calendar, whatever the
 * zone), and the periods retention counts in. Pure: no Nest, no database.
 */

const DAY_MS = 86_400_000;

/** `2026-03-08` -> its day number. Throws on anything else. */
export function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a date: ${iso}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== iso) throw new Error(`not a date: ${iso}`);
  return Math.round(ms / DAY_MS);
}

/** Day number -> `YYYY-MM-DD`. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
/** Each zone's offset in the minute last asked for (zone rules change offsets on minute marks). */
const lastOffsets = new Map<string, { minute: number; offset: number }>();
const MINUTE_MS = 60_000;

/** How far `zone`'s wall clock is ahead of UTC at instant `ms`, in ms. */
export function zoneOffsetMs(zone: string, ms: number): number {
  const minute = Math.floor(ms / MINUTE_MS);
  const last = lastOffsets.get(zone);
  if (last?.minute === minute) return last.offset;
  const offset = formatOffset(zone, ms);
  lastOffsets.set(zone, { minute, offset });
  return offset;
}

function formatOffset(zone: string, ms: number): number {
  let f = offsetFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant local day `day` starts in `zone` (its first moment, DST included). */
export function dayStartMs(day: number, zone: string): number {
  const midnightUtc = day * DAY_MS;
  let guess = midnightUtc - zoneOffsetMs(zone, midnightUtc);
  // Twice: the offset at the guess may differ from the offset at UTC midnight (a DST change).
  guess = midnightUtc - zoneOffsetMs(zone, guess);
  return guess;
}

/** The local day of instant `ms` in `zone`. */
export function dayOf(ms: number, zone: string): number {
  return Math.floor((ms + zoneOffsetMs(zone, ms)) / DAY_MS);
}

export type Granularity = 'day' | 'week' | 'month';

/** The calendar period holding `day`: days as they are, ISO weeks (Monday), months. */
export function periodOf(day: number, g: Granularity): number {
  if (g === 'day') return day;
  // 1970-01-01 was a Thursday: day 4 is the Monday after it, so week 0 starts on day -3.
  if (g === 'week') return Math.floor((day + 3) / 7);
  const d = new Date(day * DAY_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The first day of period `p`. */
export function periodStart(p: number, g: Granularity): number {
  if (g === 'day') return p;
  if (g === 'week') return p * 7 - 3;
  return Math.round(Date.UTC(Math.floor(p / 12), p % 12, 1) / DAY_MS);
}

/** The day after the last day of period `p`. */
export function periodEnd(p: number, g: Granularity): number {
  return periodStart(p + 1, g);
}

/** A rolling period's length: 24 h, 7 x 24 h, or 30 x 24 h from the user's first activity. */
export function rollingPeriodMs(g: Granularity): number {
  return (g === 'day' ? 1 : g === 'week' ? 7 : 30) * DAY_MS;
}

/**
 * Whether a time falls in a daily window (`HH:MM`-`HH:MM`, crossing midnight when the end is
 * before the start) in a time zone. The zone's minute of the day is computed once per wall-clock
 * minute and zone, so the check on every turn is a comparison.
 */
export interface DailyWindow {
  timeZone: string;
  start: string;
  end: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const memo = new Map<string, { minute: number; local: number }>();

export function minuteOfDay(nowMs: number, timeZone: string): number {
  const minute = Math.floor(nowMs / 60_000);
  const hit = memo.get(timeZone);
  if (hit && hit.minute === minute) return hit.local;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(nowMs));
  const h = Number(parts.find((p) => p.type === 'hour')!.value);
  const m = Number(parts.find((p) => p.type === 'minute')!.value);
  const local = h * 60 + m;
  memo.set(timeZone, { minute, local });
  return local;
}

export function inWindow(nowMs: number, window: DailyWindow): boolean {
  const at = minuteOfDay(nowMs, window.timeZone);
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  return start <= end ? at >= start && at < end : at >= start || at < end;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

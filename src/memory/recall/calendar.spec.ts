import { describe, expect, it } from '@jest/globals';
import {
  dayOf,
  dayStart,
  formatDay,
  formatSpan,
  fromYmd,
  isoDay,
  monthSpan,
  overlaps,
  toYmd,
  weekday,
  weekStart,
} from './calendar.js';

describe('calendar days', () => {
  it('round-trips dates and knows the weekday', () => {
    const d = fromYmd(2023, 5, 8);
    expect(toYmd(d)).toEqual({ year: 2023, month: 5, day: 8 });
    expect(weekday(d)).toBe(1); // a Monday
    expect(weekStart(fromYmd(2023, 5, 14))).toBe(d); // Sunday belongs to the week of Monday 8th
  });

  it('takes the local date of an instant in the user time zone', () => {
    const instant = new Date('2023-05-08T20:30:00Z');
    expect(dayOf(instant)).toBe(fromYmd(2023, 5, 8));
    expect(dayOf(instant, 'Asia/Shanghai')).toBe(fromYmd(2023, 5, 9));
    expect(dayOf(instant, 'America/Los_Angeles')).toBe(fromYmd(2023, 5, 8));
  });

  it('finds the instant a local day starts, east and west of UTC', () => {
    const day = fromYmd(2026, 12, 2);
    expect(dayStart(day).toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(dayStart(day, 'Asia/Shanghai').toISOString()).toBe('2026-12-01T16:00:00.000Z');
    expect(dayStart(day, 'America/Los_Angeles').toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(dayStart(day, 'Asia/Kathmandu').toISOString()).toBe('2026-12-01T18:15:00.000Z');
    expect(dayStart(day, 'Pacific/Kiritimati').toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(dayStart(day, 'Etc/GMT+12').toISOString()).toBe('2026-12-02T12:00:00.000Z');
  });

  it('starts a day at its own midnight across clock changes, or when a change skips midnight', () => {
    // Los Angeles springs forward on 8 March 2026 and falls back on 1 November.
    expect(dayStart(fromYmd(2026, 3, 8), 'America/Los_Angeles').toISOString()).toBe(
      '2026-03-08T08:00:00.000Z',
    );
    expect(dayStart(fromYmd(2026, 3, 9), 'America/Los_Angeles').toISOString()).toBe(
      '2026-03-09T07:00:00.000Z',
    );
    expect(dayStart(fromYmd(2026, 11, 2), 'America/Los_Angeles').toISOString()).toBe(
      '2026-11-02T08:00:00.000Z',
    );
    // Santiago's clocks go from 00:00 to 01:00 on 6 September 2026: the day starts at 01:00.
    expect(dayStart(fromYmd(2026, 9, 6), 'America/Santiago').toISOString()).toBe(
      '2026-09-06T04:00:00.000Z',
    );
    for (const zone of ['Asia/Shanghai', 'America/Los_Angeles', 'America/Santiago']) {
      for (const day of [fromYmd(2026, 3, 8), fromYmd(2026, 9, 6), fromYmd(2026, 11, 1)]) {
        const start = dayStart(day, zone);
        expect(dayOf(start, zone)).toBe(day);
        expect(dayOf(new Date(start.getTime() - 1), zone)).toBe(day - 1);
      }
    }
  });

  it('writes days and spans for a prompt, in English and Chinese', () => {
    expect(isoDay(fromYmd(2023, 5, 9))).toBe('2023-05-09');
    const d = fromYmd(2023, 5, 9);
    expect(formatDay(d)).toBe('Tuesday, 9 May 2023');
    expect(formatDay(d, 'en', false)).toBe('9 May 2023');
    expect(formatDay(d, 'zh')).toBe('2023年5月9日 周二');
    expect(formatSpan(monthSpan(2023, 5))).toBe('May 2023');
    expect(formatSpan(monthSpan(2023, 5), 'zh')).toBe('2023年5月');
    expect(formatSpan({ from: fromYmd(2023, 1, 1), to: fromYmd(2023, 12, 31) })).toBe('2023');
    expect(formatSpan({ from: fromYmd(2023, 7, 8), to: fromYmd(2023, 7, 9) })).toBe(
      '8 July – 9 July 2023',
    );
  });

  it('knows when spans overlap', () => {
    expect(overlaps({ from: 1, to: 3 }, { from: 3, to: 5 })).toBe(true);
    expect(overlaps({ from: 1, to: 2 }, { from: 3, to: 5 })).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  dayOf,
  formatDay,
  formatSpan,
  fromYmd,
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

  it('writes days and spans for a prompt, in English and Chinese', () => {
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

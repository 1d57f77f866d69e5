import { describe, expect, it } from '@jest/globals';
import { ActivityCounter } from './activity-metrics.js';
import { dayNumber, dayOf, dayStartMs, isoDay } from './calendar.js';
import { RetentionCounter, type RetentionRow, type RetentionSpec } from './retention.js';
import { blankDay, type UserDayFacts } from './user-activity.js';

/**
 * Hand-made histories whose retention was worked out by hand (the comments say how). Times are
 * given in UTC; the comments give them in the analytics zone.
 */

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';

/** A user's rolled-up days from message instants (and voice ones), as the roll-up would. */
function user(zone: string, messages: string[], voice: string[] = []): UserDayFacts[] {
  const days = new Map<number, UserDayFacts>();
  const add = (iso: string, isVoice: boolean) => {
    const ms = Date.parse(iso);
    const n = dayOf(ms, zone);
    const d = days.get(n) ?? blankDay(n);
    d.messages++;
    d.firstMessageAt = Math.min(d.firstMessageAt ?? ms, ms);
    d.lastMessageAt = Math.max(d.lastMessageAt ?? ms, ms);
    if (isVoice) {
      d.voiceMessages++;
      d.firstVoiceAt = Math.min(d.firstVoiceAt ?? ms, ms);
      d.lastVoiceAt = Math.max(d.lastVoiceAt ?? ms, ms);
    }
    days.set(n, d);
  };
  messages.forEach((m) => add(m, false));
  voice.forEach((m) => add(m, true));
  return [...days.values()].sort((a, b) => a.day - b.day);
}

// u1: first message 2026-03-01 23:50 Shanghai, then 03-02 00:10 and 03-08 12:00.
const u1 = user(SH, ['2026-03-01T15:50:00Z', '2026-03-01T16:10:00Z', '2026-03-08T04:00:00Z']);
// u2: first message 2026-03-01 00:05 Shanghai (still 02-28 in UTC), then 03-09 and 03-31 noon.
const u2 = user(SH, ['2026-02-28T16:05:00Z', '2026-03-09T04:00:00Z', '2026-03-31T04:00:00Z']);
// u3: first message 2026-03-02 10:00, then 03-03 10:00 (a voice message).
const u3 = user(SH, ['2026-03-02T02:00:00Z'], ['2026-03-03T02:00:00Z']);

function spec(over: Partial<RetentionSpec>): RetentionSpec {
  return {
    granularity: 'day',
    offsets: [1, 7, 30],
    bounded: true,
    cohorts: 'first_time',
    mode: 'calendar',
    cohortEvent: 'message',
    returnEvent: 'message',
    breakdowns: [],
    fromDay: dayNumber('2026-02-01'),
    toDay: dayNumber('2026-03-31'),
    dataThroughDay: dayNumber('2026-04-15'),
    timeZone: SH,
    ...over,
  };
}

/** `{ cohort: { offset: returned } }` of the `all` rows, and the cohort sizes. */
function table(s: RetentionSpec, users: UserDayFacts[][]) {
  const counter = new RetentionCounter(s);
  users.forEach((u) => counter.add(u));
  const rows = counter.rows();
  const out: Record<string, Record<number, number | null>> = {};
  const sizes: Record<string, number> = {};
  for (const r of rows.filter((x) => x.dimension === 'all')) {
    (out[r.cohort] ??= {})[r.offset] = r.returned;
    sizes[r.cohort] = r.size;
  }
  return { out, sizes, rows };
}

describe('calendar days in a zone', () => {
  it('puts 00:05 Shanghai on its own local day, not the UTC one', () => {
    expect(isoDay(dayOf(Date.parse('2026-02-28T16:05:00Z'), SH))).toBe('2026-03-01');
  });

  it('starts New York days at their own midnight across the spring-forward change', () => {
    expect(new Date(dayStartMs(dayNumber('2026-03-08'), NY)).toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    );
    expect(new Date(dayStartMs(dayNumber('2026-03-09'), NY)).toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    );
    // 00:30 EDT on the 9th is 04:30Z: a fixed -5 h would call it the 8th.
    expect(isoDay(dayOf(Date.parse('2026-03-09T04:30:00Z'), NY))).toBe('2026-03-09');
  });
});

describe('first-time retention, calendar days (Asia/Shanghai)', () => {
  it('bounded: returned on day N exactly', () => {
    // Cohort 03-01 = {u1, u2}. D1 (03-02): u1. D7 (03-08): u1. D30 (03-31): u2.
    // Cohort 03-02 = {u3}. D1 (03-03): u3.
    const { out, sizes } = table(spec({}), [u1, u2, u3]);
    expect(sizes).toEqual({ '2026-03-01': 2, '2026-03-02': 1 });
    expect(out).toEqual({
      '2026-03-01': { 1: 1, 7: 1, 30: 1 },
      '2026-03-02': { 1: 1, 7: 0, 30: 0 },
    });
  });

  it('unbounded: returned on day N or any later day', () => {
    // 03-01: D1 u1 and u2 (03-09 is later); D7 u1 (03-08) and u2 (03-09); D30 u2 only.
    const { out } = table(spec({ bounded: false }), [u1, u2, u3]);
    expect(out['2026-03-01']).toEqual({ 1: 2, 7: 2, 30: 1 });
    expect(out['2026-03-02']).toEqual({ 1: 1, 7: 0, 30: 0 });
  });

  it('leaves cells not yet elapsed null', () => {
    // Data through 03-20: 03-01's D30 (03-31) and 03-02's D30 (04-01) have not happened.
    const { out, rows } = table(spec({ dataThroughDay: dayNumber('2026-03-20') }), [u1, u2, u3]);
    expect(out['2026-03-01']).toEqual({ 1: 1, 7: 1, 30: null });
    expect(out['2026-03-02']).toEqual({ 1: 1, 7: 0, 30: null });
    expect(rows.find((r) => r.offset === 30)?.rate).toBeNull();
  });

  it('counts a cohort on the day of the cohort event chosen: the first voice message', () => {
    // Only u3 sent a voice message (03-03); nothing after it.
    const { out, sizes } = table(spec({ cohortEvent: 'voice_message' }), [u1, u2, u3]);
    expect(sizes).toEqual({ '2026-03-03': 1 });
    expect(out['2026-03-03']).toEqual({ 1: 0, 7: 0, 30: 0 });
  });
});

describe('first-time retention, rolling 24 h from the first message', () => {
  it('counts a return by the hours since the first message, not the calendar', () => {
    // u1 t0 = 03-01 23:50: its 03-02 00:10 is within the first 24 h, so D1 [03-02 23:50,
    // 03-03 23:50) is empty; D7 [03-08 23:50, 03-09 23:50) misses 03-08 12:00.
    // u2 t0 = 03-01 00:05: D30 [03-31 00:05, 04-01 00:05) holds 03-31 12:00.
    // u3 t0 = 03-02 10:00: D1 [03-03 10:00, 03-04 10:00) holds 03-03 10:00.
    const { out } = table(spec({ mode: 'rolling' }), [u1, u2, u3]);
    expect(out['2026-03-01']).toEqual({ 1: 0, 7: 0, 30: 1 });
    expect(out['2026-03-02']).toEqual({ 1: 1, 7: 0, 30: 0 });
  });

  it('unbounded rolling: any message from the start of period N on', () => {
    // u1: last message 03-08 12:00 is past 03-02 23:50 (D1) but not past 03-08 23:50 (D7).
    // u2: 03-31 12:00 is past every start. u3: 03-03 10:00 is D1's start exactly.
    const { out } = table(spec({ mode: 'rolling', bounded: false }), [u1, u2, u3]);
    expect(out['2026-03-01']).toEqual({ 1: 2, 7: 1, 30: 1 });
    expect(out['2026-03-02']).toEqual({ 1: 1, 7: 0, 30: 0 });
  });

  it('measures 24 h in real hours across a daylight-saving change (America/New_York)', () => {
    // All three first write 03-07 12:00 EST (17:00Z). The 8th has 23 hours.
    // a: back 03-08 12:30 EDT (16:30Z): calendar D1 yes; rolling D1 [03-08 17:00Z, 03-09
    //    17:00Z) no (it is 23.5 h after t0).
    // b: back 03-09 12:30 EDT (16:30Z): calendar D2, so D1 no; rolling D1 yes.
    // c: back 03-09 00:30 EDT (04:30Z): calendar D2 (a fixed -5 h would say D1); rolling D1 yes.
    const t0 = '2026-03-07T17:00:00Z';
    const a = user(NY, [t0, '2026-03-08T16:30:00Z']);
    const b = user(NY, [t0, '2026-03-09T16:30:00Z']);
    const c = user(NY, [t0, '2026-03-09T04:30:00Z']);
    const s = spec({ timeZone: NY, offsets: [1, 2] });
    expect(table(s, [a, b, c]).out).toEqual({ '2026-03-07': { 1: 1, 2: 2 } });
    expect(table({ ...s, mode: 'rolling' }, [a, b, c]).out).toEqual({
      '2026-03-07': { 1: 2, 2: 0 },
    });
  });
});

describe('recurring retention', () => {
  it('puts a user in every period they were active in, each with its own returns', () => {
    // 03-01: u1 (back 03-02), u2 (not 03-02). 03-02: u1 (not 03-03), u3 (back 03-03).
    // 03-03: u3 (not 03-04). 03-08: u1. 03-09: u2. 03-31: u2.
    const { out, sizes } = table(spec({ cohorts: 'recurring', offsets: [1] }), [u1, u2, u3]);
    expect(sizes).toEqual({
      '2026-03-01': 2,
      '2026-03-02': 2,
      '2026-03-03': 1,
      '2026-03-08': 1,
      '2026-03-09': 1,
      '2026-03-31': 1,
    });
    expect(out['2026-03-01'][1]).toBe(1);
    expect(out['2026-03-02'][1]).toBe(1);
    expect(out['2026-03-03'][1]).toBe(0);
  });
});

describe('weeks and months', () => {
  it('uses ISO weeks starting on Monday: Sunday 03-01 and Monday 03-02 are different weeks', () => {
    // Week of 02-23: u1, u2. Week 1 (03-02..03-08): u1 yes, u2 no (03-09 is the week after).
    // Week of 03-02: u3 (back the same week only).
    const { out, sizes } = table(spec({ granularity: 'week', offsets: [1, 2] }), [u1, u2, u3]);
    expect(sizes).toEqual({ '2026-02-23': 2, '2026-03-02': 1 });
    expect(out['2026-02-23']).toEqual({ 1: 1, 2: 1 });
    expect(out['2026-03-02']).toEqual({ 1: 0, 2: 0 });
  });

  it('uses calendar months, null until the whole month has passed', () => {
    // March: u1, u2, u3; none wrote in April. Through 04-15 April is not over yet.
    const month = spec({ granularity: 'month', offsets: [1] });
    const { out, sizes } = table(month, [u1, u2, u3]);
    expect(sizes).toEqual({ '2026-03-01': 3 });
    expect(out['2026-03-01']).toEqual({ 1: null });
    const later = table({ ...month, dataThroughDay: dayNumber('2026-04-30') }, [u1, u2, u3]);
    expect(later.out['2026-03-01']).toEqual({ 1: 0 });
  });
});

describe('breakdowns', () => {
  it('splits a cohort by what its cohort day and first week say', () => {
    const withAttrs = (days: UserDayFacts[], attrs: Partial<UserDayFacts>) =>
      days.map((d, i) => (i === 0 ? { ...d, ...attrs } : d));
    const a = withAttrs(u1, {
      platform: 'ios',
      ageBand: 'minor',
      valenceSum: -1.5,
      affectCount: 3,
    });
    const b = withAttrs(u2, { platform: 'android', valenceSum: 0.1, affectCount: 2 });
    const rows = table(
      spec({ breakdowns: ['platform', 'age_band', 'first_week_mood', 'voice_text'] }),
      [a, b, u3],
    ).rows.filter((r: RetentionRow) => r.cohort === '2026-03-01' && r.offset === 1);
    const by = (dimension: string) =>
      Object.fromEntries(
        rows.filter((r) => r.dimension === dimension).map((r) => [r.value, [r.size, r.returned]]),
      );
    expect(by('platform')).toEqual({ ios: [1, 1], android: [1, 0] });
    expect(by('age_band')).toEqual({ minor: [1, 1], unknown: [1, 0] });
    expect(by('first_week_mood')).toEqual({ negative: [1, 1], neutral: [1, 0] });
    expect(by('voice_text')).toEqual({ text: [2, 1] });
  });
});

describe('daily activity', () => {
  it('counts DAU, WAU and MAU once per user, and stickiness', () => {
    const at = (day: number) => ({ ...blankDay(day), messages: 1 });
    const counter = new ActivityCounter(1, 10);
    counter.add([at(1), at(3)]);
    counter.add([at(3), at(10)]);
    const days = counter.days();
    expect(days.map((d) => d.dau)).toEqual([1, 0, 2, 0, 0, 0, 0, 0, 0, 1]);
    // a covers days 1-9 (from days 1 and 3); b covers 3-9 and 10-16.
    expect(days.map((d) => d.wau)).toEqual([1, 1, 2, 2, 2, 2, 2, 2, 2, 1]);
    expect(days.map((d) => d.mau)).toEqual([1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(days[9].stickiness).toBe(0.5);
    expect(counter.totals().activeUsers).toBe(2);
  });

  it('counts late-night use by minors and referrals per 1,000 active users', () => {
    const counter = new ActivityCounter(1, 2);
    counter.add([{ ...blankDay(1), messages: 2, ageBand: 'minor', lateNightMessages: 1 }]);
    counter.add([{ ...blankDay(1), messages: 1, ageBand: 'minor' }]);
    counter.add([{ ...blankDay(2), messages: 1, crisisReferrals: 1, crisisEvents: 1 }]);
    counter.add([{ ...blankDay(2), messages: 1, noticesShown: 2 }]);
    const t = counter.totals();
    expect(t.minorLateNightShare).toBe(0.5);
    expect(t.crisisReferralsPer1000).toBe(250);
    expect(t.noticesShown).toBe(2);
    expect(counter.days()[0].thumbsUp).toBeNull();
  });
});

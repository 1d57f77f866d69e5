import { describe, expect, it } from '@jest/globals';
import { resolveAbout } from './memory-extraction.service.js';

/** A span as ISO instants, easier to read in a failure. */
const span = (about: string, said: string, timeZone: string) => {
  const s = resolveAbout(about, new Date(said), timeZone);
  return s && [s.from.toISOString(), s.to.toISOString()];
};

describe('resolveAbout', () => {
  // 16:30 UTC on 2 December is already 00:30 on Thursday 3 December in Shanghai (UTC+8).
  const said = '2026-12-02T16:30:00Z';

  it('reads relative days in the calendar of the user who said them', () => {
    const shanghaiSecond = ['2026-12-01T16:00:00.000Z', '2026-12-02T15:59:59.999Z'];
    expect(span('昨天', said, 'Asia/Shanghai')).toEqual(shanghaiSecond);
    expect(span('yesterday', said, 'Asia/Shanghai')).toEqual(shanghaiSecond);
    expect(span('today', said, 'Asia/Shanghai')).toEqual([
      '2026-12-02T16:00:00.000Z',
      '2026-12-03T15:59:59.999Z',
    ]);
    expect(span('明天', said, 'Asia/Shanghai')).toEqual([
      '2026-12-03T16:00:00.000Z',
      '2026-12-04T15:59:59.999Z',
    ]);
    // In UTC the same instant is still 2 December: its yesterday is the 1st.
    expect(span('yesterday', said, 'UTC')).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-01T23:59:59.999Z',
    ]);
  });

  it('takes an explicit date as that whole local day', () => {
    expect(span('2026-12-05', said, 'Asia/Shanghai')).toEqual([
      '2026-12-04T16:00:00.000Z',
      '2026-12-05T15:59:59.999Z',
    ]);
    expect(span(' 2026-12-05 ', said, 'UTC')).toEqual([
      '2026-12-05T00:00:00.000Z',
      '2026-12-05T23:59:59.999Z',
    ]);
    expect(span('2026-02-30', said, 'Asia/Shanghai')).toBeNull();
    expect(span('some day', said, 'Asia/Shanghai')).toBeNull();
  });

  it('reads spans of several days, such as last week, from local midnight to local midnight', () => {
    // Thursday 3 December in Shanghai: last week is Monday 23 to Sunday 29 November.
    expect(span('上周', said, 'Asia/Shanghai')).toEqual([
      '2026-11-22T16:00:00.000Z',
      '2026-11-29T15:59:59.999Z',
    ]);
  });

  it('works west of UTC, where the local day is behind', () => {
    // 07:30 UTC on 2 December is 23:30 on 1 December in Los Angeles (UTC-8 in winter).
    const late = '2026-12-02T07:30:00Z';
    expect(span('yesterday', late, 'America/Los_Angeles')).toEqual([
      '2026-11-30T08:00:00.000Z',
      '2026-12-01T07:59:59.999Z',
    ]);
    expect(span('today', late, 'America/Los_Angeles')).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-02T07:59:59.999Z',
    ]);
    // In summer the same zone is UTC-7.
    expect(span('today', '2026-07-15T06:30:00Z', 'America/Los_Angeles')).toEqual([
      '2026-07-14T07:00:00.000Z',
      '2026-07-15T06:59:59.999Z',
    ]);
  });

  it('follows clock changes: the day clocks spring forward is 23 hours, the day they fall back 25', () => {
    expect(span('today', '2026-03-08T20:00:00Z', 'America/Los_Angeles')).toEqual([
      '2026-03-08T08:00:00.000Z',
      '2026-03-09T06:59:59.999Z',
    ]);
    expect(span('昨天', '2026-11-02T20:00:00Z', 'America/Los_Angeles')).toEqual([
      '2026-11-01T07:00:00.000Z',
      '2026-11-02T07:59:59.999Z',
    ]);
  });
});

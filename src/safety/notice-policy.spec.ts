import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_NOTICE_POLICY,
  noticeRule,
  noticesDue,
  type NoticeKind,
  type SessionClock,
} from './notice-policy.js';

const MIN = 60_000;
const IDLE = 30 * MIN;
const fresh: SessionClock = {
  sessionStartedAt: null,
  lastActiveAt: null,
  lastDisclosureAt: null,
  lastBreakAt: null,
};

/** Messages every `everyMin` minutes for `forMin` minutes; the notices due at each minute. */
function use(band: 'adult' | 'minor', everyMin: number, forMin: number, start = fresh) {
  const rule = noticeRule(DEFAULT_NOTICE_POLICY, 'us-ca', band);
  let clock = start;
  const got: Array<[number, NoticeKind]> = [];
  for (let t = 0; t <= forMin; t += everyMin) {
    const r = noticesDue(clock, rule, t * MIN, IDLE);
    clock = r.clock;
    for (const kind of r.due) got.push([t, kind]);
  }
  return { got, clock };
}

describe('notice policy', () => {
  it('discloses at the start and every three hours, and reminds an adult of a break after two', () => {
    expect(use('adult', 5, 360).got).toEqual([
      [0, 'ai_disclosure'],
      [120, 'break_reminder'],
      [180, 'ai_disclosure'],
      [240, 'break_reminder'],
      [360, 'ai_disclosure'],
      [360, 'break_reminder'],
    ]);
  });

  it('reminds a minor of a break every hour', () => {
    const breaks = use('minor', 10, 200).got.filter(([, k]) => k === 'break_reminder');
    expect(breaks.map(([t]) => t)).toEqual([60, 120, 180]);
  });

  it('starts a new session after half an hour of quiet: disclosure again, break clock reset', () => {
    const rule = noticeRule(DEFAULT_NOTICE_POLICY, 'us-ny', 'adult');
    let { clock } = noticesDue(fresh, rule, 0, IDLE);
    ({ clock } = noticesDue(clock, rule, 100 * MIN, IDLE)); // long quiet: a new session at 100
    expect(clock.sessionStartedAt).toBe(100 * MIN);
    const soon = noticesDue(clock, rule, 110 * MIN, IDLE);
    expect(soon.due).toEqual([]);
    // 29 minutes apart is still one session.
    const near = noticesDue(soon.clock, rule, 139 * MIN, IDLE);
    expect(near.clock.sessionStartedAt).toBe(100 * MIN);
  });

  it('falls back to the default rules for an unknown jurisdiction, and to adult for no age', () => {
    expect(noticeRule(DEFAULT_NOTICE_POLICY, 'xx', null)).toEqual(
      DEFAULT_NOTICE_POLICY.other.adult,
    );
  });
});

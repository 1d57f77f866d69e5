import { isoDay } from './calendar.js';
import type { UserDayFacts } from './user-activity.js';

/**
 * Daily activity and guardrails (docs/analytics.md#activity), as a pure core: users are added one
 * at a time with their rolled-up days; memory holds one counter per day of the range.
 */

export interface ActivityDay {
  day: string;
  dau: number;
  wau: number;
  mau: number;
  /** DAU / MAU; null when MAU is 0. */
  stickiness: number | null;
  messages: number;
  voiceMessages: number;
  replies: number;
  sessions: number;
  sessionSeconds: number;
  /** Null while no day of the range has them measured (the reactions seam). */
  thumbsUp: number | null;
  thumbsDown: number | null;
  regenerates: number | null;
  crisisEvents: number;
  crisisReferrals: number;
  noticesShown: number;
  minorsActive: number;
  minorsLateNight: number;
}

export interface ActivityTotals {
  /** Users active on at least one day of the range. */
  activeUsers: number;
  crisisEvents: number;
  crisisReferrals: number;
  noticesShown: number;
  /** Crisis referrals per 1,000 active users of the range. */
  crisisReferralsPer1000: number | null;
  noticesPer1000: number | null;
  /** Days minors were active, and those with a late-night message; their ratio. */
  minorDays: number;
  minorLateNightDays: number;
  minorLateNightShare: number | null;
}

/** The DAU/WAU/MAU windows: a user counts on day d when active on one of the N days up to d. */
const WINDOWS = { wau: 7, mau: 30 } as const;

export class ActivityCounter {
  private readonly n: number;
  private readonly dau: Int32Array;
  private readonly wauDiff: Int32Array;
  private readonly mauDiff: Int32Array;
  private readonly sums: Record<
    | 'messages'
    | 'voiceMessages'
    | 'replies'
    | 'sessions'
    | 'sessionSeconds'
    | 'crisisEvents'
    | 'crisisReferrals'
    | 'noticesShown'
    | 'minorsActive'
    | 'minorsLateNight',
    Float64Array
  >;
  private readonly reactions: Record<
    'thumbsUp' | 'thumbsDown' | 'regenerates',
    Array<number | null>
  >;
  private activeUsers = 0;

  /** Days `fromDay..toDay` (inclusive); add users' days from `fromDay - 29` for WAU and MAU. */
  constructor(
    private readonly fromDay: number,
    private readonly toDay: number,
  ) {
    this.n = toDay - fromDay + 1;
    this.dau = new Int32Array(this.n);
    this.wauDiff = new Int32Array(this.n + 1);
    this.mauDiff = new Int32Array(this.n + 1);
    const arr = () => new Float64Array(this.n);
    this.sums = {
      messages: arr(),
      voiceMessages: arr(),
      replies: arr(),
      sessions: arr(),
      sessionSeconds: arr(),
      crisisEvents: arr(),
      crisisReferrals: arr(),
      noticesShown: arr(),
      minorsActive: arr(),
      minorsLateNight: arr(),
    };
    const nulls = () => Array.from({ length: this.n }, () => null as number | null);
    this.reactions = { thumbsUp: nulls(), thumbsDown: nulls(), regenerates: nulls() };
  }

  /** One user's days, oldest first. A day is active when it has a user message. */
  add(days: readonly UserDayFacts[]): void {
    const covered = { wau: -Infinity, mau: -Infinity };
    let active = false;
    for (const d of days) {
      const i = d.day - this.fromDay;
      if (d.day > this.toDay) break;
      if (d.messages > 0) {
        for (const w of ['wau', 'mau'] as const) {
          // Days d..d+N-1 count this user; those already counted by an earlier day are skipped.
          const start = Math.max(d.day, covered[w] + 1);
          const end = d.day + WINDOWS[w] - 1;
          covered[w] = end;
          const a = Math.max(start, this.fromDay) - this.fromDay;
          const b = Math.min(end, this.toDay) - this.fromDay + 1;
          if (a < b) {
            const diff = w === 'wau' ? this.wauDiff : this.mauDiff;
            diff[a]++;
            diff[b]--;
          }
        }
      }
      if (i < 0) continue;
      const s = this.sums;
      if (d.messages > 0) {
        this.dau[i]++;
        active = true;
        if (d.ageBand === 'minor') {
          s.minorsActive[i]++;
          if (d.lateNightMessages > 0) s.minorsLateNight[i]++;
        }
      }
      s.messages[i] += d.messages;
      s.voiceMessages[i] += d.voiceMessages;
      s.replies[i] += d.replies;
      s.sessions[i] += d.sessions;
      s.sessionSeconds[i] += d.sessionSeconds;
      s.crisisEvents[i] += d.crisisEvents;
      s.crisisReferrals[i] += d.crisisReferrals;
      s.noticesShown[i] += d.noticesShown;
      for (const k of ['thumbsUp', 'thumbsDown', 'regenerates'] as const) {
        const v = d[k];
        if (v !== null) this.reactions[k][i] = (this.reactions[k][i] ?? 0) + v;
      }
    }
    if (active) this.activeUsers++;
  }

  days(): ActivityDay[] {
    const out: ActivityDay[] = [];
    let wau = 0;
    let mau = 0;
    for (let i = 0; i < this.n; i++) {
      wau += this.wauDiff[i];
      mau += this.mauDiff[i];
      const s = this.sums;
      out.push({
        day: isoDay(this.fromDay + i),
        dau: this.dau[i],
        wau,
        mau,
        stickiness: mau > 0 ? this.dau[i] / mau : null,
        messages: s.messages[i],
        voiceMessages: s.voiceMessages[i],
        replies: s.replies[i],
        sessions: s.sessions[i],
        sessionSeconds: s.sessionSeconds[i],
        thumbsUp: this.reactions.thumbsUp[i],
        thumbsDown: this.reactions.thumbsDown[i],
        regenerates: this.reactions.regenerates[i],
        crisisEvents: s.crisisEvents[i],
        crisisReferrals: s.crisisReferrals[i],
        noticesShown: s.noticesShown[i],
        minorsActive: s.minorsActive[i],
        minorsLateNight: s.minorsLateNight[i],
      });
    }
    return out;
  }

  totals(): ActivityTotals {
    const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
    const s = this.sums;
    const per1000 = (x: number) => (this.activeUsers ? (1000 * x) / this.activeUsers : null);
    const minorDays = sum(s.minorsActive);
    const minorLateNightDays = sum(s.minorsLateNight);
    return {
      activeUsers: this.activeUsers,
      crisisEvents: sum(s.crisisEvents),
      crisisReferrals: sum(s.crisisReferrals),
      noticesShown: sum(s.noticesShown),
      crisisReferralsPer1000: per1000(sum(s.crisisReferrals)),
      noticesPer1000: per1000(sum(s.noticesShown)),
      minorDays,
      minorLateNightDays,
      minorLateNightShare: minorDays ? minorLateNightDays / minorDays : null,
    };
  }
}

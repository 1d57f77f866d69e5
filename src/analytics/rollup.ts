import type { DailyActivityRow, SessionRow } from '../conversation/message.repository.js';

/**
 * Merging what each owner reports about a day into analytics_user_days rows. Pure: the owners'
 * reads come in as plain rows (src/analytics/analytics.service.ts gathers them).
 */

/** A row of analytics_user_days as written. */
export interface UserDayRow {
  userId: string;
  day: string;
  messages: number;
  voiceMessages: number;
  replies: number;
  sessions: number;
  sessionSeconds: number;
  lateNightMessages: number;
  firstMessageAt: Date | null;
  lastMessageAt: Date | null;
  firstVoiceAt: Date | null;
  lastVoiceAt: Date | null;
  thumbsUp: number | null;
  thumbsDown: number | null;
  regenerates: number | null;
  crisisEvents: number;
  crisisReferrals: number;
  noticesShown: number;
  valenceSum: number;
  affectCount: number;
  experimentVariant: string | null;
  platform: string | null;
  appVersion: string | null;
  ageBand: string | null;
  signupDay: string | null;
}

/**
 * Reactions to replies (thumbs up/down, regenerate) per user and day, from the feedback module
 * (`FeedbackRepository.dailyReactions`). When the source is given, a day without any says 0; a
 * source left out keeps the columns null ("not measured").
 */
export interface ReactionCounts {
  userId: string;
  day: string;
  thumbsUp: number;
  thumbsDown: number;
  regenerates: number;
}

/**
 * The experiment variant a user was in on a day (`experiment:variant`, from
 * `ExperimentRepository.variantsAsOf`); a user in none keeps null (the breakdown says `none`).
 */
export interface ExperimentVariant {
  userId: string;
  day: string;
  variant: string;
}

export interface DaySources {
  activity: readonly DailyActivityRow[];
  sessions: readonly SessionRow[];
  safety: ReadonlyArray<{
    userId: string;
    day: string;
    crisisEvents: number;
    crisisReferrals: number;
    noticesShown: number;
  }>;
  valence: ReadonlyArray<{ userId: string; day: string; valenceSum: number; count: number }>;
  ageBands: ReadonlyMap<string, string>;
  reactions?: readonly ReactionCounts[];
  variants?: readonly ExperimentVariant[];
}

function blank(userId: string, day: string): UserDayRow {
  return {
    userId,
    day,
    messages: 0,
    voiceMessages: 0,
    replies: 0,
    sessions: 0,
    sessionSeconds: 0,
    lateNightMessages: 0,
    firstMessageAt: null,
    lastMessageAt: null,
    firstVoiceAt: null,
    lastVoiceAt: null,
    thumbsUp: null,
    thumbsDown: null,
    regenerates: null,
    crisisEvents: 0,
    crisisReferrals: 0,
    noticesShown: 0,
    valenceSum: 0,
    affectCount: 0,
    experimentVariant: null,
    platform: null,
    appVersion: null,
    ageBand: null,
    signupDay: null,
  };
}

/** One row per user and day that any source names, ordered by user then day. */
export function mergeDays(s: DaySources): UserDayRow[] {
  const rows = new Map<string, UserDayRow>();
  const at = (userId: string, day: string) => {
    const key = `${userId}\u0000${day}`;
    let row = rows.get(key);
    if (!row) {
      row = blank(userId, day);
      rows.set(key, row);
    }
    return row;
  };
  for (const a of s.activity) {
    Object.assign(at(a.userId, a.day), {
      messages: a.messages,
      voiceMessages: a.voiceMessages,
      replies: a.replies,
      lateNightMessages: a.lateNightMessages,
      firstMessageAt: a.firstMessageAt,
      lastMessageAt: a.lastMessageAt,
      firstVoiceAt: a.firstVoiceAt,
      lastVoiceAt: a.lastVoiceAt,
      platform: a.platform,
      appVersion: a.appVersion,
      signupDay: a.signupDay,
    });
  }
  for (const x of s.sessions) {
    const row = at(x.userId, x.day);
    row.sessions++;
    row.sessionSeconds += x.seconds;
  }
  for (const x of s.safety) {
    Object.assign(at(x.userId, x.day), {
      crisisEvents: x.crisisEvents,
      crisisReferrals: x.crisisReferrals,
      noticesShown: x.noticesShown,
    });
  }
  for (const x of s.valence) {
    Object.assign(at(x.userId, x.day), { valenceSum: x.valenceSum, affectCount: x.count });
  }
  for (const x of s.reactions ?? []) {
    Object.assign(at(x.userId, x.day), {
      thumbsUp: x.thumbsUp,
      thumbsDown: x.thumbsDown,
      regenerates: x.regenerates,
    });
  }
  // Reactions measured: a day without any says 0, not "not measured".
  if (s.reactions) {
    for (const row of rows.values()) {
      row.thumbsUp ??= 0;
      row.thumbsDown ??= 0;
      row.regenerates ??= 0;
    }
  }
  // A variant describes a user's day; it never makes a day of its own.
  for (const x of s.variants ?? []) {
    const row = rows.get(`${x.userId}\u0000${x.day}`);
    if (row) row.experimentVariant = x.variant;
  }
  const out = [...rows.values()];
  for (const row of out) row.ageBand = s.ageBands.get(row.userId) ?? null;
  return out.sort((a, b) =>
    a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.day < b.day ? -1 : 1,
  );
}

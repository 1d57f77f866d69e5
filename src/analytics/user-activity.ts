/** One user's rolled-up day as the pure cores read it (times in ms since the epoch). */
export interface UserDayFacts {
  /** Local day number (src/analytics/calendar.ts). */
  day: number;
  messages: number;
  voiceMessages: number;
  replies: number;
  sessions: number;
  sessionSeconds: number;
  lateNightMessages: number;
  firstMessageAt: number | null;
  lastMessageAt: number | null;
  firstVoiceAt: number | null;
  lastVoiceAt: number | null;
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
  signupDay: number | null;
}

/** What counts as activity for a cohort or a return. */
export type ActivityEvent = 'message' | 'voice_message';

/** Whether the day holds `event`, and its first and last time that day. */
export function eventOn(
  d: UserDayFacts,
  event: ActivityEvent,
): { first: number; last: number } | null {
  if (event === 'message') {
    return d.messages > 0 && d.firstMessageAt !== null && d.lastMessageAt !== null
      ? { first: d.firstMessageAt, last: d.lastMessageAt }
      : null;
  }
  return d.voiceMessages > 0 && d.firstVoiceAt !== null && d.lastVoiceAt !== null
    ? { first: d.firstVoiceAt, last: d.lastVoiceAt }
    : null;
}

/** A blank day (tests and tools fill in what they need). */
export function blankDay(day: number): UserDayFacts {
  return {
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

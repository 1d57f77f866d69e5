/**
 * When the user is told they talk to an AI, and reminded to take a break (pure: no Nest).
 * A session is a run of activity without a gap of `sessionIdleMs`; the AI disclosure comes at the
 * start of every session and again after `disclosureEveryMs` of it; the break reminder after
 * `breakAfterMs` of continuous use, and again after as long.
 */
export interface NoticeRule {
  disclosureEveryMs: number;
  breakAfterMs: number;
}

export type AgeBand = 'minor' | 'adult';

/** Rules by jurisdiction, then age band (an unknown age band reads as adult). */
export type NoticePolicyTable = Record<string, Record<AgeBand, NoticeRule>>;

const HOUR = 3_600_000;

/**
 * California (SB 243: disclosure, and for minors every three hours with a break reminder), New
 * York (Article 47: a notice at the start and every three hours), China's draft rules (a break
 * reminder after two hours; a minors mode): one stricter-of-all rule by default, kept per
 * jurisdiction so that configuration can differ where the law does.
 */
const STRICT: Record<AgeBand, NoticeRule> = {
  adult: { disclosureEveryMs: 3 * HOUR, breakAfterMs: 2 * HOUR },
  minor: { disclosureEveryMs: 3 * HOUR, breakAfterMs: 1 * HOUR },
};
export const DEFAULT_NOTICE_POLICY: NoticePolicyTable = {
  'us-ca': STRICT,
  'us-ny': STRICT,
  cn: STRICT,
  other: STRICT,
};

export interface SessionClock {
  sessionStartedAt: number | null;
  lastActiveAt: number | null;
  lastDisclosureAt: number | null;
  lastBreakAt: number | null;
}

export type NoticeKind = 'ai_disclosure' | 'break_reminder';

/** The notices due at `now` and the clock after the user's activity then. */
export function noticesDue(
  clock: SessionClock,
  rule: NoticeRule,
  now: number,
  sessionIdleMs: number,
): { due: NoticeKind[]; clock: SessionClock } {
  const continues = clock.lastActiveAt !== null && now - clock.lastActiveAt < sessionIdleMs;
  const sessionStartedAt =
    continues && clock.sessionStartedAt !== null ? clock.sessionStartedAt : now;
  // A new session starts the disclosure and break clocks over.
  const lastDisclosureAt = continues ? clock.lastDisclosureAt : null;
  const lastBreakAt = continues ? clock.lastBreakAt : null;
  const due: NoticeKind[] = [];
  const next: SessionClock = { sessionStartedAt, lastActiveAt: now, lastDisclosureAt, lastBreakAt };
  if (lastDisclosureAt === null || now - lastDisclosureAt >= rule.disclosureEveryMs) {
    due.push('ai_disclosure');
    next.lastDisclosureAt = now;
  }
  const breakSince = lastBreakAt ?? sessionStartedAt;
  if (now - breakSince >= rule.breakAfterMs) {
    due.push('break_reminder');
    next.lastBreakAt = now;
  }
  return { due, clock: next };
}

export function noticeRule(
  table: NoticePolicyTable,
  jurisdiction: string,
  ageBand: AgeBand | null,
) {
  const rules = table[jurisdiction] ?? table.other ?? DEFAULT_NOTICE_POLICY.other;
  return rules[ageBand ?? 'adult'];
}

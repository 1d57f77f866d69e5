/**
 * What the crisis risk detector says about one message, and what each level asks of the turn.
 *
 * - `none`: nothing about suicide, self-harm, harming others or abuse; or only in a sense that is
 *   not about harm at all (hyperbole with a joke and an everyday cause, idioms, song lines and
 *   quotes, games and fiction). The turn goes on as usual.
 * - `low`: the topic is there without a present risk to the user: a general question, news, the
 *   user's own past that is over, someone else's past, a negated statement ("I'd never hurt
 *   myself"). Recorded and accumulated; the reply is unchanged.
 * - `medium`: worth care, not the protocol: someone else at risk now ("my friend says she wants to
 *   die"), hopelessness without a wish to die ("I can't go on like this"), a death wish said as a
 *   joke without an everyday cause, anger at someone without seriousness ("I'm going to kill
 *   him"), a threat heard without a sign it is meant. The reply is asked to check in gently.
 * - `high`: the user's own present crisis: a wish to die, suicidal intent, self-harm now or
 *   urges, serious intent to hurt someone, abuse the user is suffering. Triggers the crisis
 *   protocol reply.
 * - `critical`: `high` with a plan, means, a time, an attempt under way, or danger at the door.
 *   Triggers the crisis protocol reply and an immediate operator alert.
 */
export const RISK_LEVELS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const RISK_CATEGORIES = ['suicide', 'self_harm', 'harm_others', 'abuse'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export type RiskLanguage = 'zh' | 'en' | 'mixed';

/**
 * One thing that counted. `code` is a stable identifier from a fixed list (`suicide.wish`,
 * `suicide.intent.plan`, `self_harm.current`, `negated`, `past_tense`, `third_person`,
 * `hyperbole`, `lyric_or_quote`...) and never holds any of the user's words, so evidence may be
 * stored and logged. `weight` is in level steps: a signal's own level (1 = low ... 4 =
 * critical), a modifier's change to it (negative: `negated` turns 3 into 1 with weight -2), an
 * escalation +1.
 */
export interface RiskEvidence {
  code: string;
  category: RiskCategory;
  weight: number;
}

export interface RiskReading {
  level: RiskLevel;
  /** Categories at `low` or above, most severe first; empty when the level is `none`. */
  categories: RiskCategory[];
  evidence: RiskEvidence[];
  lang: RiskLanguage;
}

export const levelRank = (level: RiskLevel): number => RISK_LEVELS.indexOf(level);

export const levelAt = (rank: number): RiskLevel =>
  RISK_LEVELS[Math.max(0, Math.min(RISK_LEVELS.length - 1, Math.round(rank)))];

/** `high` and `critical` answer with the pre-written crisis protocol. */
export const triggersCrisisProtocol = (level: RiskLevel): boolean => levelRank(level) >= 3;

/** `medium` and above ask the reply for care (a gentle check-in). */
export const raisesCare = (level: RiskLevel): boolean => levelRank(level) >= 2;

import { levelAt, levelRank, type RiskLevel, type RiskReading } from './risk-reading.js';

/**
 * The risk of a conversation (or of a user) as it builds up over turns and fades with time.
 *
 * The score is in level steps (0 none ... 4 critical). With `d` the previous score decayed by its
 * half-life since it was last updated and `r` the rank of this turn's reading:
 *
 *   d      = prev.score * 2^(-(now - prev.at) / halfLifeMs)       (0 without a previous score)
 *   r = 0:  score = d                                               (a calm turn lowers nothing)
 *   r > 0:  base  = max(d, FLOOR[r])                                (a reading counts at once)
 *           score = base + GAIN[r] * max(0, CEILING[r] - base)      (and builds up when repeated)
 *
 *   FLOOR   = [0, 1,    2,    3,    4]
 *   CEILING = [0, 1.45, 3,    4,    4.5]
 *   GAIN    = [0, 0.2,  0.25, 0.25, 0.25]
 *
 * level = levelAt(min(score, 3)): the rounded score, never above `high` (a `critical` turn
 * answers on its own; the accumulated level only keeps care on for the turns after it).
 *
 * What follows from it:
 * - one `medium` reading gives 2.25 (`medium`), which stays `medium` for 7 hours at a 12-hour
 *   half-life: the next turns of that chat keep care;
 * - repeated `medium` readings climb towards 3: the third in a row reaches `high` (2.58), so
 *   doubts that come back over a long chat are not forgotten;
 * - repeated `low` readings stay below 1.5 (`low`): talking about the subject is not care;
 * - a `high` or `critical` turn (3.25, 4.125) is below `medium` (1.5) after 1.1 and 1.5
 *   half-lives of silence respectively, under 0.02 after 4 days at a 12-hour half-life, and
 *   still `medium` the next day at a 3-day half-life.
 *
 * A clock that went backwards (now < prev.at) counts as no time passed. `at` is always `now`.
 */
const FLOOR = [0, 1, 2, 3, 4] as const;
const CEILING = [0, 1.45, 3, 4, 4.5] as const;
const GAIN = [0, 0.2, 0.25, 0.25, 0.25] as const;
/** The accumulated level alone is at most `high`. */
const LEVEL_CAP = 3;

export function decayedScore(
  prev: { score: number; at: number } | null,
  now: number,
  halfLifeMs: number,
): number {
  if (!prev || !Number.isFinite(prev.score) || prev.score <= 0) return 0;
  const elapsed = Math.max(0, now - prev.at);
  if (!(halfLifeMs > 0)) return prev.score;
  return prev.score * Math.pow(2, -elapsed / halfLifeMs);
}

export function accumulateRisk(
  prev: { score: number; at: number } | null,
  reading: RiskReading,
  now: number,
  halfLifeMs: number,
): { score: number; at: number; level: RiskLevel } {
  const decayed = decayedScore(prev, now, halfLifeMs);
  const rank = Math.max(0, Math.min(4, levelRank(reading.level)));
  let score = decayed;
  if (rank > 0) {
    const base = Math.max(decayed, FLOOR[rank]);
    score = base + GAIN[rank] * Math.max(0, CEILING[rank] - base);
  }
  return { score, at: now, level: levelAt(Math.min(score, LEVEL_CAP)) };
}

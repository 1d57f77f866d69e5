import type { Evidence } from './affect-evidence.js';
import { clamp, round3 } from './robust-statistics.js';

/**
 * Mood over turns, per conversation or per user: two confidence-weighted exponential averages
 * of valence and arousal, a fast one (the last few turns) and a slow one (the usual), both
 * decaying with turns and with time. A shift is the fast one moving away from the slow one (as
 * a moving-average crossover). Serialisable to JSON; update with each turn's fused affect.
 */
export interface MoodAverage {
  valence: number;
  arousal: number;
  /** Sum of the decayed confidences behind the average (0 = nothing yet). */
  weight: number;
}

export interface MoodTrajectory {
  version: 1;
  turns: number;
  /** Epoch milliseconds of the last turn, null before the first. */
  lastAt: number | null;
  fast: MoodAverage;
  slow: MoodAverage;
}

export interface MoodPreset {
  /** Memory of each average in turns: a turn's weight falls by e every this many turns. */
  fastTurns: number;
  slowTurns: number;
  /** And by half every this many milliseconds. */
  fastHalfLifeMs: number;
  slowHalfLifeMs: number;
  /** Turns needed before a shift may be reported. */
  minTurns: number;
  /** |fast - slow| needed for a shift. */
  shiftThreshold: number;
  /** How the evidence strings name the window. */
  span: 'messages' | 'days';
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Within one conversation: the last ~3 messages against the last ~15 (and the last hours). */
export const CONVERSATION_MOOD: MoodPreset = {
  fastTurns: 3,
  slowTurns: 15,
  fastHalfLifeMs: 30 * MINUTE,
  slowHalfLifeMs: 6 * HOUR,
  minTurns: 4,
  shiftThreshold: 0.25,
  span: 'messages',
};

/** Across a user's conversations: the last day or so against the last weeks. */
export const USER_MOOD: MoodPreset = {
  fastTurns: 10,
  slowTurns: 100,
  fastHalfLifeMs: DAY,
  slowHalfLifeMs: 14 * DAY,
  minTurns: 12,
  shiftThreshold: 0.2,
  span: 'days',
};

/** A turn with no confidence still counts a little, so that time does not stand still. */
const MIN_TURN_WEIGHT = 0.05;

export function emptyMoodTrajectory(): MoodTrajectory {
  const empty = { valence: 0, arousal: 0, weight: 0 };
  return { version: 1, turns: 0, lastAt: null, fast: { ...empty }, slow: { ...empty } };
}

export interface MoodTurn {
  valence: number;
  arousal: number;
  confidence: number;
}

export function updateMoodTrajectory(
  state: MoodTrajectory,
  turn: MoodTurn,
  atMs: number,
  preset: MoodPreset = CONVERSATION_MOOD,
): MoodTrajectory {
  // Out-of-order or skewed clocks never make time run backwards.
  const elapsed = state.lastAt === null ? 0 : Math.max(0, atMs - state.lastAt);
  const weight = Math.max(MIN_TURN_WEIGHT, clamp(turn.confidence, 0, 1));
  return {
    version: 1,
    turns: state.turns + 1,
    lastAt: Math.max(atMs, state.lastAt ?? atMs),
    fast: blend(state.fast, turn, weight, decay(elapsed, preset.fastTurns, preset.fastHalfLifeMs)),
    slow: blend(state.slow, turn, weight, decay(elapsed, preset.slowTurns, preset.slowHalfLifeMs)),
  };
}

function decay(elapsedMs: number, turns: number, halfLifeMs: number): number {
  return Math.exp(-1 / turns) * 0.5 ** (elapsedMs / halfLifeMs);
}

function blend(average: MoodAverage, turn: MoodTurn, weight: number, kept: number): MoodAverage {
  const old = average.weight * kept;
  const total = old + weight;
  return {
    valence: round3((average.valence * old + clamp(turn.valence, -1, 1) * weight) / total),
    arousal: round3((average.arousal * old + clamp(turn.arousal, -1, 1) * weight) / total),
    weight: round3(total),
  };
}

/** Reads a stored trajectory defensively; anything unusable starts afresh. */
export function parseMoodTrajectory(json: unknown): MoodTrajectory {
  const empty = emptyMoodTrajectory();
  if (typeof json !== 'object' || json === null) return empty;
  const s = json as Partial<MoodTrajectory>;
  const average = (a: unknown): MoodAverage | null => {
    const v = a as Partial<MoodAverage> | null;
    return v &&
      [v.valence, v.arousal, v.weight].every((x) => typeof x === 'number' && Number.isFinite(x))
      ? {
          valence: clamp(v.valence!, -1, 1),
          arousal: clamp(v.arousal!, -1, 1),
          weight: Math.max(0, v.weight!),
        }
      : null;
  };
  const fast = average(s.fast);
  const slow = average(s.slow);
  if (s.version !== 1 || !fast || !slow || typeof s.turns !== 'number') return empty;
  return {
    version: 1,
    turns: Math.max(0, Math.floor(s.turns)),
    lastAt: typeof s.lastAt === 'number' && Number.isFinite(s.lastAt) ? s.lastAt : null,
    fast,
    slow,
  };
}

export interface MoodShift {
  dimension: 'valence' | 'arousal';
  direction: 'up' | 'down';
  /** fast - slow. */
  delta: number;
  /** 0..1: recent evidence behind it and how far past the threshold it is. */
  confidence: number;
  evidence: Evidence;
}

export interface MoodSummary {
  /** Recent (fast) average. */
  valence: number;
  arousal: number;
  /** The usual (slow) average. */
  usualValence: number;
  usualArousal: number;
  turns: number;
  shifts: MoodShift[];
}

export function describeMood(
  state: MoodTrajectory,
  preset: MoodPreset = CONVERSATION_MOOD,
): MoodSummary {
  const shifts: MoodShift[] = [];
  if (state.turns >= preset.minTurns && state.fast.weight > 0) {
    for (const dimension of ['valence', 'arousal'] as const) {
      const delta = state.fast[dimension] - state.slow[dimension];
      if (Math.abs(delta) < preset.shiftThreshold) continue;
      const direction = delta > 0 ? 'up' : 'down';
      const confidence =
        (1 - Math.exp(-state.fast.weight)) *
        Math.min(1, Math.abs(delta) / (2 * preset.shiftThreshold));
      shifts.push({
        dimension,
        direction,
        delta: round3(delta),
        confidence: round3(confidence),
        evidence: shiftEvidence(dimension, direction, state.fast.valence, preset.span),
      });
    }
  }
  return {
    valence: state.fast.valence,
    arousal: state.fast.arousal,
    usualValence: state.slow.valence,
    usualArousal: state.slow.arousal,
    turns: state.turns,
    shifts,
  };
}

function shiftEvidence(
  dimension: 'valence' | 'arousal',
  direction: 'up' | 'down',
  recentValence: number,
  span: MoodPreset['span'],
): Evidence {
  const en = span === 'messages' ? 'over the last few messages' : 'over the last few days';
  const zh = span === 'messages' ? '最近几条消息里' : '最近几天';
  const code = `mood_${dimension}_${direction}`;
  const negative = recentValence < 0;
  const phrase =
    dimension === 'valence'
      ? direction === 'down'
        ? { en: 'has become more down', zh: '情绪变得更低落了' }
        : { en: 'has brightened', zh: '情绪好转了' }
      : direction === 'up'
        ? negative
          ? { en: 'has become more agitated', zh: '情绪变得更激动不安了' }
          : { en: 'has become more energetic', zh: '变得更有活力了' }
        : negative
          ? { en: 'has become lower in energy', zh: '变得更没精神了' }
          : { en: 'has become calmer', zh: '变得更平静了' };
  return { code, source: 'mood', en: `${phrase.en} ${en}`, zh: `${zh}${phrase.zh}` };
}

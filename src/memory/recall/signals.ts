import type { Affect } from './recall.types.js';

/** 2^(-ageDays / halfLife): 1 now, 0.5 one half-life ago. Future items count as now. */
export function recency(ageDays: number, halfLifeDays: number): number {
  return Math.pow(2, -Math.max(0, ageDays) / halfLifeDays);
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** How far a feeling is from neutral, 0..1 (the corners of the circumplex are 1). */
export function affectStrength(a: Affect): number {
  return clamp(Math.hypot(clamp(a.valence, -1, 1), clamp(a.arousal, -1, 1)) / Math.SQRT2, 0, 1);
}

/** 1 for the same point of the circumplex, 0 for opposite corners. */
export function affectSimilarity(a: Affect, b: Affect): number {
  const dv = clamp(a.valence, -1, 1) - clamp(b.valence, -1, 1);
  const da = clamp(a.arousal, -1, 1) - clamp(b.arousal, -1, 1);
  return 1 - Math.hypot(dv, da) / (2 * Math.SQRT2);
}

/**
 * "The user sounds the way they did when X happened": the similarity of the two feelings, scaled
 * by how strong each is. A calm, neutral message recalls nothing by feeling alone, and a memory
 * felt weakly is not brought back by mood.
 */
export function emotionalMatch(
  now: Affect | null | undefined,
  then: Affect | null | undefined,
  intensity: number,
): number {
  if (!now || !then) return 0;
  return affectStrength(now) * clamp(intensity, 0, 1) * affectSimilarity(now, then);
}

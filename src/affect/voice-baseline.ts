import { clamp, median, robustScale, round3 } from './robust-statistics.js';
import { CUE_SPECS, VOICE_CUES } from './voice-cues.js';
import type { VoiceCue, VoiceCueValues } from './voice-cues.js';

/**
 * A user's usual voice: the most recent values of each cue over their own clips. Stored as
 * jsonb and updated by a job after each voice turn (after that turn was judged against the
 * baseline as it was before). Median and MAD over the window are exact, ignore up to half the
 * values as outliers (a shouted message, a bad recording), do not depend on the order of
 * updates, and forget a phone or a cold that is no longer there. 60 clips x 9 cues of 3-decimal
 * numbers stay under 5 kB.
 */
export interface VoiceBaseline {
  version: 1;
  /** Clips that have updated the baseline, ever (the window keeps only the last ones). */
  clips: number;
  /** Per cue, the most recent values, oldest first. */
  recent: Partial<Record<VoiceCue, number[]>>;
}

export const BASELINE_WINDOW = 60;
/** From here on the user's own clips decide practically alone (see docs/affect.md). */
export const MATURE_CLIPS = 20;

/**
 * Prior weight (in clips) of a cue's typical spread against the user's own: after 4 clips the
 * two count equally (a scaled inverse-chi-square prior with 4 degrees of freedom).
 */
const PRIOR_SCALE_CLIPS = 4;

/**
 * Population norms of pitch by voice range: typical speaking F0 of adult men (about 120 Hz) and
 * women (about 210 Hz) (Titze 1994), a spread of 2.5 semitones between speakers of one range,
 * and a soft boundary at their geometric mean (159 Hz) so that a voice near it is compared with
 * a blend of both norms rather than switched between them.
 */
export const PITCH_NORMS = {
  lowHz: 120,
  highHz: 210,
  betweenSpeakerSt: 2.5,
  boundarySoftnessSt: 1,
} as const;

const semitones = (hz: number): number => 12 * Math.log2(hz);
const LOW_ST = semitones(PITCH_NORMS.lowHz);
const HIGH_ST = semitones(PITCH_NORMS.highHz);
const BOUNDARY_ST = (LOW_ST + HIGH_ST) / 2;
/** Deviations are clipped here: a z of 4 is already far outside anyone's usual voice. */
const MAX_Z = 4;

export function emptyVoiceBaseline(): VoiceBaseline {
  return { version: 1, clips: 0, recent: {} };
}

/** A new baseline with the clip's measured cues appended (unmeasured ones are left alone). */
export function updateVoiceBaseline(
  baseline: VoiceBaseline,
  values: VoiceCueValues,
  window = BASELINE_WINDOW,
): VoiceBaseline {
  const recent: Partial<Record<VoiceCue, number[]>> = { ...baseline.recent };
  let measured = false;
  for (const cue of VOICE_CUES) {
    const value = values[cue];
    if (value === null || !Number.isFinite(value)) continue;
    recent[cue] = [...(recent[cue] ?? []), round3(value)].slice(-window);
    measured = true;
  }
  return { version: 1, clips: baseline.clips + (measured ? 1 : 0), recent };
}

/**
 * Reads a stored baseline defensively (it comes back from jsonb and may be from an older
 * version or damaged): anything unusable becomes an empty baseline or is dropped.
 */
export function parseVoiceBaseline(json: unknown): VoiceBaseline {
  if (typeof json !== 'object' || json === null) return emptyVoiceBaseline();
  const stored = json as Partial<VoiceBaseline>;
  if (stored.version !== 1 || typeof stored.recent !== 'object' || stored.recent === null) {
    return emptyVoiceBaseline();
  }
  const recent: Partial<Record<VoiceCue, number[]>> = {};
  for (const cue of VOICE_CUES) {
    const values: unknown = (stored.recent as Record<string, unknown>)[cue];
    if (!Array.isArray(values)) continue;
    const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (finite.length > 0) recent[cue] = finite.slice(-BASELINE_WINDOW);
  }
  const counted = Math.max(0, ...Object.values(recent).map((v) => v.length));
  const clips =
    typeof stored.clips === 'number' && Number.isFinite(stored.clips)
      ? Math.max(Math.floor(stored.clips), counted)
      : counted;
  return { version: 1, clips, recent };
}

/** 0 with no clips, 0.8 at MATURE_CLIPS, approaching 1. */
export function baselineMaturity(baseline: VoiceBaseline): number {
  return baseline.clips / (baseline.clips + MATURE_CLIPS / 4);
}

export type ReferenceSource = 'population' | 'blended' | 'personal';

/** What a cue's value is compared with. */
export interface CueReference {
  center: number;
  /** Spread of the user's values plus the uncertainty of the centre (the predictive spread). */
  scale: number;
  /** The user's clips behind it. */
  clips: number;
  /**
   * Share of the predictive variance that is the user's own variability rather than not yet
   * knowing their usual value: 0.39 for pitch on population norms alone, 0.5 after one clip of
   * a cue without norms, 0.95 after about 20 clips.
   */
  reliability: number;
  source: ReferenceSource;
}

/**
 * The reference for one cue: the user's median and robust spread, combined with priors as a
 * normal model would combine them (precision weighting). The spread starts at the cue's typical
 * value and moves to the user's own as clips arrive; the centre of pitch starts at the
 * population norm of the voice range and moves to the user's median; other cues have no
 * population norm (they depend on microphone, codec and language) and wait for the first clip.
 *
 * `clipValue` is the value being judged: with no clips yet it decides the voice range.
 */
export function cueReference(
  baseline: VoiceBaseline,
  cue: VoiceCue,
  clipValue: number | null = null,
): CueReference | null {
  const values = baseline.recent[cue] ?? [];
  const n = values.length;
  const spec = CUE_SPECS[cue];
  const ownScale = n >= 2 ? robustScale(values)! : spec.typicalScale;
  const withinVariance = Math.max(
    (PRIOR_SCALE_CLIPS * spec.typicalScale ** 2 + Math.max(0, n - 1) * ownScale ** 2) /
      (PRIOR_SCALE_CLIPS + Math.max(0, n - 1)),
    spec.minScale ** 2,
  );
  const ownMedian = n > 0 ? median(values)! : null;

  let center: number;
  let centerVariance: number;
  let source: ReferenceSource;
  if (cue === 'pitch') {
    const rangeCue = ownMedian ?? clipValue;
    if (rangeCue === null) return null;
    const populationPrecision = 1 / PITCH_NORMS.betweenSpeakerSt ** 2;
    const ownPrecision = n / withinVariance;
    centerVariance = 1 / (populationPrecision + ownPrecision);
    center =
      centerVariance *
      (populationPrecision * pitchNorm(rangeCue) +
        (ownMedian === null ? 0 : ownPrecision * ownMedian));
    const populationShare = populationPrecision * centerVariance;
    source = n === 0 ? 'population' : populationShare >= 0.1 ? 'blended' : 'personal';
  } else {
    if (ownMedian === null) return null;
    center = ownMedian;
    centerVariance = withinVariance / n;
    source = 'personal';
  }
  return {
    center,
    scale: Math.sqrt(withinVariance + centerVariance),
    clips: n,
    reliability: withinVariance / (withinVariance + centerVariance),
    source,
  };
}

/** Population pitch norm (semitones) for a voice around `pitchSt`, soft between the ranges. */
export function pitchNorm(pitchSt: number): number {
  const high = highVoiceShare(pitchSt);
  return high * HIGH_ST + (1 - high) * LOW_ST;
}

/** How far (0..1) a voice of median pitch `pitchSt` counts as a high (typically female) voice. */
export function highVoiceShare(pitchSt: number): number {
  return 1 / (1 + Math.exp(-(pitchSt - BOUNDARY_ST) / PITCH_NORMS.boundarySoftnessSt));
}

export interface CueDeviation {
  value: number;
  /** (value - centre) / predictive spread, clipped to +-4; 0 = the user's usual. */
  z: number;
  reliability: number;
  source: ReferenceSource;
  clips: number;
}

export type VoiceDeviations = Partial<Record<VoiceCue, CueDeviation>>;

/** z-scores of a clip's cues against the baseline (cues without value or reference omitted). */
export function compareWithBaseline(
  baseline: VoiceBaseline,
  values: VoiceCueValues,
): VoiceDeviations {
  const deviations: VoiceDeviations = {};
  for (const cue of VOICE_CUES) {
    const value = values[cue];
    if (value === null) continue;
    const reference = cueReference(baseline, cue, value);
    if (!reference) continue;
    deviations[cue] = {
      value,
      z: clamp((value - reference.center) / reference.scale, -MAX_Z, MAX_Z),
      reliability: reference.reliability,
      source: reference.source,
      clips: reference.clips,
    };
  }
  return deviations;
}

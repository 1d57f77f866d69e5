import type { ProsodyFeatures } from '../voice/prosody/analyze-prosody.js';
import { assessClipQuality } from './clip-quality.js';
import type { ClipQuality } from './clip-quality.js';
import { round3 } from './robust-statistics.js';
import type { SpectralTilt } from './spectral-tilt.js';
import { baselineMaturity, compareWithBaseline } from './voice-baseline.js';
import type { CueDeviation, VoiceBaseline, VoiceDeviations } from './voice-baseline.js';
import { voiceCueValues } from './voice-cues.js';
import type { VoiceCue } from './voice-cues.js';

export type VocalDimension = 'arousal' | 'tension' | 'hesitancy';

/**
 * Signed weights of each cue's z-score. Fixed on published findings, not fitted to the
 * evaluation data (Juslin & Laukka 2003; Eyben et al. 2016; Scherer 1986):
 * - arousal: higher pitch, more high-frequency energy (lower Hammarberg index) and louder voice
 *   are the consistent correlates of activation across anger, joy and fear versus sadness and
 *   boredom; speaking rate less consistently (half weight). Pitch range is left out on purpose:
 *   it widens in anger and joy but narrows in fear.
 * - tension (activation part): raised pitch, pressed (brighter) spectrum, hurried speech, less
 *   regular periods; see estimateTension for the narrowed range it must come with.
 * - hesitancy: more of the clip in pauses and slower speech; a quieter voice a little.
 */
export const CUE_WEIGHTS: Readonly<Record<VocalDimension, Partial<Record<VoiceCue, number>>>> = {
  arousal: { pitch: 1, tilt: -1, loudness: 1, rateSyllables: 0.5, rateWords: 0.5 },
  tension: { pitch: 1, tilt: -1, rateSyllables: 0.5, rateWords: 0.5, jitter: 0.5 },
  hesitancy: { pauseShare: 1, rateSyllables: -0.75, rateWords: -0.75, loudness: -0.25 },
};

/** A score of 1.5 (weighted mean z) maps to tanh(1) = 0.76. */
const SCORE_SCALE = 1.5;
const MAX_CONFIDENCE = 0.95;

export interface VocalEstimate {
  /**
   * Relative to the user's usual voice. Arousal and hesitancy -1..1: 0 = usual, > 0 more
   * activated / hesitant, < 0 less. Tension 0..1: 0 = no sign of it. Null when the cues it needs
   * could not be measured (or, for tension, have no reference yet).
   */
  value: number | null;
  /** The weighted mean z-score behind `value` (> 0 = above usual). */
  score: number | null;
  confidence: number;
  cues: VoiceCue[];
}

export interface VocalTone {
  arousal: VocalEstimate;
  tension: VocalEstimate;
  hesitancy: VocalEstimate;
  quality: ClipQuality;
  /** Clips behind the baseline and its maturity (0..1, 0.8 at 20 clips). */
  baseline: { clips: number; maturity: number };
  deviations: VoiceDeviations;
}

export interface VocalToneOptions {
  /**
   * Cues to leave out, e.g. ['loudness'] where automatic gain control or peak normalisation
   * makes the level meaningless, or the rates for clipped recordings.
   */
  ignore?: readonly VoiceCue[];
}

/** Features of one clip in, tone relative to the user's baseline out (no I/O, no mutation). */
export function assessVocalTone(
  features: ProsodyFeatures,
  spectral: SpectralTilt | null,
  baseline: VoiceBaseline,
  options: VocalToneOptions = {},
): VocalTone {
  const deviations = compareWithBaseline(baseline, voiceCueValues(features, spectral));
  return estimateVocalTone(deviations, assessClipQuality(features), baseline, options);
}

/** The three estimates from z-scores already computed (the evaluation reuses them). */
export function estimateVocalTone(
  deviations: VoiceDeviations,
  quality: ClipQuality,
  baseline: VoiceBaseline,
  options: VocalToneOptions = {},
): VocalTone {
  const ignored = new Set(options.ignore ?? []);
  const estimate = (dimension: VocalDimension): VocalEstimate =>
    combineCues(CUE_WEIGHTS[dimension], deviations, quality, ignored);
  return {
    arousal: estimate('arousal'),
    tension: estimateTension(
      estimate('tension'),
      ignored.has('pitchRange') ? undefined : deviations.pitchRange,
    ),
    hesitancy: estimate('hesitancy'),
    quality,
    baseline: { clips: baseline.clips, maturity: round3(baselineMaturity(baseline)) },
    deviations,
  };
}

/**
 * Tension (0..1) is activation that comes with a narrowed pitch range: the stressed, fearful profile
 * (Juslin & Laukka 2003), as opposed to the wide, melodic range of excitement and the narrow but
 * low, slow range of sadness or tiredness. Both must be present, so the score is the smaller of
 * the two; without a reference for the range (a new user) there is no tension estimate.
 */
function estimateTension(
  activation: VocalEstimate,
  range: CueDeviation | undefined,
): VocalEstimate {
  if (activation.score === null || !range) {
    return { value: null, score: null, confidence: 0, cues: activation.cues };
  }
  // Only the presence of the profile is meaningful: 0 = no sign of tension.
  const score = Math.max(0, Math.min(activation.score, -range.z));
  return {
    value: round3(Math.tanh(score / SCORE_SCALE)),
    score: round3(score),
    confidence: round3(activation.confidence * (0.2 + 0.8 * range.reliability)),
    cues: [...activation.cues, 'pitchRange'],
  };
}

/**
 * Weighted mean of the cues' z-scores, each also weighted by how well its reference is known.
 * Confidence multiplies four honest doubts: the clip's measurement quality; coverage (share of
 * the dimension's weight actually measured); reference reliability (population norms or a few
 * clips versus a mature baseline); and agreement (cues pulling opposite ways).
 */
function combineCues(
  weights: Partial<Record<VoiceCue, number>>,
  deviations: VoiceDeviations,
  quality: ClipQuality,
  ignored: ReadonlySet<VoiceCue>,
): VocalEstimate {
  let possible = 0;
  let weightSum = 0;
  let reliableWeight = 0;
  let signed = 0;
  let absolute = 0;
  const cues: VoiceCue[] = [];
  for (const [cue, weight] of Object.entries(weights) as Array<[VoiceCue, number]>) {
    if (ignored.has(cue)) continue;
    // Only one of the two rates exists per clip: count the slot once in what was possible.
    if (cue !== 'rateWords') possible += Math.abs(weight);
    const deviation = deviations[cue];
    if (!deviation) continue;
    cues.push(cue);
    weightSum += Math.abs(weight);
    reliableWeight += Math.abs(weight) * deviation.reliability;
    signed += weight * deviation.reliability * deviation.z;
    absolute += Math.abs(weight * deviation.reliability * deviation.z);
  }
  if (reliableWeight === 0) return { value: null, score: null, confidence: 0, cues };
  const score = signed / reliableWeight;
  const coverage = possible > 0 ? Math.min(1, weightSum / possible) : 0;
  const reliability = reliableWeight / weightSum;
  // Cues all near zero agree ("as usual"), whatever their signs.
  const agreement = absolute < 0.25 * reliableWeight ? 1 : Math.abs(signed) / absolute;
  const confidence =
    quality.score * (0.3 + 0.7 * coverage) * (0.2 + 0.8 * reliability) * (0.6 + 0.4 * agreement);
  return {
    value: round3(Math.tanh(score / SCORE_SCALE)),
    score: round3(score),
    confidence: round3(Math.min(MAX_CONFIDENCE, confidence)),
    cues,
  };
}

import type { ProsodyFeatures } from '../voice/prosody/analyze-prosody.js';
import type { SpectralTilt } from './spectral-tilt.js';

/**
 * The per-clip values a user's voice is compared on. Each is on a scale where differences mean
 * the same at any level (pitch in semitones, loudness in dB, jitter as a logarithm), so one
 * spread describes a user. Speaking rate is kept per unit: words per second (with a transcript's
 * timings) and syllables per second (without) are not comparable.
 */
export const VOICE_CUES = [
  'pitch',
  'pitchRange',
  'loudness',
  'rateSyllables',
  'rateWords',
  'pauseShare',
  'tilt',
  'hnr',
  'jitter',
] as const;

export type VoiceCue = (typeof VOICE_CUES)[number];

export type VoiceCueValues = Record<VoiceCue, number | null>;

export interface CueSpec {
  /**
   * Assumed spread of the cue across one person's messages, used until their own is known
   * (prior of the scale; see voice-baseline.ts). Set from the literature and the measurement's
   * resolution, not fitted to any evaluation data.
   */
  typicalScale: number;
  /** Smallest spread believed, so that a few near-identical clips cannot make the next extreme. */
  minScale: number;
}

export const CUE_SPECS: Readonly<Record<VoiceCue, CueSpec>> = {
  pitch: { typicalScale: 2, minScale: 0.5 }, // semitones of the clip's median F0
  pitchRange: { typicalScale: 2, minScale: 0.5 }, // semitones, 10th-90th percentile
  loudness: { typicalScale: 3, minScale: 1 }, // dBFS; device gain makes it a per-user measure
  rateSyllables: { typicalScale: 0.7, minScale: 0.2 },
  rateWords: { typicalScale: 0.4, minScale: 0.1 },
  pauseShare: { typicalScale: 0.08, minScale: 0.02 }, // fraction of the clip in pauses
  tilt: { typicalScale: 2, minScale: 0.5 }, // Hammarberg index, dB
  hnr: { typicalScale: 1.5, minScale: 0.5 }, // dB
  jitter: { typicalScale: 0.25, minScale: 0.08 }, // natural log of the fraction
};

/** Below these, a cue is not measured reliably enough to use (or to learn from). */
const MIN_VOICED_SEC_PITCH = 0.2;
const MIN_VOICED_SEC_RANGE = 0.4;
const MIN_VOICED_SEC_HNR = 0.3;
const MIN_DURATION_RATE_SEC = 1;
const MIN_DURATION_PAUSES_SEC = 1.5;
/** Jitter averages over period pairs; with fewer glottal pulses it is mostly noise. */
const MIN_PULSES_JITTER = 30;
const MIN_TILT_FRAMES = 20;

/** Seconds of voiced speech in the clip (the pitch track's voiced share of its length). */
export function voicedSeconds(features: ProsodyFeatures): number {
  return features.durationSec * features.voicedFraction;
}

/** Rough count of glottal pulses: voiced time x median F0. */
export function estimatedPulses(features: ProsodyFeatures): number {
  return features.f0MedianHz === null ? 0 : voicedSeconds(features) * features.f0MedianHz;
}

/** The cue values of one clip; null where the clip does not allow a reliable value. */
export function voiceCueValues(
  features: ProsodyFeatures,
  spectral?: SpectralTilt | null,
): VoiceCueValues {
  const voiced = voicedSeconds(features);
  const hasSpeech = features.loudnessMeanDb !== null;
  const rate =
    features.speakingRate > 0 && features.durationSec >= MIN_DURATION_RATE_SEC
      ? features.speakingRate
      : null;
  return {
    pitch:
      features.f0MedianHz !== null && voiced >= MIN_VOICED_SEC_PITCH
        ? 12 * Math.log2(features.f0MedianHz)
        : null,
    pitchRange: voiced >= MIN_VOICED_SEC_RANGE ? features.f0RangeSemitones : null,
    loudness: features.loudnessMeanDb,
    rateSyllables: features.speakingRateUnit === 'syllables_per_sec' ? rate : null,
    rateWords: features.speakingRateUnit === 'words_per_sec' ? rate : null,
    pauseShare:
      hasSpeech && features.durationSec >= MIN_DURATION_PAUSES_SEC
        ? (features.pauseCount * (features.pauseMeanSec ?? 0)) / features.durationSec
        : null,
    tilt:
      spectral && spectral.frames >= MIN_TILT_FRAMES && hasSpeech ? spectral.hammarbergDb : null,
    hnr: voiced >= MIN_VOICED_SEC_HNR ? features.hnrDb : null,
    jitter:
      features.jitterLocal !== null &&
      features.jitterLocal > 0 &&
      estimatedPulses(features) >= MIN_PULSES_JITTER
        ? Math.log(features.jitterLocal)
        : null,
  };
}

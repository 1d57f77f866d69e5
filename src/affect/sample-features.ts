import type { ProsodyFeatures } from '../voice/prosody/analyze-prosody.js';

/**
 * Plausible features of a 3 s voice message of a 200 Hz voice, for tests and the bench; override
 * what a case is about.
 */
export function sampleProsodyFeatures(overrides: Partial<ProsodyFeatures> = {}): ProsodyFeatures {
  return {
    durationSec: 3,
    f0MeanHz: 205,
    f0MedianHz: 200,
    f0StdHz: 25,
    f0StdSemitones: 2,
    f0RangeSemitones: 6,
    f0SlopeSemitonesPerSec: -1,
    voicedFraction: 0.55,
    loudnessMeanDb: -24,
    loudnessStdDb: 5,
    jitterLocal: 0.012,
    shimmerLocal: 0.08,
    hnrDb: 14,
    pauseCount: 1,
    pauseMeanSec: 0.3,
    pauseLongestSec: 0.3,
    speakingRate: 4,
    speakingRateUnit: 'syllables_per_sec',
    ...overrides,
  };
}

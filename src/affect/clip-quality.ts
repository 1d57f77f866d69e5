import type { ProsodyFeatures } from '../voice/prosody/analyze-prosody.js';
import { clamp } from './robust-statistics.js';
import { estimatedPulses, voicedSeconds } from './voice-cues.js';

export type ClipIssue =
  'no_speech' | 'no_pitch' | 'short' | 'little_voicing' | 'noisy' | 'few_pulses';

export interface ClipQuality {
  /** 0..1: how far the clip's measurements can be trusted. */
  score: number;
  issues: ClipIssue[];
}

/** Time constant of the voiced-speech term: 0.6 s of voicing gives 0.63, 2 s gives 0.96. */
const VOICED_SEC_SCALE = 0.6;
/** HNR at or below which a clip counts as noise only, and from where it counts as clean. */
const NOISE_HNR_DB = 2;
const CLEAN_HNR_DB = 8;

/**
 * Measurement quality of a clip from its own features: the more voiced speech, the steadier
 * pitch and level statistics are; a low harmonics-to-noise ratio means noise (or a very rough
 * voice) dominates and every voice measure is less trustworthy.
 */
export function assessClipQuality(features: ProsodyFeatures): ClipQuality {
  const issues: ClipIssue[] = [];
  const voiced = voicedSeconds(features);
  if (features.loudnessMeanDb === null) issues.push('no_speech');
  if (features.f0MedianHz === null) issues.push('no_pitch');
  if (features.durationSec < 1) issues.push('short');
  if (voiced < 0.5) issues.push('little_voicing');
  if (features.hnrDb === null ? voiced > 0 : features.hnrDb < 5) issues.push('noisy');
  if (estimatedPulses(features) < 30) issues.push('few_pulses');

  const voicing = 1 - Math.exp(-voiced / VOICED_SEC_SCALE);
  const clean =
    features.hnrDb === null
      ? 0.5
      : clamp((features.hnrDb - NOISE_HNR_DB) / (CLEAN_HNR_DB - NOISE_HNR_DB), 0, 1);
  const score = features.loudnessMeanDb === null ? 0 : voicing * (0.3 + 0.7 * clean);
  return { score, issues };
}

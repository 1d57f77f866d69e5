export { analyzeProsody, pitchStatistics, wordRate } from './analyze-prosody.js';
export type {
  ProsodyFeatures,
  ProsodyOptions,
  SpeakingRateUnit,
  WordTiming,
} from './analyze-prosody.js';
export { meanHarmonicity, trackHarmonicity } from './harmonicity.js';
export { trackIntensity } from './intensity.js';
export { jitterLocal, shimmerLocal } from './perturbation.js';
export { PRAAT_PITCH_SETTINGS, trackPitch } from './pitch.js';
export type { PitchSettings, PitchTrack } from './pitch.js';
export { findPulses } from './pulses.js';

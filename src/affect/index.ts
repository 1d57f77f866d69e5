export { assessTurn } from './assess-turn.js';
export type { TurnAssessment, TurnInput, TurnVoice } from './assess-turn.js';
export { hedgeWords, labelWords, textEvidence, voiceEvidence } from './affect-evidence.js';
export type { Evidence } from './affect-evidence.js';
export { assessClipQuality } from './clip-quality.js';
export type { ClipIssue, ClipQuality } from './clip-quality.js';
export {
  EMOTION_LABELS,
  EMOTION_PROTOTYPES,
  isEmotionLabel,
  nearestLabel,
} from './emotion-labels.js';
export type { EmotionLabel, EmotionPrototype } from './emotion-labels.js';
export { detectIncongruence, fuseAffect } from './fuse-affect.js';
export type { Incongruence, IncongruenceKind, TurnAffect } from './fuse-affect.js';
export { LexiconTextEmotionClassifier, classifyText } from './lexicon-text-emotion.js';
export {
  CONVERSATION_MOOD,
  USER_MOOD,
  describeMood,
  emptyMoodTrajectory,
  parseMoodTrajectory,
  updateMoodTrajectory,
} from './mood-trajectory.js';
export type {
  MoodAverage,
  MoodPreset,
  MoodShift,
  MoodSummary,
  MoodTrajectory,
  MoodTurn,
} from './mood-trajectory.js';
export { measureSpectralTilt } from './spectral-tilt.js';
export type { SpectralTilt } from './spectral-tilt.js';
export { TEXT_CUES, TEXT_EMOTION_JSON_SCHEMA, normalizeTextEmotion } from './text-emotion.js';
export type { TextCue, TextEmotion, TextEmotionClassifier, TextLanguage } from './text-emotion.js';
export { CUE_WEIGHTS, assessVocalTone, estimateVocalTone } from './vocal-tone.js';
export type { VocalDimension, VocalEstimate, VocalTone, VocalToneOptions } from './vocal-tone.js';
export {
  BASELINE_WINDOW,
  MATURE_CLIPS,
  PITCH_NORMS,
  baselineMaturity,
  compareWithBaseline,
  cueReference,
  emptyVoiceBaseline,
  parseVoiceBaseline,
  updateVoiceBaseline,
} from './voice-baseline.js';
export type {
  CueDeviation,
  CueReference,
  ReferenceSource,
  VoiceBaseline,
  VoiceDeviations,
} from './voice-baseline.js';
export { CUE_SPECS, VOICE_CUES, voiceCueValues } from './voice-cues.js';
export type { CueSpec, VoiceCue, VoiceCueValues } from './voice-cues.js';

import type { ProsodyFeatures } from '../voice/prosody/analyze-prosody.js';
import { assessClipQuality } from './clip-quality.js';
import { fuseAffect } from './fuse-affect.js';
import type { TurnAffect } from './fuse-affect.js';
import { CONVERSATION_MOOD, describeMood, updateMoodTrajectory } from './mood-trajectory.js';
import type { MoodPreset, MoodSummary, MoodTrajectory } from './mood-trajectory.js';
import type { SpectralTilt } from './spectral-tilt.js';
import type { TextEmotion } from './text-emotion.js';
import { compareWithBaseline } from './voice-baseline.js';
import type { VoiceBaseline } from './voice-baseline.js';
import { voiceCueValues } from './voice-cues.js';
import type { VoiceCueValues } from './voice-cues.js';
import { estimateVocalTone } from './vocal-tone.js';
import type { VocalTone, VocalToneOptions } from './vocal-tone.js';

export interface TurnVoice {
  features: ProsodyFeatures;
  /** From measureSpectralTilt on the same samples; null leaves the tilt cue out. */
  spectral: SpectralTilt | null;
  /** The user's baseline before this turn. */
  baseline: VoiceBaseline;
  options?: VocalToneOptions;
}

export interface TurnInput {
  /** The words' emotion (typed text or transcript), null when there are none. */
  text: TextEmotion | null;
  voice?: TurnVoice | null;
  mood: MoodTrajectory;
  atMs: number;
  moodPreset?: MoodPreset;
}

export interface TurnAssessment {
  affect: TurnAffect;
  vocal: VocalTone | null;
  mood: MoodTrajectory;
  moodSummary: MoodSummary;
  /**
   * The clip's cue values, for the job that updates the baseline afterwards
   * (updateVoiceBaseline); null for a typed message.
   */
  voiceCues: VoiceCueValues | null;
}

/**
 * Everything one turn needs after the words are classified: vocal tone against the baseline,
 * fusion, and the mood update. Pure: the caller stores `mood` and, later, the updated baseline.
 */
export function assessTurn(input: TurnInput): TurnAssessment {
  const preset = input.moodPreset ?? CONVERSATION_MOOD;
  let vocal: VocalTone | null = null;
  let voiceCues: VoiceCueValues | null = null;
  if (input.voice) {
    const { features, spectral, baseline, options } = input.voice;
    voiceCues = voiceCueValues(features, spectral);
    vocal = estimateVocalTone(
      compareWithBaseline(baseline, voiceCues),
      assessClipQuality(features),
      baseline,
      options,
    );
  }
  const affect = fuseAffect(input.text, vocal);
  const mood = updateMoodTrajectory(input.mood, affect, input.atMs, preset);
  return { affect, vocal, mood, moodSummary: describeMood(mood, preset), voiceCues };
}

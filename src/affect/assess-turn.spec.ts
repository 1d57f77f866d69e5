import { describe, expect, it } from '@jest/globals';
import { assessTurn } from './assess-turn.js';
import { classifyText } from './lexicon-text-emotion.js';
import { emptyMoodTrajectory } from './mood-trajectory.js';
import { sampleProsodyFeatures } from './sample-features.js';
import { emptyVoiceBaseline, updateVoiceBaseline } from './voice-baseline.js';

describe('assessTurn', () => {
  it('typed turn: words only, mood updated, nothing for the baseline job', () => {
    const result = assessTurn({
      text: classifyText('今天好开心'),
      mood: emptyMoodTrajectory(),
      atMs: 1_000,
    });
    expect(result.vocal).toBeNull();
    expect(result.voiceCues).toBeNull();
    expect(result.affect.label).toBe('joy');
    expect(result.mood.turns).toBe(1);
    expect(result.moodSummary.valence).toBe(result.affect.valence);
  });

  it('voice turn: judged against the baseline as it was, cues returned for the update', () => {
    const features = sampleProsodyFeatures();
    const spectral = { hammarbergDb: 12, frames: 250 };
    const result = assessTurn({
      text: classifyText('still at work'),
      voice: { features, spectral, baseline: emptyVoiceBaseline() },
      mood: emptyMoodTrajectory(),
      atMs: 1_000,
    });
    expect(result.vocal?.arousal.cues).toEqual(['pitch']);
    expect(result.voiceCues?.pitch).toBeCloseTo(12 * Math.log2(200), 6);
    const next = updateVoiceBaseline(emptyVoiceBaseline(), result.voiceCues!);
    expect(next.clips).toBe(1);
    expect(next.recent.tilt).toEqual([12]);
  });
});

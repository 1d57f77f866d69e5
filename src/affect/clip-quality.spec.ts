import { describe, expect, it } from '@jest/globals';
import { analyzeProsody } from '../voice/prosody/analyze-prosody.js';
import {
  alternatingPulses,
  mix,
  pulsedVowel,
  whiteNoise,
} from '../voice/prosody/synthetic-signals.js';
import { assessClipQuality } from './clip-quality.js';
import { measureSpectralTilt } from './spectral-tilt.js';
import { emptyVoiceBaseline, updateVoiceBaseline } from './voice-baseline.js';
import { voiceCueValues } from './voice-cues.js';
import { assessVocalTone } from './vocal-tone.js';

const RATE = 16000;
const vowel = (sec: number, f0Hz = 140): Float32Array =>
  pulsedVowel(alternatingPulses({ f0Hz, start: 0, end: sec, jitter: 0.005 }), sec, RATE);
const analyse = (samples: Float32Array) => ({
  features: analyzeProsody(samples, RATE),
  spectral: measureSpectralTilt(samples, RATE),
});

describe('clip quality and vocal confidence on real analyses of bad clips', () => {
  // A baseline of this synthetic voice at slightly different pitches.
  let baseline = emptyVoiceBaseline();
  for (const f0 of [130, 135, 140, 145, 150, 138, 142]) {
    const { features, spectral } = analyse(vowel(2, f0));
    baseline = updateVoiceBaseline(baseline, voiceCueValues(features, spectral));
  }
  const confidence = (samples: Float32Array): number => {
    const { features, spectral } = analyse(samples);
    return assessVocalTone(features, spectral, baseline).arousal.confidence;
  };
  const good = analyse(vowel(2));

  it('trusts two seconds of clean voicing', () => {
    const quality = assessClipQuality(good.features);
    expect(quality.score).toBeGreaterThan(0.85);
    expect(quality.issues).toEqual([]);
    expect(confidence(vowel(2))).toBeGreaterThan(0.5);
  });

  it('gives silence no quality and no confidence', () => {
    const silence = new Float32Array(2 * RATE);
    const quality = assessClipQuality(analyzeProsody(silence, RATE));
    expect(quality.score).toBe(0);
    expect(quality.issues).toEqual(expect.arrayContaining(['no_speech', 'no_pitch']));
    expect(confidence(silence)).toBe(0);
  });

  it('distrusts a 0.2 s clip', () => {
    const short = vowel(0.2);
    const quality = assessClipQuality(analyzeProsody(short, RATE));
    expect(quality.score).toBeLessThan(0.3);
    expect(quality.issues).toEqual(expect.arrayContaining(['short', 'little_voicing']));
    expect(confidence(short)).toBeLessThan(0.25);
  });

  it('distrusts noise, and a voice drowned in noise', () => {
    const noise = whiteNoise(2, RATE, 0.3);
    expect(assessClipQuality(analyzeProsody(noise, RATE)).score).toBeLessThan(0.2);
    expect(confidence(noise)).toBeLessThan(0.2);
    const drowned = mix(vowel(2), whiteNoise(2, RATE, 0.3, 7));
    const quality = assessClipQuality(analyzeProsody(drowned, RATE));
    expect(quality.score).toBeLessThan(assessClipQuality(good.features).score);
    expect(confidence(drowned)).toBeLessThan(confidence(vowel(2)));
  });
});

import { describe, expect, it } from '@jest/globals';
import { analyzeProsody } from './analyze-prosody.js';
import type { ProsodyFeatures } from './analyze-prosody.js';
import { alternatingPulses, pulsedVowel, whiteNoise, withSilences } from './synthetic-signals.js';

const RATE = 16000;
const syllable = (sec: number, f0Hz = 140): Float32Array =>
  pulsedVowel(alternatingPulses({ f0Hz, start: 0, end: sec }), sec, RATE);

const FIELDS: Array<keyof ProsodyFeatures> = [
  'durationSec',
  'f0MeanHz',
  'f0MedianHz',
  'f0StdHz',
  'f0StdSemitones',
  'f0RangeSemitones',
  'f0SlopeSemitonesPerSec',
  'voicedFraction',
  'loudnessMeanDb',
  'loudnessStdDb',
  'jitterLocal',
  'shimmerLocal',
  'hnrDb',
  'pauseCount',
  'pauseMeanSec',
  'pauseLongestSec',
  'speakingRate',
  'speakingRateUnit',
];

describe('analyzeProsody', () => {
  it('describes a steady synthetic vowel', () => {
    const features = analyzeProsody(syllable(1, 120), RATE);
    expect(Object.keys(features).sort()).toEqual([...FIELDS].sort());
    expect(features.durationSec).toBe(1);
    expect(features.f0MedianHz).toBeCloseTo(120, 0);
    expect(features.f0MeanHz).toBeCloseTo(120, 0);
    expect(features.f0StdSemitones).toBeLessThan(0.05);
    expect(features.f0RangeSemitones).toBeLessThan(0.05);
    expect(Math.abs(features.f0SlopeSemitonesPerSec!)).toBeLessThan(0.05);
    expect(features.voicedFraction).toBeGreaterThan(0.9);
    expect(features.loudnessMeanDb).toBeGreaterThan(-25);
    expect(features.loudnessMeanDb).toBeLessThan(-10);
    expect(features.jitterLocal).toBeLessThan(0.001);
    expect(features.shimmerLocal).toBeLessThan(0.01);
    expect(features.hnrDb).toBeGreaterThan(30);
    expect(features.pauseCount).toBe(0);
    expect(features.pauseMeanSec).toBeNull();
  });

  it('counts syllable nuclei per second of speech', () => {
    // Eight 150 ms syllables 100 ms apart: 8 nuclei in 1.9 s.
    const parts = Array.from({ length: 8 }, () => syllable(0.15));
    const clip = withSilences(parts, [0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3], RATE);
    const features = analyzeProsody(clip, RATE);
    expect(features.speakingRateUnit).toBe('syllables_per_sec');
    expect(features.speakingRate).toBeCloseTo(8 / 1.9, 0);
    expect(features.pauseCount).toBe(0); // 100 ms gaps are not pauses
  });

  it('counts words per second when word timings are given', () => {
    const words = [
      { start: 0.3, end: 0.6, word: 'how' },
      { start: 0.65, end: 0.9, word: 'are' },
      { start: 1.0, end: 1.3, word: 'you' },
    ];
    const features = analyzeProsody(syllable(1.5), RATE, { words });
    expect(features.speakingRateUnit).toBe('words_per_sec');
    expect(features.speakingRate).toBeCloseTo(3 / 1.0, 10);
  });

  it('reports pauses between stretches of speech', () => {
    const clip = withSilences(
      [syllable(0.4), syllable(0.4), syllable(0.4)],
      [0.2, 0.3, 0.6, 0.2],
      RATE,
    );
    const features = analyzeProsody(clip, RATE);
    expect(features.pauseCount).toBe(2);
    expect(features.pauseMeanSec).toBeCloseTo(0.45, 1);
    expect(features.pauseLongestSec).toBeCloseTo(0.6, 1);
  });

  it('returns nulls, not numbers, for silence', () => {
    expect(analyzeProsody(new Float32Array(2 * RATE), RATE)).toEqual({
      durationSec: 2,
      f0MeanHz: null,
      f0MedianHz: null,
      f0StdHz: null,
      f0StdSemitones: null,
      f0RangeSemitones: null,
      f0SlopeSemitonesPerSec: null,
      voicedFraction: 0,
      loudnessMeanDb: null,
      loudnessStdDb: null,
      jitterLocal: null,
      shimmerLocal: null,
      hnrDb: null,
      pauseCount: 0,
      pauseMeanSec: null,
      pauseLongestSec: null,
      speakingRate: 0,
      speakingRateUnit: 'syllables_per_sec',
    });
  });

  it('returns nulls for the F0-derived values of white noise', () => {
    const features = analyzeProsody(whiteNoise(1, RATE, 0.3), RATE);
    expect(features.voicedFraction).toBeLessThan(0.05);
    expect(features.f0MedianHz).toBeNull();
    expect(features.jitterLocal).toBeNull();
    expect(features.shimmerLocal).toBeNull();
    expect(features.loudnessMeanDb).toBeCloseTo(-15.2, 0); // uniform noise of peak 0.3
    expect(features.speakingRate).toBe(0);
  });

  it('copes with an empty or tiny clip', () => {
    expect(analyzeProsody(new Float32Array(0), RATE).durationSec).toBe(0);
    expect(analyzeProsody(new Float32Array(100), RATE).voicedFraction).toBe(0);
  });
});

import { describe, expect, it } from '@jest/globals';
import { pitchStatistics } from './analyze-prosody.js';
import { trackPitch } from './pitch.js';
import {
  alternatingPulses,
  pulsedVowel,
  sineTone,
  whiteNoise,
  withSilences,
} from './synthetic-signals.js';

const voicedHertz = (f0: Float64Array): number[] => [...f0].filter((f) => f > 0);

describe('trackPitch', () => {
  it.each([100, 200, 440])('finds a %i Hz tone in every frame', (hz) => {
    const track = trackPitch(sineTone(hz, 1, 16000), 16000);
    expect(track.layout.count).toBe(97); // (1 s - 40 ms window) / 10 ms + 1
    const voiced = voicedHertz(track.f0Hz);
    expect(voiced.length).toBe(track.layout.count);
    for (const f of voiced) expect(Math.abs(f - hz) / hz).toBeLessThan(0.002);
  });

  it.each([80, 120, 250, 400])(
    'finds F0 = %i Hz in a vowel-like pulse train, not an octave off',
    (hz) => {
      const vowel = pulsedVowel(alternatingPulses({ f0Hz: hz, start: 0.05, end: 0.95 }), 1, 16000);
      const stats = pitchStatistics(trackPitch(vowel, 16000));
      expect(Math.abs(stats.f0MedianHz! - hz) / hz).toBeLessThan(0.005);
      expect(stats.voicedFraction).toBeGreaterThan(0.85);
    },
  );

  it('works at other sample rates', () => {
    for (const rate of [8000, 44100]) {
      const vowel = pulsedVowel(alternatingPulses({ f0Hz: 150, start: 0, end: 1 }), 1, rate);
      const stats = pitchStatistics(trackPitch(vowel, rate));
      expect(stats.f0MedianHz).toBeCloseTo(150, 0);
    }
  });

  it('follows a glide and reports its slope in semitones per second', () => {
    // An exponential glide from 100 to 200 Hz over 1 s: 12 semitones per second.
    const rate = 16000;
    const samples = new Float32Array(rate);
    let phase = 0;
    for (let k = 0; k < rate; k++) {
      phase += (2 * Math.PI * 100 * 2 ** (k / rate)) / rate;
      samples[k] = 0.5 * Math.sin(phase);
    }
    const stats = pitchStatistics(trackPitch(samples, rate));
    expect(stats.f0SlopeSemitonesPerSec).toBeCloseTo(12, 0);
    expect(stats.f0RangeSemitones).toBeGreaterThan(8);
    expect(stats.f0RangeSemitones).toBeLessThan(11);
  });

  it('finds no pitch in white noise or in silence', () => {
    const noise = pitchStatistics(trackPitch(whiteNoise(1, 16000, 0.3), 16000));
    expect(noise.voicedFraction).toBeLessThan(0.05);
    const silence = pitchStatistics(trackPitch(new Float32Array(16000), 16000));
    expect(silence).toEqual({
      f0MeanHz: null,
      f0MedianHz: null,
      f0StdHz: null,
      f0StdSemitones: null,
      f0RangeSemitones: null,
      f0SlopeSemitonesPerSec: null,
      voicedFraction: 0,
    });
  });

  it('calls quiet frames unvoiced relative to the loudest part of the clip', () => {
    const loud = pulsedVowel(alternatingPulses({ f0Hz: 150, start: 0, end: 0.5 }), 0.5, 16000);
    const faint = loud.map((v) => v * 0.005); // 46 dB down: below the silence threshold
    const track = trackPitch(withSilences([loud, faint], [0, 0, 0], 16000), 16000);
    const firstHalf = voicedHertz(track.f0Hz.subarray(0, 45)).length;
    const secondHalf = voicedHertz(track.f0Hz.subarray(52)).length;
    expect(firstHalf).toBeGreaterThan(40);
    expect(secondHalf).toBe(0);
  });

  it('handles clips shorter than one analysis window', () => {
    const track = trackPitch(sineTone(200, 0.02, 16000), 16000);
    expect(track.layout.count).toBe(0);
    expect(pitchStatistics(track).voicedFraction).toBe(0);
  });
});

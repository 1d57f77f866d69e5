import { describe, expect, it } from '@jest/globals';
import { alternatingPulses, pulsedVowel, whiteNoise } from '../voice/prosody/synthetic-signals.js';
import { measureSpectralTilt } from './spectral-tilt.js';

const RATE = 16000;
const vowel = pulsedVowel(alternatingPulses({ f0Hz: 150, start: 0, end: 1.5 }), 1.5, RATE);

describe('measureSpectralTilt', () => {
  it('finds a steep tilt in a vowel (formants at 700 and 1200 Hz) and a flat one in noise', () => {
    const voiced = measureSpectralTilt(vowel, RATE);
    expect(voiced.frames).toBeGreaterThan(100);
    expect(voiced.hammarbergDb).toBeGreaterThan(15);
    const noise = measureSpectralTilt(whiteNoise(1.5, RATE, 0.2), RATE).hammarbergDb!;
    expect(Math.abs(noise)).toBeLessThan(4);
  });

  it('does not depend on the recording level', () => {
    const quiet = vowel.map((x) => x * 0.05);
    expect(measureSpectralTilt(quiet, RATE).hammarbergDb).toBeCloseTo(
      measureSpectralTilt(vowel, RATE).hammarbergDb!,
      6,
    );
  });

  it('drops when the high frequencies are boosted (a brighter, more pressed voice)', () => {
    // First difference: +6 dB per octave, about +6 dB more at 3 kHz than at 1 kHz.
    const bright = vowel.map((x, k) => x - (k > 0 ? vowel[k - 1] : 0));
    const change =
      measureSpectralTilt(bright, RATE).hammarbergDb! -
      measureSpectralTilt(vowel, RATE).hammarbergDb!;
    expect(change).toBeLessThan(-4);
  });

  it('measures nothing in silence or below an 8 kHz sample rate', () => {
    expect(measureSpectralTilt(new Float32Array(RATE), RATE)).toEqual({
      hammarbergDb: null,
      frames: 0,
    });
    expect(measureSpectralTilt(vowel, 6000).hammarbergDb).toBeNull();
    expect(measureSpectralTilt(new Float32Array(100), RATE).hammarbergDb).toBeNull();
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  CrossCorrelator,
  UNVOICED_HNR_DB,
  meanHarmonicity,
  trackHarmonicity,
} from './harmonicity.js';
import { alternatingPulses, mix, pulsedVowel, whiteNoise } from './synthetic-signals.js';

const RATE = 16000;

function power(samples: Float32Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return sum / samples.length;
}

/** A steady 150 Hz vowel plus white noise at the given signal-to-noise ratio. */
function noisyVowel(snrDb: number): Float32Array {
  const vowel = pulsedVowel(alternatingPulses({ f0Hz: 150, start: 0, end: 1 }), 1, RATE);
  // Uniform noise in [-a, a] has power a^2 / 3.
  const amplitude = Math.sqrt((3 * power(vowel)) / 10 ** (snrDb / 10));
  return mix(vowel, whiteNoise(1, RATE, amplitude, 3));
}

describe('trackHarmonicity', () => {
  it.each([0, 10, 20])('measures an added-noise HNR of %i dB to within 1.5 dB', (snrDb) => {
    const hnr = meanHarmonicity(trackHarmonicity(noisyVowel(snrDb), RATE))!;
    expect(Math.abs(hnr - snrDb)).toBeLessThan(1.5);
  });

  it('rates a clean periodic vowel far above any real voice', () => {
    const vowel = pulsedVowel(alternatingPulses({ f0Hz: 150, start: 0, end: 1 }), 1, RATE);
    expect(meanHarmonicity(trackHarmonicity(vowel, RATE))).toBeGreaterThan(35);
  });

  it('rates white noise below 0 dB and silence as unvoiced throughout', () => {
    expect(meanHarmonicity(trackHarmonicity(whiteNoise(1, RATE, 0.3), RATE))).toBeLessThan(0);
    const silence = trackHarmonicity(new Float32Array(RATE), RATE);
    expect(silence.hnrDb.every((v) => v === UNVOICED_HNR_DB)).toBe(true);
    expect(meanHarmonicity(silence)).toBeNull();
  });
});

describe('CrossCorrelator', () => {
  it('matches the directly computed normalised cross-correlation', () => {
    const windowLength = 50;
    const frameLength = 120;
    const frame = Float64Array.from(
      { length: frameLength },
      (_, i) => Math.sin(i * 0.37) + Math.cos(i * i * 0.01),
    );
    const fast = new Float64Array(frameLength - windowLength + 1);
    new CrossCorrelator(windowLength, frameLength).normalisedCorrelation(frame, fast);
    for (let lag = 0; lag < fast.length; lag++) {
      let product = 0;
      let first = 0;
      let second = 0;
      for (let j = 0; j < windowLength; j++) {
        product += frame[j] * frame[j + lag];
        first += frame[j] ** 2;
        second += frame[j + lag] ** 2;
      }
      expect(fast[lag]).toBeCloseTo(product / Math.sqrt(first * second), 10);
    }
  });
});

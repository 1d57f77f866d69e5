import { describe, expect, it } from '@jest/globals';
import { jitterLocal, shimmerLocal } from './perturbation.js';
import { trackPitch } from './pitch.js';
import { findPulses } from './pulses.js';
import { alternatingPulses, pulsedVowel, whiteNoise } from './synthetic-signals.js';

const RATE = 16000;

/** Pulses found in a short-ringing synthetic vowel built from known pulses. */
function measuredPulses(options: { f0Hz: number; jitter?: number; shimmer?: number }) {
  const known = alternatingPulses({ ...options, start: 0.05, end: 0.95 });
  // Short ringing keeps each glottal cycle's waveform out of the next period (see pulsedVowel).
  const samples = pulsedVowel(known, 1, RATE, 0.3);
  return { known, samples, found: findPulses(samples, RATE, trackPitch(samples, RATE)) };
}

describe('jitterLocal', () => {
  it('is the mean absolute period difference over the mean period', () => {
    // Periods 10, 12, 10, 12 ms: differences all 2 ms, mean period 11 ms.
    const pulses = Float64Array.from([0, 0.01, 0.022, 0.032, 0.044]);
    expect(jitterLocal(pulses)).toBeCloseTo(0.002 / 0.011, 10);
  });

  it('skips gaps longer than the longest period and pairs differing by more than 1.3x', () => {
    // A 50 ms gap splits two regular trains; the 5 -> 7 ms pair (ratio 1.4) is not compared.
    const pulses = Float64Array.from([0, 0.005, 0.01, 0.06, 0.065, 0.07, 0.077]);
    expect(jitterLocal(pulses)).toBeCloseTo(0, 10);
    expect(jitterLocal(Float64Array.from([0, 0.005]))).toBeNull();
  });

  it.each([
    [100, 0.005],
    [120, 0.01],
    [140, 0.02],
  ])('measures the jitter put into a %i Hz voice (alternating +-%f)', (f0Hz, jitter) => {
    const { found, known } = measuredPulses({ f0Hz, jitter });
    expect(Math.abs(found.length - known.length)).toBeLessThanOrEqual(2);
    const measured = jitterLocal(found)!;
    expect(Math.abs(measured - 2 * jitter) / (2 * jitter)).toBeLessThan(0.05);
  });

  it('is close to zero for a perfectly periodic voice', () => {
    expect(jitterLocal(measuredPulses({ f0Hz: 130 }).found)).toBeLessThan(0.0005);
  });
});

describe('shimmerLocal', () => {
  it.each([
    [110, 0.05],
    [130, 0.1],
  ])('measures the shimmer put into a %i Hz voice (alternating +-%f)', (f0Hz, shimmer) => {
    const { found, samples } = measuredPulses({ f0Hz, shimmer });
    const measured = shimmerLocal(samples, RATE, found)!;
    expect(Math.abs(measured - 2 * shimmer) / (2 * shimmer)).toBeLessThan(0.05);
  });

  it('does not compare amplitudes differing by more than 1.6x', () => {
    const pulses = Float64Array.from(
      alternatingPulses({ f0Hz: 100, start: 0.05, end: 0.95 }).map((p) => p.time),
    );
    const samples = pulsedVowel(
      alternatingPulses({ f0Hz: 100, start: 0.05, end: 0.95, shimmer: 0.4 }), // ratio 1.4/0.6
      1,
      RATE,
      0.3,
    );
    expect(shimmerLocal(samples, RATE, pulses)).toBeNull();
  });

  it('finds no pulses, so no jitter or shimmer, in white noise', () => {
    const noise = whiteNoise(1, RATE, 0.3);
    const pulses = findPulses(noise, RATE, trackPitch(noise, RATE));
    expect(jitterLocal(pulses)).toBeNull();
    expect(shimmerLocal(noise, RATE, pulses)).toBeNull();
  });
});

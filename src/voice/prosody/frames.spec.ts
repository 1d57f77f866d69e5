import { describe, expect, it } from '@jest/globals';
import { layoutFrames, parabolicPeak, refinePeak, sincInterpolate } from './frames.js';

describe('layoutFrames', () => {
  it('fits whole windows and centres them on the signal, as Praat does', () => {
    // Praat's frame counts for 40 ms windows every 10 ms at 16 kHz, including two exact fits.
    expect(layoutFrames(72320, 16000, 0.04, 0.01).count).toBe(449); // 4.52 s
    expect(layoutFrames(66240, 16000, 0.04, 0.01).count).toBe(410); // 4.14 s
    const odd = layoutFrames(65915, 16000, 0.04, 0.01);
    expect(odd.count).toBe(408);
    expect(odd.firstTime).toBeCloseTo(0.02484375, 12);
  });

  it('has no frames when the signal is shorter than one window', () => {
    expect(layoutFrames(480, 16000, 0.04, 0.01).count).toBe(0);
    expect(layoutFrames(0, 16000, 0.04, 0.01).count).toBe(0);
  });
});

describe('peak interpolation', () => {
  it('finds the vertex of a sampled parabola exactly', () => {
    const y = (x: number): number => 5 - 2 * (x - 0.3) ** 2;
    const peak = parabolicPeak(y(-1), y(0), y(1));
    expect(peak.offset).toBeCloseTo(0.3, 12);
    expect(peak.value).toBeCloseTo(5, 12);
  });

  it('interpolates a band-limited signal between its samples', () => {
    const values = Float64Array.from({ length: 200 }, (_, n) => Math.cos(0.2 * n));
    for (const t of [50.25, 99.5, 120.9]) {
      expect(sincInterpolate(values, t, 40)).toBeCloseTo(Math.cos(0.2 * t), 3);
    }
    expect(sincInterpolate(values, 60, 40)).toBe(values[60]);
  });

  it('refines a peak that falls between samples beyond what a parabola gets', () => {
    // A narrow band-limited peak at 100.37: the parabola through three samples undershoots it.
    const values = Float64Array.from({ length: 200 }, (_, n) => {
      const d = n - 100.37;
      return Math.abs(d) < 1e-12 ? 1 : Math.sin(Math.PI * 0.8 * d) / (Math.PI * 0.8 * d);
    });
    const parabola = parabolicPeak(values[99], values[100], values[101]);
    const refined = refinePeak(values, 100, 40);
    expect(refined.position).toBeCloseTo(100.37, 2);
    expect(Math.abs(refined.value - 1)).toBeLessThan(Math.abs(parabola.value - 1) / 5);
    expect(refined.value).toBeCloseTo(1, 2);
  });
});

import { describe, expect, it } from '@jest/globals';
import { fftOfSize, nextPowerOfTwo } from './fft.js';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * k * t) / n;
      outRe[k] += re[t] * Math.cos(angle) - im[t] * Math.sin(angle);
      outIm[k] += re[t] * Math.sin(angle) + im[t] * Math.cos(angle);
    }
  }
  return [outRe, outIm];
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('fftOfSize', () => {
  it.each([2, 4, 8, 64, 512])('matches the direct DFT for size %i', (n) => {
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + (i % 3));
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const [expectedRe, expectedIm] = naiveDft(re, im);
    fftOfSize(n).forward(re, im);
    expect(maxDifference(re, expectedRe)).toBeLessThan(1e-9 * n);
    expect(maxDifference(im, expectedIm)).toBeLessThan(1e-9 * n);
  });

  it('inverts its own transform', () => {
    const original = Float64Array.from({ length: 1024 }, (_, i) => Math.sin(i * i * 0.001));
    const re = original.slice();
    const im = new Float64Array(1024);
    const fft = fftOfSize(1024);
    fft.forward(re, im);
    fft.inverse(re, im);
    expect(maxDifference(re, original)).toBeLessThan(1e-12);
    expect(maxDifference(im, new Float64Array(1024))).toBeLessThan(1e-12);
  });

  it('refuses sizes that are not powers of two', () => {
    expect(() => fftOfSize(640)).toThrow(RangeError);
    expect(nextPowerOfTwo(640)).toBe(1024);
    expect(nextPowerOfTwo(1024)).toBe(1024);
  });
});

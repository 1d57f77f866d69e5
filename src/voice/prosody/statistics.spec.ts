import { describe, expect, it } from '@jest/globals';
import {
  hertzToSemitones,
  linearSlope,
  mean,
  quantileOfSorted,
  sortedCopy,
  standardDeviation,
} from './statistics.js';

describe('statistics', () => {
  it('gives null for empty input', () => {
    expect(mean([])).toBeNull();
    expect(standardDeviation([])).toBeNull();
    expect(quantileOfSorted([], 0.5)).toBeNull();
    expect(linearSlope([], [])).toBeNull();
  });

  it('computes mean and sample standard deviation', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(standardDeviation([3])).toBe(0);
  });

  it('interpolates quantiles with the i-th of n at (i - 0.5) / n, like Praat', () => {
    const sorted = sortedCopy([10, 1, 3, 2, 5, 4, 7, 6, 9, 8]);
    expect(quantileOfSorted(sorted, 0.5)).toBe(5.5);
    expect(quantileOfSorted(sorted, 0.1)).toBe(1.5);
    expect(quantileOfSorted(sorted, 0.9)).toBe(9.5);
    expect(quantileOfSorted(sorted, 0)).toBe(1);
    expect(quantileOfSorted(sorted, 1)).toBe(10);
    expect(quantileOfSorted(sortedCopy([1, 2, 3]), 0.5)).toBe(2);
  });

  it('fits a least-squares slope', () => {
    expect(linearSlope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 12);
    expect(linearSlope([0, 1, 2, 3], [1, 0, 1, 0])).toBeCloseTo(-0.2, 12);
    expect(linearSlope([1, 1], [0, 5])).toBeNull();
  });

  it('measures an octave as 12 semitones', () => {
    expect(hertzToSemitones(220) - hertzToSemitones(110)).toBeCloseTo(12, 12);
  });
});

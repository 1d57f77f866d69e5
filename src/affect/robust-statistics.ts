import { quantileOfSorted, sortedCopy } from '../voice/prosody/statistics.js';

/** Median of the values; null when there are none. */
export function median(values: ArrayLike<number>): number | null {
  return quantileOfSorted(sortedCopy(values), 0.5);
}

/**
 * Median absolute deviation scaled by 1.4826, so that it estimates the standard deviation of
 * normal data while ignoring up to half the values as outliers. Null when there are none.
 */
export function robustScale(values: ArrayLike<number>): number | null {
  const center = median(values);
  if (center === null) return null;
  const deviations = Array.from(values, (v) => Math.abs(v - center));
  return 1.4826 * median(deviations)!;
}

export function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

/** Rounds for storage and display (3 decimals keeps well below any measurement's precision). */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

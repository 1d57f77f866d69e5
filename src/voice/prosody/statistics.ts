/** Descriptive statistics over plain number sequences. Empty input gives null. */

export function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Sample standard deviation (n - 1 in the denominator, as Praat reports it). */
export function standardDeviation(values: ArrayLike<number>): number | null {
  const m = mean(values);
  if (m === null) return null;
  if (values.length < 2) return 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * Quantile q of sorted values, interpolating linearly with the i-th smallest of n at
 * (i - 0.5) / n, the definition Praat's "Get quantile" uses; the median for q = 0.5.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const place = q * n - 0.5;
  if (place <= 0) return sorted[0];
  if (place >= n - 1) return sorted[n - 1];
  const below = Math.floor(place);
  return sorted[below] + (place - below) * (sorted[below + 1] - sorted[below]);
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Least-squares slope of y against x. Null with fewer than two distinct x. */
export function linearSlope(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const mx = mean(x);
  const my = mean(y);
  if (mx === null || my === null) return null;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < x.length; i++) {
    covariance += (x[i] - mx) * (y[i] - my);
    variance += (x[i] - mx) ** 2;
  }
  return variance > 0 ? covariance / variance : null;
}

/** Semitones above 1 Hz; differences are intervals, so the reference drops out of spreads. */
export function hertzToSemitones(hz: number): number {
  return 12 * Math.log2(hz);
}

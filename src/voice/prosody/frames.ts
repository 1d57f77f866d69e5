/**
 * Short-term analysis frames laid out as in Praat: as many whole windows as fit in the signal,
 * centred on the signal as a group. Sample k lies at time (k + 0.5) / sampleRate.
 */
export interface FrameLayout {
  readonly count: number;
  readonly firstTime: number;
  readonly step: number;
}

export function layoutFrames(
  sampleCount: number,
  sampleRate: number,
  windowSec: number,
  stepSec: number,
): FrameLayout {
  // Duration as count x sampling period, the way Praat gets it: at exact fits such as
  // (4.52 s - 40 ms) / 10 ms the rounding then agrees with Praat's on the number of frames.
  const durationSec = sampleCount * (1 / sampleRate);
  const count = durationSec >= windowSec ? Math.floor((durationSec - windowSec) / stepSec) + 1 : 0;
  const firstTime = durationSec / 2 - ((count - 1) * stepSec) / 2;
  return { count, firstTime, step: stepSec };
}

export function frameTime(layout: FrameLayout, frame: number): number {
  return layout.firstTime + frame * layout.step;
}

/** Index of the first sample of an even-length window centred on time `t`. */
export function windowStart(t: number, sampleRate: number, windowLength: number): number {
  return Math.floor(t * sampleRate - 0.5) - windowLength / 2 + 1;
}

/** Copies samples[start, start + length) into `out` (zeros outside the signal); returns the mean. */
export function copyFrame(
  samples: Float32Array,
  start: number,
  length: number,
  out: Float64Array,
): number {
  let sum = 0;
  for (let j = 0; j < length; j++) {
    const k = start + j;
    const v = k >= 0 && k < samples.length ? samples[k] : 0;
    out[j] = v;
    sum += v;
  }
  return length > 0 ? sum / length : 0;
}

/**
 * Hann window without zero end points, w[j] = 0.5 - 0.5 cos(2 pi (j + 1) / (length + 1)), the
 * form Boersma (1993) uses, so that no sample of the frame is wasted.
 */
export function hannWindow(length: number): Float64Array {
  const w = new Float64Array(length);
  for (let j = 0; j < length; j++) {
    w[j] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (j + 1)) / (length + 1));
  }
  return w;
}

/** Absolute peak of the signal around its mean. */
export function absolutePeak(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i];
  const mean = samples.length > 0 ? sum / samples.length : 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = Math.abs(samples[i] - mean);
    if (v > peak) peak = v;
  }
  return peak;
}

/** Vertex of the parabola through (-1, a), (0, b), (1, c): its offset in (-1, 1) and height. */
export function parabolicPeak(a: number, b: number, c: number): { offset: number; value: number } {
  const curvature = a - 2 * b + c;
  if (curvature >= 0) return { offset: 0, value: b };
  const offset = (0.5 * (a - c)) / curvature;
  return { offset, value: b - 0.25 * (a - c) * offset };
}

/**
 * Value of the band-limited sequence `values` at fractional index t: Hann-windowed sinc
 * interpolation over `depth` neighbours on either side (Boersma 1993, eq. 22). The sines and the
 * window's cosines advance by rotation from tap to tap instead of costing two calls per tap.
 */
export function sincInterpolate(values: Float64Array, t: number, depth: number): number {
  const left = Math.floor(t);
  if (t === left) return values[left];
  const from = Math.max(0, left - depth + 1);
  const to = Math.min(values.length - 1, left + depth);
  // sin(pi (t - n)) = +-sin(pi frac), alternating in sign from one n to the next.
  const sinPiFrac = Math.sin(Math.PI * (t - left));
  let sign = (left - from) % 2 === 0 ? 1 : -1;
  // Window 0.5 + 0.5 cos(step * (t - n)), its angle decreasing by `step` per tap.
  const step = Math.PI / (depth + 0.5);
  const cosStep = Math.cos(step);
  const sinStep = Math.sin(step);
  let cos = Math.cos(step * (t - from));
  let sin = Math.sin(step * (t - from));
  let sum = 0;
  for (let n = from; n <= to; n++) {
    const d = t - n;
    sum += (values[n] * (0.5 + 0.5 * cos) * sign * sinPiFrac) / (Math.PI * d);
    const nextCos = cos * cosStep + sin * sinStep;
    sin = sin * cosStep - cos * sinStep;
    cos = nextCos;
    sign = -sign;
  }
  return sum;
}

/**
 * The maximum of the sinc-interpolated sequence near the local maximum at `index`: a few rounds
 * of parabolic steps on interpolated values, starting from the parabola through the samples.
 */
export function refinePeak(
  values: Float64Array,
  index: number,
  depth: number,
): { position: number; value: number } {
  let position = index + parabolicPeak(values[index - 1], values[index], values[index + 1]).offset;
  let value = sincInterpolate(values, position, depth);
  for (let h = 0.25; h > 0.01; h /= 4) {
    const before = sincInterpolate(values, position - h, depth);
    const after = sincInterpolate(values, position + h, depth);
    const step = parabolicPeak(before, value, after);
    if (step.offset === 0) break;
    position += Math.max(-1, Math.min(1, step.offset)) * h;
    value = sincInterpolate(values, position, depth);
  }
  return { position, value };
}

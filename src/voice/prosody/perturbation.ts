/**
 * Cycle-to-cycle perturbation of the glottal pulses: jitter (local) and shimmer (local), defined
 * as in Praat's voice report (Praat manual, "Voice 2. Jitter" and "Voice 3. Shimmer"). Periods
 * outside [shortestPeriod, longestPeriod] are gaps, not periods; consecutive periods (amplitudes)
 * whose ratio exceeds maxPeriodFactor (maxAmplitudeFactor) are not compared.
 */
export interface PerturbationSettings {
  shortestPeriod: number;
  longestPeriod: number;
  maxPeriodFactor: number;
  maxAmplitudeFactor: number;
}

/** Praat's standard settings: 0.0001, 0.02, 1.3 (and 1.6 for amplitudes). */
export const PRAAT_PERTURBATION_SETTINGS: PerturbationSettings = {
  shortestPeriod: 0.0001,
  longestPeriod: 0.02,
  maxPeriodFactor: 1.3,
  maxAmplitudeFactor: 1.6,
};

/**
 * Mean absolute difference between consecutive periods divided by the mean period (a fraction;
 * Praat prints it in percent). The mean period is taken over the periods that take part in at
 * least one compared pair. Null when no two consecutive periods can be compared.
 */
export function jitterLocal(
  pulses: Float64Array,
  settings: PerturbationSettings = PRAAT_PERTURBATION_SETTINGS,
): number | null {
  const periodCount = pulses.length - 1;
  if (periodCount < 2) return null;
  const compared = new Uint8Array(periodCount);
  let differenceSum = 0;
  let pairs = 0;
  for (let i = 0; i + 1 < periodCount; i++) {
    const a = pulses[i + 1] - pulses[i];
    const b = pulses[i + 2] - pulses[i + 1];
    if (!periodsComparable(a, b, settings)) continue;
    differenceSum += Math.abs(a - b);
    pairs++;
    compared[i] = 1;
    compared[i + 1] = 1;
  }
  if (pairs === 0) return null;
  let periodSum = 0;
  let periods = 0;
  for (let i = 0; i < periodCount; i++) {
    if (!compared[i]) continue;
    periodSum += pulses[i + 1] - pulses[i];
    periods++;
  }
  return differenceSum / pairs / (periodSum / periods);
}

/**
 * Mean absolute difference between the amplitudes of consecutive periods divided by the mean
 * amplitude. A pulse's amplitude is the root-mean-square of the waveform under a Hann window
 * reaching 0.2 of the period on either side of it, so it measures the peak of that glottal cycle
 * without depending on single samples. Null when no two consecutive amplitudes can be compared.
 */
export function shimmerLocal(
  samples: Float32Array,
  sampleRate: number,
  pulses: Float64Array,
  settings: PerturbationSettings = PRAAT_PERTURBATION_SETTINGS,
): number | null {
  const amplitudes = new Float64Array(pulses.length);
  let amplitudeSum = 0;
  let amplitudeCount = 0;
  for (let i = 1; i + 1 < pulses.length; i++) {
    const before = pulses[i] - pulses[i - 1];
    const after = pulses[i + 1] - pulses[i];
    if (!periodsComparable(before, after, settings)) continue;
    amplitudes[i] = hannWindowedRms(samples, sampleRate, pulses[i], 0.2 * before, 0.2 * after);
    amplitudeSum += amplitudes[i];
    amplitudeCount++;
  }

  let differenceSum = 0;
  let pairs = 0;
  for (let i = 1; i + 2 < pulses.length; i++) {
    const a = amplitudes[i];
    const b = amplitudes[i + 1];
    if (a <= 0 || b <= 0 || Math.max(a / b, b / a) > settings.maxAmplitudeFactor) continue;
    differenceSum += Math.abs(a - b);
    pairs++;
  }
  if (pairs === 0 || amplitudeSum === 0) return null;
  return differenceSum / pairs / (amplitudeSum / amplitudeCount);
}

function periodsComparable(a: number, b: number, s: PerturbationSettings): boolean {
  const inRange = (p: number): boolean => p >= s.shortestPeriod && p <= s.longestPeriod;
  return inRange(a) && inRange(b) && Math.max(a / b, b / a) <= s.maxPeriodFactor;
}

/** RMS under an asymmetric Hann window: `left` seconds before t, `right` seconds after it. */
function hannWindowedRms(
  samples: Float32Array,
  sampleRate: number,
  t: number,
  left: number,
  right: number,
): number {
  const from = Math.max(0, Math.ceil((t - left) * sampleRate - 0.5));
  const to = Math.min(samples.length - 1, Math.floor((t + right) * sampleRate - 0.5));
  let weighted = 0;
  let weights = 0;
  for (let k = from; k <= to; k++) {
    const dt = (k + 0.5) / sampleRate - t;
    const w = 0.5 + 0.5 * Math.cos((Math.PI * dt) / (dt < 0 ? left : right));
    weighted += w * samples[k] * samples[k];
    weights += w;
  }
  return weights > 0 ? Math.sqrt(weighted / weights) : 0;
}

import { absolutePeak, frameTime, parabolicPeak } from './frames.js';
import type { PitchTrack } from './pitch.js';

/**
 * Glottal pulse times (seconds) by waveform matching, as Praat's "To PointProcess (periodic, cc)"
 * is documented (Praat manual, "Sound & Pitch: To PointProcess (cc)"). In every voiced stretch of
 * the pitch track the first pulse is the absolute extremum within one period around the middle;
 * from there each next pulse, one period (0.8 to 1.2 times the local period) further to the left
 * or right, is where the waveform around it best cross-correlates with the waveform around the
 * previous pulse. Weakly matching pulses (r < 0.3) are dropped; one pulse beyond either end of the
 * stretch is kept if it matches well (r > 0.7). Pulses whose period is near-silent (peak below 1% of
 * the signal's peak, e.g. a stop closure inside a voiced stretch) are dropped too: periodic residue
 * there is not a glottal cycle, and dropping it is what brings the pulses in line with Praat's.
 */
export function findPulses(
  samples: Float32Array,
  sampleRate: number,
  pitch: PitchTrack,
): Float64Array {
  const pulses: number[] = [];
  const signal: Signal = {
    samples,
    sampleRate,
    silentPeak: SILENT_FRACTION * absolutePeak(samples),
  };
  for (const [from, to] of voicedIntervals(pitch, samples.length / sampleRate)) {
    const contour = new PeriodContour(pitch);
    const middle = (from + to) / 2;
    const first = absoluteExtremum(samples, sampleRate, middle, contour.periodAt(middle));
    if (first === null) continue;
    const left = followPulses(signal, contour, first, from, -1);
    const right = followPulses(signal, contour, first, to, 1);
    for (let i = left.length - 1; i >= 0; i--) pulses.push(left[i]);
    pulses.push(first);
    pulses.push(...right);
  }
  return Float64Array.from(pulses);
}

/** Runs of voiced frames as [start, end] in seconds, each frame covering one time step. */
export function voicedIntervals(pitch: PitchTrack, durationSec: number): Array<[number, number]> {
  const intervals: Array<[number, number]> = [];
  const { layout, f0Hz } = pitch;
  for (let f = 0; f < layout.count; f++) {
    if (f0Hz[f] === 0 || (f > 0 && f0Hz[f - 1] > 0)) continue;
    let last = f;
    while (last + 1 < layout.count && f0Hz[last + 1] > 0) last++;
    intervals.push([
      Math.max(0, frameTime(layout, f) - layout.step / 2),
      Math.min(durationSec, frameTime(layout, last) + layout.step / 2),
    ]);
  }
  return intervals;
}

/**
 * The pitch period at any time, interpolated linearly between voiced frames; just outside a voiced
 * stretch, where both neighbouring frames are unvoiced, the last period found stands.
 */
class PeriodContour {
  private lastPeriod = 0.01;

  constructor(private readonly pitch: PitchTrack) {}

  periodAt(t: number): number {
    const { layout, f0Hz } = this.pitch;
    const u = (t - layout.firstTime) / layout.step;
    const i = Math.min(Math.max(Math.floor(u), 0), layout.count - 1);
    const j = Math.min(i + 1, layout.count - 1);
    const a = f0Hz[i];
    const b = f0Hz[j];
    const f = a > 0 && b > 0 ? a + (b - a) * Math.min(Math.max(u - i, 0), 1) : a > 0 ? a : b;
    if (f > 0) this.lastPeriod = 1 / f;
    return this.lastPeriod;
  }
}

function absoluteExtremum(
  samples: Float32Array,
  sampleRate: number,
  t: number,
  period: number,
): number | null {
  const from = Math.max(1, Math.ceil((t - period / 2) * sampleRate - 0.5));
  const to = Math.min(samples.length - 2, Math.floor((t + period / 2) * sampleRate - 0.5));
  if (to < from) return null;
  let best = from;
  for (let k = from + 1; k <= to; k++) if (Math.abs(samples[k]) > Math.abs(samples[best])) best = k;
  const sign = samples[best] < 0 ? -1 : 1;
  const peak = parabolicPeak(
    sign * samples[best - 1],
    sign * samples[best],
    sign * samples[best + 1],
  );
  return (best + 0.5 + peak.offset) / sampleRate;
}

const KEEP_CORRELATION = 0.3;
const KEEP_BEYOND_EDGE_CORRELATION = 0.7;
const SILENT_FRACTION = 0.01;

interface Signal {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** A period whose absolute peak stays below this is treated as silence. */
  readonly silentPeak: number;
}

/** Pulses one period apart from `start` towards `edge` (direction -1 = left, 1 = right). */
function followPulses(
  signal: Signal,
  contour: PeriodContour,
  start: number,
  edge: number,
  direction: -1 | 1,
): number[] {
  const { samples, sampleRate } = signal;
  const found: number[] = [];
  let previous = start;
  for (;;) {
    const period = contour.periodAt(previous);
    const match = bestMatch(samples, sampleRate, previous, period, direction);
    if (match === null) break;
    const audible = peakAround(samples, sampleRate, match.time, period) > signal.silentPeak;
    const beyondEdge = direction < 0 ? match.time < edge : match.time > edge;
    if (beyondEdge) {
      if (audible && match.correlation > KEEP_BEYOND_EDGE_CORRELATION) found.push(match.time);
      break;
    }
    if (audible && match.correlation > KEEP_CORRELATION) found.push(match.time);
    previous = match.time;
  }
  return found;
}

/** Absolute peak of the waveform within half a period either side of t. */
function peakAround(samples: Float32Array, sampleRate: number, t: number, period: number): number {
  const from = Math.max(0, Math.ceil((t - period / 2) * sampleRate - 0.5));
  const to = Math.min(samples.length - 1, Math.floor((t + period / 2) * sampleRate - 0.5));
  let peak = 0;
  for (let k = from; k <= to; k++) peak = Math.max(peak, Math.abs(samples[k]));
  return peak;
}

/**
 * The shift of 0.8 to 1.2 periods (towards `direction`) at which one period of waveform best
 * correlates with the period around `t`; parabolic interpolation between whole-sample shifts.
 */
function bestMatch(
  samples: Float32Array,
  sampleRate: number,
  t: number,
  period: number,
  direction: -1 | 1,
): { time: number; correlation: number } | null {
  const centre = Math.round(t * sampleRate - 0.5);
  const half = Math.max(1, Math.round((period * sampleRate) / 2));
  const minShift = Math.max(1, Math.ceil(0.8 * period * sampleRate));
  const maxShift = Math.floor(1.2 * period * sampleRate);
  const farthest = centre + direction * (maxShift + 1 + half);
  if (centre - half < 0 || centre + half >= samples.length) return null;
  if (farthest < 0 || farthest >= samples.length) return null;

  let referenceEnergy = 0;
  for (let j = -half; j <= half; j++) referenceEnergy += samples[centre + j] ** 2;
  const correlationAt = (shift: number): number => {
    const other = centre + direction * shift;
    let product = 0;
    let energy = 0;
    for (let j = -half; j <= half; j++) {
      const v = samples[other + j];
      product += samples[centre + j] * v;
      energy += v * v;
    }
    const norm = Math.sqrt(referenceEnergy * energy);
    return norm > 0 ? product / norm : 0;
  };

  let bestShift = minShift;
  let best = -Infinity;
  let before = correlationAt(minShift - 1);
  let current = correlationAt(minShift);
  let bestNeighbours: [number, number] = [before, before];
  for (let shift = minShift; shift <= maxShift; shift++) {
    const after = correlationAt(shift + 1);
    if (current > best) {
      best = current;
      bestShift = shift;
      bestNeighbours = [before, after];
    }
    before = current;
    current = after;
  }
  const [a, c] = bestNeighbours;
  const peak = a <= best && c <= best ? parabolicPeak(a, best, c) : { offset: 0, value: best };
  const shift = bestShift + peak.offset;
  return { time: t + (direction * shift) / sampleRate, correlation: Math.min(peak.value, 1) };
}

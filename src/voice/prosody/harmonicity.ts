import { fftOfSize, nextPowerOfTwo } from './fft.js';
import type { Fft } from './fft.js';
import {
  absolutePeak,
  copyFrame,
  frameTime,
  layoutFrames,
  parabolicPeak,
  refinePeak,
  windowStart,
} from './frames.js';
import type { FrameLayout } from './frames.js';

/**
 * Harmonics-to-noise ratio by forward cross-correlation, as Praat's "To Harmonicity (cc)" is
 * documented (Praat manual, "Harmonicity"; Boersma 1993): per frame, r is the highest
 * normalised cross-correlation between one window of the signal and the same-length window a lag
 * later (any lag up to 1 / floor), and HNR = 10 log10(r / (1 - r)). Frames that are too quiet, or
 * whose best r does not beat the loudness-based unvoiced strength, are unvoiced (-200 dB, as Praat
 * marks them) and left out of the mean.
 */
export interface HarmonicitySettings {
  timeStep: number;
  floorHz: number;
  silenceThreshold: number;
  periodsPerWindow: number;
}

/** Praat's "To Harmonicity (cc): 0.01, 75, 0.1, 1.0". */
export const PRAAT_HARMONICITY_SETTINGS: HarmonicitySettings = {
  timeStep: 0.01,
  floorHz: 75,
  silenceThreshold: 0.1,
  periodsPerWindow: 1,
};

export const UNVOICED_HNR_DB = -200;

/** The best few peaks by parabola get refined by sinc interpolation over this many neighbours. */
const REFINED_PEAKS = 3;
const SINC_DEPTH = 20;

export interface HarmonicityTrack {
  readonly layout: FrameLayout;
  /** HNR per frame in dB; UNVOICED_HNR_DB where the frame is unvoiced. */
  readonly hnrDb: Float64Array;
}

export function trackHarmonicity(
  samples: Float32Array,
  sampleRate: number,
  overrides: Partial<HarmonicitySettings> = {},
): HarmonicityTrack {
  const settings = { ...PRAAT_HARMONICITY_SETTINGS, ...overrides };
  const windowLength = Math.floor((settings.periodsPerWindow * sampleRate) / settings.floorHz);
  const maxLag = Math.floor(sampleRate / settings.floorHz);
  const frameLength = 2 * Math.ceil((windowLength + maxLag + 1) / 2);
  const layout = layoutFrames(
    samples.length,
    sampleRate,
    frameLength / sampleRate,
    settings.timeStep,
  );
  const correlator = new CrossCorrelator(windowLength, frameLength);
  const globalPeak = absolutePeak(samples);
  const frame = new Float64Array(frameLength);
  const r = new Float64Array(frameLength - windowLength + 1);
  const hnrDb = new Float64Array(layout.count);
  const top = new TopPeaks(REFINED_PEAKS);
  // Loudness is judged on the middle of the frame, one longest period wide (as for pitch).
  const peakFrom = Math.max(0, Math.floor((frameLength - maxLag) / 2));
  const peakTo = Math.min(frameLength, peakFrom + maxLag);

  for (let f = 0; f < layout.count; f++) {
    const start = windowStart(frameTime(layout, f), sampleRate, frameLength);
    const mean = copyFrame(samples, start, frameLength, frame);
    for (let j = 0; j < frameLength; j++) frame[j] -= mean;
    let localPeak = 0;
    for (let j = peakFrom; j < peakTo; j++) localPeak = Math.max(localPeak, Math.abs(frame[j]));
    const loudness = globalPeak > 0 ? localPeak / globalPeak : 0;
    const unvoicedStrength = Math.max(0, 2 - loudness / settings.silenceThreshold);
    if (unvoicedStrength >= 1) {
      hnrDb[f] = UNVOICED_HNR_DB; // no correlation can beat it: skip the search
      continue;
    }
    correlator.normalisedCorrelation(frame, r);
    const best = strongestPeak(r, 2, maxLag, top);
    hnrDb[f] = best > unvoicedStrength ? toDecibels(best) : UNVOICED_HNR_DB;
  }
  return { layout, hnrDb };
}

/** Mean HNR over the voiced frames (Praat's "Get mean"), or null when none is voiced. */
export function meanHarmonicity(track: HarmonicityTrack): number | null {
  let sum = 0;
  let count = 0;
  for (const value of track.hnrDb) {
    if (value === UNVOICED_HNR_DB) continue;
    sum += value;
    count++;
  }
  return count > 0 ? sum / count : null;
}

function toDecibels(r: number): number {
  if (r <= 1e-15) return UNVOICED_HNR_DB;
  if (r >= 1 - 1e-15) return 150;
  return 10 * Math.log10(r / (1 - r));
}

/**
 * Height of the highest local maximum of r within [minLag, maxLag], 0 if there is none. Peaks are
 * ranked by parabolic interpolation; the best few are then refined by sinc interpolation, because
 * a parabola through three samples underestimates sharp peaks, i.e. the HNR of clear voices.
 */
function strongestPeak(r: Float64Array, minLag: number, maxLag: number, top: TopPeaks): number {
  top.clear();
  for (let lag = minLag; lag <= maxLag; lag++) {
    if (r[lag] > 0 && r[lag] > r[lag - 1] && r[lag] >= r[lag + 1]) {
      top.offer(lag, parabolicPeak(r[lag - 1], r[lag], r[lag + 1]).value);
    }
  }
  let best = 0;
  for (let i = 0; i < top.size; i++) {
    const { value } = refinePeak(r, top.lags[i], SINC_DEPTH);
    // Interpolation can overshoot 1 on very periodic frames; reflect it back below 1.
    best = Math.max(best, value > 1 ? 1 / value : value);
  }
  return best;
}

/** The few highest (lag, value) pairs offered, kept without allocating. */
class TopPeaks {
  readonly lags: Int32Array;
  private readonly values: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.lags = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  offer(lag: number, value: number): void {
    const capacity = this.lags.length;
    if (this.size === capacity && value <= this.values[capacity - 1]) return;
    let i = Math.min(this.size, capacity - 1);
    while (i > 0 && this.values[i - 1] < value) {
      this.lags[i] = this.lags[i - 1];
      this.values[i] = this.values[i - 1];
      i--;
    }
    this.lags[i] = lag;
    this.values[i] = value;
    this.size = Math.min(this.size + 1, capacity);
  }
}

/**
 * Normalised cross-correlation of a frame's first `windowLength` samples with the same-length
 * stretch `lag` samples later, for every lag at once. Both real FFTs share one complex transform
 * (first window as the real part, whole frame as the imaginary part).
 */
export class CrossCorrelator {
  private readonly fft: Fft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cumulativeEnergy: Float64Array;

  constructor(
    private readonly windowLength: number,
    private readonly frameLength: number,
  ) {
    this.fft = fftOfSize(nextPowerOfTwo(frameLength + 1));
    this.re = new Float64Array(this.fft.size);
    this.im = new Float64Array(this.fft.size);
    this.cumulativeEnergy = new Float64Array(frameLength + 1);
  }

  /** Fills r[lag] for lag = 0 .. r.length - 1 (at most frameLength - windowLength). */
  normalisedCorrelation(frame: Float64Array, r: Float64Array): void {
    const { re, im, windowLength, frameLength, cumulativeEnergy } = this;
    const n = this.fft.size;
    re.fill(0);
    im.fill(0);
    for (let j = 0; j < frameLength; j++) {
      if (j < windowLength) re[j] = frame[j];
      im[j] = frame[j];
      cumulativeEnergy[j + 1] = cumulativeEnergy[j] + frame[j] * frame[j];
    }
    this.fft.forward(re, im);
    // Split Z = A + iB into the spectra A (first window) and B (frame), form conj(A) * B in place.
    for (let k = 0; k <= n / 2; k++) {
      const m = (n - k) % n;
      const ar = (re[k] + re[m]) / 2;
      const ai = (im[k] - im[m]) / 2;
      const br = (im[k] + im[m]) / 2;
      const bi = (re[m] - re[k]) / 2;
      const cr = ar * br + ai * bi;
      const ci = ar * bi - ai * br;
      re[k] = cr;
      im[k] = ci;
      re[m] = cr;
      im[m] = -ci;
    }
    this.fft.inverse(re, im);
    const windowEnergy = cumulativeEnergy[windowLength];
    for (let lag = 0; lag < r.length; lag++) {
      const energy = cumulativeEnergy[lag + windowLength] - cumulativeEnergy[lag];
      const norm = Math.sqrt(windowEnergy * energy);
      r[lag] = norm > 0 ? re[lag] / norm : 0;
    }
  }
}

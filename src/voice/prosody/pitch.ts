import { fftOfSize, nextPowerOfTwo } from './fft.js';
import type { Fft } from './fft.js';
import {
  absolutePeak,
  copyFrame,
  frameTime,
  hannWindow,
  layoutFrames,
  parabolicPeak,
  windowStart,
} from './frames.js';
import type { FrameLayout } from './frames.js';

/**
 * Pitch tracking by windowed autocorrelation (Boersma 1993, the algorithm behind Praat's
 * "To Pitch (ac)"): per frame, the autocorrelation of the Hann-windowed signal divided by the
 * autocorrelation of the window gives the true normalised autocorrelation r(lag); its local maxima
 * are voiced candidates and one unvoiced candidate competes on loudness, then a Viterbi pass picks
 * the path that best trades candidate strength against octave jumps and voicing changes.
 */
export interface PitchSettings {
  /** Seconds between frames; 0 means 0.75 / floorHz (Praat's default, 10 ms for 75 Hz). */
  timeStep: number;
  floorHz: number;
  ceilingHz: number;
  maxCandidates: number;
  silenceThreshold: number;
  voicingThreshold: number;
  octaveCost: number;
  octaveJumpCost: number;
  voicedUnvoicedCost: number;
  periodsPerWindow: number;
}

/** Praat's "To Pitch: 0, 75, 600" with its standard advanced settings. */
export const PRAAT_PITCH_SETTINGS: PitchSettings = {
  timeStep: 0,
  floorHz: 75,
  ceilingHz: 600,
  maxCandidates: 15,
  silenceThreshold: 0.03,
  voicingThreshold: 0.45,
  octaveCost: 0.01,
  octaveJumpCost: 0.35,
  voicedUnvoicedCost: 0.14,
  periodsPerWindow: 3,
};

export interface PitchTrack {
  readonly layout: FrameLayout;
  /** F0 per frame in Hz; 0 where the frame is unvoiced. */
  readonly f0Hz: Float64Array;
  /** Normalised autocorrelation of the chosen voiced candidate (0 where unvoiced). */
  readonly strength: Float64Array;
}

/** Voiced and unvoiced candidates of every frame, flat: frame f owns slots [f * width, ...). */
interface Candidates {
  readonly width: number;
  readonly count: Uint8Array;
  /** 0 marks the unvoiced candidate. */
  readonly frequency: Float64Array;
  /** Normalised autocorrelation at the peak (the unvoiced candidate keeps 0). */
  readonly correlation: Float64Array;
  /** Local score for the path search: correlation with the octave bonus, or unvoiced strength. */
  readonly score: Float64Array;
}

export function trackPitch(
  samples: Float32Array,
  sampleRate: number,
  overrides: Partial<PitchSettings> = {},
): PitchTrack {
  const settings = { ...PRAAT_PITCH_SETTINGS, ...overrides };
  const step = settings.timeStep > 0 ? settings.timeStep : 0.75 / settings.floorHz;
  const windowLength =
    2 * Math.floor((settings.periodsPerWindow * sampleRate) / settings.floorHz / 2);
  const layout = layoutFrames(samples.length, sampleRate, windowLength / sampleRate, step);
  const candidates = findCandidates(samples, sampleRate, layout, windowLength, settings, step);
  const path = viterbiPath(candidates, layout.count, settings, step);

  const f0Hz = new Float64Array(layout.count);
  const strength = new Float64Array(layout.count);
  for (let f = 0; f < layout.count; f++) {
    const slot = f * candidates.width + path[f];
    f0Hz[f] = candidates.frequency[slot];
    strength[f] = candidates.correlation[slot];
  }
  return { layout, f0Hz, strength };
}

function findCandidates(
  samples: Float32Array,
  sampleRate: number,
  layout: FrameLayout,
  windowLength: number,
  settings: PitchSettings,
  step: number,
): Candidates {
  const width = settings.maxCandidates;
  const candidates: Candidates = {
    width,
    count: new Uint8Array(layout.count),
    frequency: new Float64Array(layout.count * width),
    correlation: new Float64Array(layout.count * width),
    score: new Float64Array(layout.count * width),
  };
  const maxLag = Math.min(Math.ceil(sampleRate / settings.floorHz), windowLength - 2);
  const fft = fftOfSize(nextPowerOfTwo(windowLength + maxLag + 2));
  const window = hannWindow(windowLength);
  const peakSearch: PeakSearch = {
    sampleRate,
    settings,
    minLag: Math.max(2, Math.floor(sampleRate / settings.ceilingHz)),
    maxLag,
    windowAc: normalisedAutocorrelation(window, fft, maxLag + 1),
    r: new Float64Array(maxLag + 2),
  };
  const globalPeak = absolutePeak(samples);
  const frame = new Float64Array(windowLength);
  const re = new Float64Array(fft.size);
  const im = new Float64Array(fft.size);
  // Loudness is judged on the middle of the windowed frame, one longest period wide, so that a
  // loud neighbour at the edge of the window does not make a quiet frame count as loud.
  const halfPeriod = Math.round(sampleRate / settings.floorHz / 2);
  const peakFrom = Math.max(0, windowLength / 2 - halfPeriod);
  const peakTo = Math.min(windowLength, windowLength / 2 + halfPeriod);
  // The loudness ratio below which a frame tends to silence (Boersma 1993, eq. 23).
  const silenceRatio = settings.silenceThreshold / (1 + settings.voicingThreshold);

  // A voiced candidate scores at most 1 and voicing a frame saves at most two voicing changes, so
  // a frame whose unvoiced candidate scores more than that is unvoiced on the best path whatever
  // its autocorrelation: skipping the search there (pauses, silence) changes nothing.
  const surelyUnvoiced = 1 + (2 * settings.voicedUnvoicedCost * 0.01) / step;

  /** Windows frame f into `into` and scores its unvoiced candidate; true if it may be voiced. */
  const prepareFrame = (f: number, into: Float64Array): boolean => {
    const start = windowStart(frameTime(layout, f), sampleRate, windowLength);
    const mean = copyFrame(samples, start, windowLength, frame);
    for (let j = 0; j < windowLength; j++) into[j] = (frame[j] - mean) * window[j];
    let localPeak = 0;
    for (let j = peakFrom; j < peakTo; j++) localPeak = Math.max(localPeak, Math.abs(into[j]));
    const loudness = globalPeak > 0 ? localPeak / globalPeak : 0;
    const unvoicedScore = settings.voicingThreshold + Math.max(0, 2 - loudness / silenceRatio);
    candidates.score[f * width] = unvoicedScore;
    candidates.count[f] = 1;
    return localPeak > 0 && unvoicedScore <= surelyUnvoiced;
  };

  // Two frames per transform: one as the real part, the next as the imaginary part.
  for (let f = 0; f < layout.count; f += 2) {
    re.fill(0);
    im.fill(0);
    const first = prepareFrame(f, re);
    const second = f + 1 < layout.count && prepareFrame(f + 1, im);
    if (!first && !second) continue;
    autocorrelatePair(re, im, fft);
    if (first) addVoicedCandidates(candidates, f, re, peakSearch);
    if (second) addVoicedCandidates(candidates, f + 1, im, peakSearch);
  }
  return candidates;
}

interface PeakSearch {
  readonly sampleRate: number;
  readonly settings: PitchSettings;
  readonly minLag: number;
  readonly maxLag: number;
  /** Normalised autocorrelation of the window, which the frame's is divided by. */
  readonly windowAc: Float64Array;
  /** Scratch for the frame's normalised autocorrelation. */
  readonly r: Float64Array;
}

/** Local maxima of the frame's normalised autocorrelation that lie between floor and ceiling. */
function addVoicedCandidates(
  candidates: Candidates,
  f: number,
  ac: Float64Array,
  search: PeakSearch,
): void {
  const { sampleRate, settings, minLag, maxLag, windowAc, r } = search;
  for (let lag = 0; lag <= maxLag + 1; lag++) r[lag] = ac[lag] / ac[0] / windowAc[lag];
  for (let lag = minLag; lag <= maxLag; lag++) {
    if (!(r[lag] > r[lag - 1] && r[lag] >= r[lag + 1])) continue;
    if (r[lag] < 0.5 * settings.voicingThreshold) continue;
    const peak = parabolicPeak(r[lag - 1], r[lag], r[lag + 1]);
    const frequency = sampleRate / (lag + peak.offset);
    if (frequency < settings.floorHz || frequency > settings.ceilingHz) continue;
    // Interpolation can overshoot 1 on very periodic frames; reflect it back below 1.
    const correlation = peak.value > 1 ? 1 / peak.value : peak.value;
    // Octave cost favours higher candidates, counted (as Praat does) per octave below the ceiling.
    const score = correlation - settings.octaveCost * Math.log2(settings.ceilingHz / frequency);
    insertCandidate(candidates, f, frequency, correlation, score);
  }
}

/** Keeps the strongest maxCandidates - 1 voiced candidates of a frame (slot 0 is unvoiced). */
function insertCandidate(
  c: Candidates,
  frame: number,
  frequency: number,
  correlation: number,
  score: number,
): void {
  const base = frame * c.width;
  let slot = c.count[frame];
  if (slot === c.width) {
    let weakest = 1;
    for (let k = 2; k < c.width; k++) if (c.score[base + k] < c.score[base + weakest]) weakest = k;
    if (c.score[base + weakest] >= score) return;
    slot = weakest;
  } else {
    c.count[frame] = slot + 1;
  }
  c.frequency[base + slot] = frequency;
  c.correlation[base + slot] = correlation;
  c.score[base + slot] = score;
}

/**
 * The candidate path maximising the summed scores minus the transition costs: a voicing change
 * costs voicedUnvoicedCost, a voiced-to-voiced step costs octaveJumpCost per octave. Costs are
 * scaled to a 10 ms time step, as in Praat, so that they do not depend on the frame rate.
 */
function viterbiPath(
  c: Candidates,
  frameCount: number,
  settings: PitchSettings,
  step: number,
): Uint8Array {
  const path = new Uint8Array(frameCount);
  if (frameCount === 0) return path;
  const stepCorrection = 0.01 / step;
  const voicingCost = settings.voicedUnvoicedCost * stepCorrection;
  const jumpCost = settings.octaveJumpCost * stepCorrection;
  const back = new Uint8Array(frameCount * c.width);
  let previous = new Float64Array(c.width);
  let current = new Float64Array(c.width);
  for (let k = 0; k < c.count[0]; k++) previous[k] = c.score[k];

  for (let f = 1; f < frameCount; f++) {
    const base = f * c.width;
    const prevBase = base - c.width;
    for (let k = 0; k < c.count[f]; k++) {
      const fk = c.frequency[base + k];
      let best = -Infinity;
      let from = 0;
      for (let j = 0; j < c.count[f - 1]; j++) {
        const fj = c.frequency[prevBase + j];
        let cost = 0;
        if (fk > 0 && fj > 0) cost = jumpCost * Math.abs(Math.log2(fk / fj));
        else if (fk > 0 || fj > 0) cost = voicingCost;
        const value = previous[j] - cost;
        if (value > best) {
          best = value;
          from = j;
        }
      }
      current[k] = best + c.score[base + k];
      back[base + k] = from;
    }
    [previous, current] = [current, previous];
  }

  let last = 0;
  for (let k = 1; k < c.count[frameCount - 1]; k++) if (previous[k] > previous[last]) last = k;
  path[frameCount - 1] = last;
  for (let f = frameCount - 1; f > 0; f--) path[f - 1] = back[f * c.width + path[f]];
  return path;
}

/**
 * Replaces re and im with the (circular) autocorrelations of the real sequences held in re and in
 * im: one forward transform, split into the two power spectra, packed back into one inverse.
 */
export function autocorrelatePair(re: Float64Array, im: Float64Array, fft: Fft): void {
  const n = fft.size;
  fft.forward(re, im);
  for (let k = 0; k <= n / 2; k++) {
    const m = (n - k) % n;
    const sumRe = re[k] + re[m];
    const diffRe = re[k] - re[m];
    const sumIm = im[k] + im[m];
    const diffIm = im[k] - im[m];
    const powerOfRe = (sumRe * sumRe + diffIm * diffIm) / 4;
    const powerOfIm = (sumIm * sumIm + diffRe * diffRe) / 4;
    re[k] = powerOfRe;
    re[m] = powerOfRe;
    im[k] = powerOfIm;
    im[m] = powerOfIm;
  }
  fft.inverse(re, im);
}

function normalisedAutocorrelation(window: Float64Array, fft: Fft, lags: number): Float64Array {
  const re = new Float64Array(fft.size);
  const im = new Float64Array(fft.size);
  re.set(window);
  autocorrelatePair(re, im, fft);
  const out = new Float64Array(lags + 1);
  for (let lag = 0; lag <= lags; lag++) out[lag] = re[lag] / re[0];
  return out;
}

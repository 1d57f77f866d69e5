import { fftOfSize, nextPowerOfTwo } from '../voice/prosody/fft.js';
import { hannWindow } from '../voice/prosody/frames.js';
import { quantileOfSorted, sortedCopy } from '../voice/prosody/statistics.js';
import { median } from './robust-statistics.js';

/**
 * Spectral balance of a clip: how much of the voice's energy sits in the higher frequencies.
 * Raised vocal effort (anger, joy, fear: high arousal) strengthens the upper harmonics and
 * flattens the spectrum; soft, lax voices (sadness, boredom) tilt it down. It is one of the most
 * arousal-relevant parameters of eGeMAPS (Eyben et al. 2016) and, being a ratio, does not depend
 * on the recording level.
 */
export interface SpectralTilt {
  /**
   * Hammarberg index (dB): strongest spectral peak in 50-2000 Hz minus the strongest in
   * 2000-4000 Hz, the median over speech frames. Higher = steeper tilt (softer voice). eGeMAPS
   * takes the upper band to 5 kHz; 4 kHz keeps narrow-band phone codecs (AMR-NB) comparable.
   */
  hammarbergDb: number | null;
  /** Speech frames measured. */
  frames: number;
}

const FRAME_SEC = 0.032;
const STEP_SEC = 0.01;
/** Speech frames: within 25 dB of the loud end of the clip and above -70 dBFS, as in prosody. */
const SPEECH_RANGE_DB = 25;
const SILENCE_FLOOR_DB = -70;
const LOW_BAND_HZ: readonly [number, number] = [50, 2000];
const HIGH_BAND_HZ: readonly [number, number] = [2000, 4000];

export function measureSpectralTilt(samples: Float32Array, sampleRate: number): SpectralTilt {
  const frameLength = Math.round(FRAME_SEC * sampleRate);
  const step = Math.round(STEP_SEC * sampleRate);
  if (sampleRate < 2 * HIGH_BAND_HZ[1] || samples.length < frameLength) {
    return { hammarbergDb: null, frames: 0 };
  }
  const size = nextPowerOfTwo(frameLength);
  const fft = fftOfSize(size);
  const window = hannWindow(frameLength);
  const windowPower = window.reduce((sum, w) => sum + w * w, 0);
  const bin = (hz: number): number => Math.round((hz * size) / sampleRate);
  const [lowStart, lowEnd] = [bin(LOW_BAND_HZ[0]), bin(LOW_BAND_HZ[1])];
  const [highStart, highEnd] = [lowEnd, Math.min(bin(HIGH_BAND_HZ[1]), size / 2)];

  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const levels: number[] = [];
  const frameCount = Math.floor((samples.length - frameLength) / step) + 1;
  for (let f = 0; f < frameCount; f++) {
    let mean = 0;
    for (let k = 0; k < frameLength; k++) mean += samples[f * step + k];
    mean /= frameLength;
    let power = 0;
    for (let k = 0; k < frameLength; k++) {
      const x = (samples[f * step + k] - mean) * window[k];
      power += x * x;
    }
    levels.push(10 * Math.log10(power / windowPower + 1e-30));
  }
  const loud = quantileOfSorted(sortedCopy(levels), 0.99)!;
  const threshold = Math.max(loud - SPEECH_RANGE_DB, SILENCE_FLOOR_DB);

  const perFrame: number[] = [];
  for (let f = 0; f < frameCount; f++) {
    if (levels[f] < threshold) continue;
    re.fill(0);
    im.fill(0);
    for (let k = 0; k < frameLength; k++) re[k] = samples[f * step + k] * window[k];
    fft.forward(re, im);
    const lowPeak = peakPower(re, im, lowStart, lowEnd);
    const highPeak = peakPower(re, im, highStart, highEnd);
    if (lowPeak > 0 && highPeak > 0) perFrame.push(10 * Math.log10(lowPeak / highPeak));
  }
  return {
    hammarbergDb: median(perFrame),
    frames: perFrame.length,
  };
}

function peakPower(re: Float64Array, im: Float64Array, from: number, to: number): number {
  let peak = 0;
  for (let k = from; k < to; k++) peak = Math.max(peak, re[k] * re[k] + im[k] * im[k]);
  return peak;
}

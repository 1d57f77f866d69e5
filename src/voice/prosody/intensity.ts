import { frameTime, hannWindow, layoutFrames, windowStart } from './frames.js';
import type { FrameLayout } from './frames.js';

/**
 * Short-term intensity in dB relative to digital full scale (an RMS of 1.0 is 0 dBFS; Praat's
 * dB SPL, which treats samples as pascals, is this plus 93.98 dB). Each frame is the mean power of
 * the mean-subtracted signal under a Hann window 3.2 / minPitch long, Praat's intensity window
 * length, which smooths out the pitch ripple of voices above minPitch (Praat's default 100 Hz
 * gives a 32 ms window).
 */
export interface IntensityTrack {
  readonly layout: FrameLayout;
  readonly db: Float64Array;
}

/** Stands in for log(0) on digital silence; far below any real recording's noise floor. */
export const SILENCE_DB = -300;

export function trackIntensity(
  samples: Float32Array,
  sampleRate: number,
  options: { minPitchHz?: number; timeStep?: number } = {},
): IntensityTrack {
  const minPitchHz = options.minPitchHz ?? 100;
  const timeStep = options.timeStep ?? 0.01;
  const windowLength = 2 * Math.round((3.2 * sampleRate) / minPitchHz / 2);
  const layout = layoutFrames(samples.length, sampleRate, windowLength / sampleRate, timeStep);
  const window = hannWindow(windowLength);
  let windowSum = 0;
  for (const w of window) windowSum += w;
  const db = new Float64Array(layout.count);

  for (let f = 0; f < layout.count; f++) {
    const start = windowStart(frameTime(layout, f), sampleRate, windowLength);
    let weightedSum = 0;
    let weightedSquares = 0;
    for (let j = 0; j < windowLength; j++) {
      const v = samples[start + j];
      weightedSum += window[j] * v;
      weightedSquares += window[j] * v * v;
    }
    const mean = weightedSum / windowSum;
    const power = weightedSquares / windowSum - mean * mean;
    db[f] = power > 1e-30 ? 10 * Math.log10(power) : SILENCE_DB;
  }
  return { layout, db };
}

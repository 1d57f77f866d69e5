import { describe, expect, it } from '@jest/globals';
import { trackIntensity } from './intensity.js';
import { detectSpeech, pausesBetween } from './speech-activity.js';
import {
  alternatingPulses,
  pulsedVowel,
  sineTone,
  whiteNoise,
  withSilences,
} from './synthetic-signals.js';

const RATE = 16000;
const vowel = (sec: number): Float32Array =>
  pulsedVowel(alternatingPulses({ f0Hz: 140, start: 0, end: sec }), sec, RATE);
/** The fine contour analyzeProsody uses for speech activity. */
const contour = (samples: Float32Array) =>
  trackIntensity(samples, RATE, { minPitchHz: 320, timeStep: 0.005 });

describe('trackIntensity', () => {
  it('reports a full-scale sine at -3 dBFS and silence at the floor', () => {
    const tone = trackIntensity(sineTone(1000, 0.5, RATE, 1), RATE);
    for (const db of tone.db) expect(db).toBeCloseTo(-3.01, 1);
    const silence = trackIntensity(new Float32Array(RATE), RATE);
    expect(Math.max(...silence.db)).toBe(-300);
  });
});

describe('detectSpeech and pausesBetween', () => {
  it('measures the pauses between speech, not the silence around it or short gaps', () => {
    // 0.3 s silence, speech, 0.4 s pause, speech, 0.1 s gap (no pause), speech, 0.3 s silence.
    const clip = withSilences([vowel(0.5), vowel(0.5), vowel(0.5)], [0.3, 0.4, 0.1, 0.3], RATE);
    const speech = detectSpeech(contour(clip));
    expect(speech).toHaveLength(2);
    expect(speech[0].start).toBeCloseTo(0.3, 1);
    expect(speech[1].end).toBeCloseTo(2.3, 1);
    const pauses = pausesBetween(speech);
    expect(pauses).toHaveLength(1);
    expect(Math.abs(pauses[0] - 0.4)).toBeLessThan(0.02);
  });

  it('ignores a click in the middle of a pause', () => {
    const click = sineTone(1000, 0.02, RATE, 0.5);
    const pause = withSilences([click], [0.3, 0.3], RATE);
    const clip = withSilences([vowel(0.5), pause, vowel(0.5)], [0, 0, 0, 0], RATE);
    expect(pausesBetween(detectSpeech(contour(clip)))).toEqual([expect.closeTo(0.62, 1)]);
  });

  it('sees no speech in silence and no pause in steady noise', () => {
    expect(detectSpeech(contour(new Float32Array(RATE)))).toEqual([]);
    expect(pausesBetween(detectSpeech(contour(whiteNoise(1, RATE, 0.01))))).toEqual([]);
  });
});

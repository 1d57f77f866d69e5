import { frameTime } from './frames.js';
import { meanHarmonicity, trackHarmonicity } from './harmonicity.js';
import { trackIntensity } from './intensity.js';
import type { IntensityTrack } from './intensity.js';
import { jitterLocal, shimmerLocal } from './perturbation.js';
import { trackPitch } from './pitch.js';
import type { PitchTrack } from './pitch.js';
import { findPulses } from './pulses.js';
import { detectSpeech, pausesBetween, speechThresholdDb } from './speech-activity.js';
import type { Segment } from './speech-activity.js';
import {
  hertzToSemitones,
  linearSlope,
  mean,
  quantileOfSorted,
  sortedCopy,
  standardDeviation,
} from './statistics.js';
import { findSyllableNuclei } from './syllable-nuclei.js';

export interface WordTiming {
  start: number;
  end: number;
  word: string;
}

export interface ProsodyOptions {
  /** Word timestamps from a transcript; when given, the speaking rate counts words. */
  words?: readonly WordTiming[];
}

export type SpeakingRateUnit = 'words_per_sec' | 'syllables_per_sec';

/**
 * Prosodic and voice-quality features of one clip. F0-derived values are null when nothing is
 * voiced; loudness values are null when no speech is detected. See docs/prosody.md.
 */
export interface ProsodyFeatures {
  durationSec: number;
  f0MeanHz: number | null;
  f0MedianHz: number | null;
  f0StdHz: number | null;
  f0StdSemitones: number | null;
  /** 10th to 90th percentile of F0, in semitones. */
  f0RangeSemitones: number | null;
  /** Least-squares slope of F0 (in semitones) over the voiced frames, per second. */
  f0SlopeSemitonesPerSec: number | null;
  /** Voiced pitch frames / all pitch frames. */
  voicedFraction: number;
  /** Mean and spread of the intensity of speech frames, dB re full scale. */
  loudnessMeanDb: number | null;
  loudnessStdDb: number | null;
  /** Fractions (Praat prints them in percent). */
  jitterLocal: number | null;
  shimmerLocal: number | null;
  hnrDb: number | null;
  pauseCount: number;
  pauseMeanSec: number | null;
  pauseLongestSec: number | null;
  speakingRate: number;
  speakingRateUnit: SpeakingRateUnit;
}

export function analyzeProsody(
  samples: Float32Array,
  sampleRate: number,
  options: ProsodyOptions = {},
): ProsodyFeatures {
  const pitch = trackPitch(samples, sampleRate);
  const pulses = findPulses(samples, sampleRate, pitch);
  const intensity = trackIntensity(samples, sampleRate);
  const speech = detectSpeech(speechActivityContour(samples, sampleRate));
  const pauses = pausesBetween(speech);
  const rate =
    options.words && options.words.length > 0
      ? wordRate(options.words)
      : syllableRate(syllableNuclei(samples, sampleRate, pitch), speech);

  return {
    durationSec: samples.length / sampleRate,
    ...pitchStatistics(pitch),
    ...loudnessStatistics(intensity, speech),
    jitterLocal: jitterLocal(pulses),
    shimmerLocal: shimmerLocal(samples, sampleRate, pulses),
    hnrDb: meanHarmonicity(trackHarmonicity(samples, sampleRate)),
    pauseCount: pauses.length,
    pauseMeanSec: mean(pauses),
    pauseLongestSec: pauses.length > 0 ? Math.max(...pauses) : null,
    ...rate,
  };
}

type PitchStatistics = Pick<
  ProsodyFeatures,
  | 'f0MeanHz'
  | 'f0MedianHz'
  | 'f0StdHz'
  | 'f0StdSemitones'
  | 'f0RangeSemitones'
  | 'f0SlopeSemitonesPerSec'
  | 'voicedFraction'
>;

export function pitchStatistics(pitch: PitchTrack): PitchStatistics {
  const hertz: number[] = [];
  const semitones: number[] = [];
  const times: number[] = [];
  for (let f = 0; f < pitch.layout.count; f++) {
    const f0 = pitch.f0Hz[f];
    if (f0 <= 0) continue;
    hertz.push(f0);
    semitones.push(hertzToSemitones(f0));
    times.push(frameTime(pitch.layout, f));
  }
  const sorted = sortedCopy(semitones);
  const p10 = quantileOfSorted(sorted, 0.1);
  const p90 = quantileOfSorted(sorted, 0.9);
  const medianHz = quantileOfSorted(sortedCopy(hertz), 0.5);
  return {
    f0MeanHz: mean(hertz),
    f0MedianHz: medianHz,
    f0StdHz: standardDeviation(hertz),
    f0StdSemitones: standardDeviation(semitones),
    f0RangeSemitones: p10 !== null && p90 !== null ? p90 - p10 : null,
    f0SlopeSemitonesPerSec: linearSlope(times, semitones),
    voicedFraction: pitch.layout.count > 0 ? hertz.length / pitch.layout.count : 0,
  };
}

/**
 * A fine contour (10 ms window, 5 ms step) for finding where speech starts and stops: a longer
 * window would let each stretch of speech bleed into the silence around it and shorten pauses.
 */
function speechActivityContour(samples: Float32Array, sampleRate: number): IntensityTrack {
  return trackIntensity(samples, sampleRate, { minPitchHz: 320, timeStep: 0.005 });
}

/** Intensity of the frames that are both inside detected speech and above the speech threshold. */
function loudnessStatistics(
  intensity: IntensityTrack,
  speech: readonly Segment[],
): Pick<ProsodyFeatures, 'loudnessMeanDb' | 'loudnessStdDb'> {
  const threshold = speechThresholdDb(intensity);
  const levels: number[] = [];
  let segment = 0;
  for (let f = 0; f < intensity.layout.count; f++) {
    const t = frameTime(intensity.layout, f);
    while (segment < speech.length && speech[segment].end < t) segment++;
    const inSpeech = segment < speech.length && speech[segment].start <= t;
    if (inSpeech && intensity.db[f] >= threshold) levels.push(intensity.db[f]);
  }
  return { loudnessMeanDb: mean(levels), loudnessStdDb: standardDeviation(levels) };
}

/** De Jong & Wempe (2009) look for nuclei in a smoother contour: 50 Hz minimum pitch, 64 ms. */
function syllableNuclei(samples: Float32Array, sampleRate: number, pitch: PitchTrack): number[] {
  const smooth = trackIntensity(samples, sampleRate, { minPitchHz: 50 });
  return findSyllableNuclei(smooth, pitch, speechThresholdDb(smooth));
}

type SpeakingRate = Pick<ProsodyFeatures, 'speakingRate' | 'speakingRateUnit'>;

/** Words per second from the first word's start to the last word's end. */
export function wordRate(words: readonly WordTiming[]): SpeakingRate {
  let start = Infinity;
  let end = -Infinity;
  for (const word of words) {
    start = Math.min(start, word.start);
    end = Math.max(end, word.end);
  }
  return {
    speakingRate: end > start ? words.length / (end - start) : 0,
    speakingRateUnit: 'words_per_sec',
  };
}

/**
 * Syllable nuclei per second from the start of the first speech to the end of the last, so
 * leading and trailing silence (but not the pauses) are left out.
 */
function syllableRate(nuclei: readonly number[], speech: readonly Segment[]): SpeakingRate {
  const span = speech.length > 0 ? speech[speech.length - 1].end - speech[0].start : 0;
  return {
    speakingRate: span > 0 ? nuclei.length / span : 0,
    speakingRateUnit: 'syllables_per_sec',
  };
}

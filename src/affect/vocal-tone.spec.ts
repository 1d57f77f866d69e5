import { describe, expect, it } from '@jest/globals';
import { sampleProsodyFeatures } from './sample-features.js';
import { emptyVoiceBaseline, updateVoiceBaseline } from './voice-baseline.js';
import type { VoiceBaseline } from './voice-baseline.js';
import { voiceCueValues } from './voice-cues.js';
import { assessVocalTone } from './vocal-tone.js';
import type { ProsodyFeatures } from '../voice/prosody/analyze-prosody.js';
import type { SpectralTilt } from './spectral-tilt.js';

const tilt = (hammarbergDb: number): SpectralTilt => ({ hammarbergDb, frames: 200 });
const semitonesUp = (hz: number, st: number): number => hz * 2 ** (st / 12);

/** Twenty ordinary messages of one user: the same voice, varying a little. */
function usualBaseline(clips = 20): VoiceBaseline {
  let baseline = emptyVoiceBaseline();
  for (let i = 0; i < clips; i++) {
    const wobble = ((i * 7) % 5) - 2; // -2..2, deterministic
    const features = sampleProsodyFeatures({
      f0MedianHz: semitonesUp(200, wobble * 0.4),
      f0RangeSemitones: 6 + wobble * 0.4,
      loudnessMeanDb: -24 + wobble * 0.8,
      speakingRate: 4 + wobble * 0.15,
      pauseCount: i % 2,
      pauseMeanSec: i % 2 ? 0.3 : null,
      jitterLocal: 0.012 * (1 + wobble * 0.05),
    });
    baseline = updateVoiceBaseline(baseline, voiceCueValues(features, tilt(12 + wobble * 0.4)));
  }
  return baseline;
}

const usual = usualBaseline();
const lively: ProsodyFeatures = sampleProsodyFeatures({
  f0MedianHz: semitonesUp(200, 3),
  f0RangeSemitones: 8,
  loudnessMeanDb: -18,
  speakingRate: 5,
});
const flat: ProsodyFeatures = sampleProsodyFeatures({
  f0MedianHz: semitonesUp(200, -2.5),
  f0RangeSemitones: 3,
  loudnessMeanDb: -30,
  speakingRate: 3,
  pauseCount: 3,
  pauseMeanSec: 0.5,
  pauseLongestSec: 0.7,
});

describe('assessVocalTone', () => {
  it('reads the usual voice as usual', () => {
    const tone = assessVocalTone(sampleProsodyFeatures(), tilt(12), usual);
    expect(Math.abs(tone.arousal.value!)).toBeLessThan(0.15);
    expect(tone.tension.value).toBe(0);
    expect(tone.arousal.confidence).toBeGreaterThan(0.6);
  });

  it('reads a higher, louder, faster, brighter voice as aroused and the opposite as low', () => {
    const up = assessVocalTone(lively, tilt(10), usual);
    const down = assessVocalTone(flat, tilt(14), usual);
    expect(up.arousal.value).toBeGreaterThan(0.6);
    expect(down.arousal.value).toBeLessThan(-0.6);
    expect(up.arousal.cues).toEqual(['pitch', 'tilt', 'loudness', 'rateSyllables']);
    expect(down.hesitancy.value).toBeGreaterThan(0.5);
    expect(up.hesitancy.value).toBeLessThan(down.hesitancy.value!);
    expect(up.arousal.confidence).toBeGreaterThan(0.6);
  });

  it('sees tension only where activation comes with a narrowed pitch range', () => {
    const tense = sampleProsodyFeatures({ f0MedianHz: semitonesUp(200, 3), f0RangeSemitones: 3 });
    const excited = sampleProsodyFeatures({ f0MedianHz: semitonesUp(200, 3), f0RangeSemitones: 9 });
    const flatLow = sampleProsodyFeatures({
      f0MedianHz: semitonesUp(200, -3),
      f0RangeSemitones: 3,
    });
    expect(assessVocalTone(tense, tilt(10), usual).tension.value).toBeGreaterThan(0.4);
    expect(assessVocalTone(excited, tilt(10), usual).tension.value).toBe(0);
    expect(assessVocalTone(flatLow, tilt(14), usual).tension.value).toBe(0);
    // without the user's range there is no tension estimate at all
    expect(assessVocalTone(tense, tilt(10), emptyVoiceBaseline()).tension.value).toBeNull();
  });

  it('is less confident at cold start, with pitch alone on population norms', () => {
    const cold = assessVocalTone(lively, tilt(10), emptyVoiceBaseline());
    const mature = assessVocalTone(lively, tilt(10), usual);
    expect(cold.arousal.cues).toEqual(['pitch']);
    expect(cold.arousal.confidence).toBeLessThan(0.3);
    expect(cold.arousal.confidence).toBeLessThan(mature.arousal.confidence / 2);
    expect(cold.baseline).toEqual({ clips: 0, maturity: 0 });
    const few = assessVocalTone(lively, tilt(10), usualBaseline(3));
    expect(few.arousal.confidence).toBeGreaterThan(cold.arousal.confidence);
    expect(few.arousal.confidence).toBeLessThan(mature.arousal.confidence);
  });

  it('is less confident on short, barely voiced or noisy clips', () => {
    const good = assessVocalTone(lively, tilt(10), usual).arousal.confidence;
    const short = assessVocalTone({ ...lively, durationSec: 0.6 }, tilt(10), usual);
    const unvoiced = assessVocalTone({ ...lively, voicedFraction: 0.12 }, tilt(10), usual);
    const noisy = assessVocalTone({ ...lively, hnrDb: 3 }, tilt(10), usual);
    for (const tone of [short, unvoiced, noisy]) {
      expect(tone.arousal.confidence).toBeLessThan(good * 0.7);
    }
    expect(short.quality.issues).toContain('short');
    expect(unvoiced.quality.issues).toContain('little_voicing');
    expect(noisy.quality.issues).toContain('noisy');
  });

  it('is less confident when cues are missing or disagree', () => {
    const all = assessVocalTone(lively, tilt(10), usual).arousal;
    const noTilt = assessVocalTone(lively, null, usual).arousal;
    const noPitch = assessVocalTone({ ...lively, f0MedianHz: null }, tilt(10), usual).arousal;
    expect(noTilt.confidence).toBeLessThan(all.confidence);
    expect(noPitch.confidence).toBeLessThan(all.confidence);
    const mixed = sampleProsodyFeatures({ f0MedianHz: semitonesUp(200, 3), loudnessMeanDb: -30 });
    const agreeing = sampleProsodyFeatures({
      f0MedianHz: semitonesUp(200, 3),
      loudnessMeanDb: -18,
    });
    expect(assessVocalTone(mixed, tilt(12), usual).arousal.confidence).toBeLessThan(
      assessVocalTone(agreeing, tilt(12), usual).arousal.confidence,
    );
  });

  it('returns no estimate, with zero confidence, when nothing could be measured', () => {
    const silent = sampleProsodyFeatures({
      f0MeanHz: null,
      f0MedianHz: null,
      f0StdHz: null,
      f0StdSemitones: null,
      f0RangeSemitones: null,
      f0SlopeSemitonesPerSec: null,
      voicedFraction: 0,
      loudnessMeanDb: null,
      loudnessStdDb: null,
      jitterLocal: null,
      shimmerLocal: null,
      hnrDb: null,
      pauseCount: 0,
      pauseMeanSec: null,
      pauseLongestSec: null,
      speakingRate: 0,
    });
    const tone = assessVocalTone(silent, { hammarbergDb: null, frames: 0 }, usual);
    for (const estimate of [tone.arousal, tone.tension, tone.hesitancy]) {
      expect(estimate.value).toBeNull();
      expect(estimate.confidence).toBe(0);
    }
    expect(tone.quality.score).toBe(0);
  });

  it('leaves out ignored cues', () => {
    const tone = assessVocalTone(lively, tilt(10), usual, {
      ignore: ['loudness', 'rateSyllables'],
    });
    expect(tone.arousal.cues).toEqual(['pitch', 'tilt']);
  });

  it('keeps words-per-second and syllables-per-second rates apart', () => {
    const withWords = sampleProsodyFeatures({
      speakingRate: 2.5,
      speakingRateUnit: 'words_per_sec',
    });
    const tone = assessVocalTone(withWords, tilt(12), usual);
    // no word-rate history yet: the rate cue is simply absent, not compared with syllables
    expect(tone.deviations.rateWords).toBeUndefined();
    expect(tone.deviations.rateSyllables).toBeUndefined();
  });
});

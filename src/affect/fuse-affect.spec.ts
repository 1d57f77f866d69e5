import { describe, expect, it } from '@jest/globals';
import type { ClipQuality } from './clip-quality.js';
import { detectIncongruence, fuseAffect } from './fuse-affect.js';
import { classifyText } from './lexicon-text-emotion.js';
import type { TextEmotion } from './text-emotion.js';
import type { VocalEstimate, VocalTone } from './vocal-tone.js';

const GOOD: ClipQuality = { score: 0.95, issues: [] };
const estimate = (value: number | null, confidence: number): VocalEstimate => ({
  value,
  score: value === null ? null : Math.atanh(Math.max(-0.99, Math.min(0.99, value))) * 1.5,
  confidence,
  cues: [],
});

/** A vocal tone with the given readings and z-scores for the evidence. */
function tone(options: {
  arousal: number;
  confidence?: number;
  tension?: number;
  hesitancy?: number;
  z?: Partial<Record<'pitch' | 'loudness' | 'rateSyllables' | 'pitchRange', number>>;
  clips?: number;
}): VocalTone {
  const confidence = options.confidence ?? 0.8;
  return {
    arousal: estimate(options.arousal, confidence),
    tension: estimate(options.tension ?? 0, confidence * 0.9),
    hesitancy: estimate(options.hesitancy ?? 0, confidence),
    quality: GOOD,
    baseline: { clips: options.clips ?? 30, maturity: 0.86 },
    deviations: Object.fromEntries(
      Object.entries(options.z ?? {}).map(([cue, z]) => [
        cue,
        { value: 0, z, reliability: 0.9, source: 'personal', clips: options.clips ?? 30 },
      ]),
    ),
  };
}

const fine = classifyText("I'm fine");
const greatDay: TextEmotion = classifyText('I had a great day!');
const sad = classifyText('I feel so sad today');

describe('fuseAffect', () => {
  it('typed text: the words alone, no voice fields', () => {
    const affect = fuseAffect(sad, null);
    expect(affect.valence).toBe(sad.valence);
    expect(affect.arousal).toBe(sad.arousal);
    expect(affect.label).toBe('sadness');
    expect(affect.labels).toEqual(['sadness']);
    expect(affect.vocal).toBeNull();
    expect(affect.incongruence).toBeNull();
    expect(affect.valenceConfidence).toBe(sad.confidence);
    expect(affect.evidence.map((e) => e.code)).toEqual(['text_sadness']);
  });

  it('takes arousal mostly from the voice, valence from the words', () => {
    const affect = fuseAffect(greatDay, tone({ arousal: 0.8, z: { pitch: 2.5 } }));
    expect(affect.valence).toBe(greatDay.valence);
    // voice weight 0.8 against text 0.5 x confidence
    const textWeight = 0.5 * greatDay.confidence;
    expect(affect.arousal).toBeCloseTo(
      (0.8 * 0.8 + greatDay.arousal * textWeight) / (0.8 + textWeight),
      2,
    );
    expect(affect.arousalConfidence).toBeGreaterThan(0.8);
    expect(affect.arousalConfidence).toBeLessThanOrEqual(0.95);
    expect(affect.incongruence).toBeNull();
  });

  it('"I\'m fine" said slowly, quietly and flat: incongruent, valence pulled down', () => {
    const flat = tone({
      arousal: -0.7,
      hesitancy: 0.6,
      z: { rateSyllables: -2.2, loudness: -2.5, pitchRange: -1.6 },
    });
    const affect = fuseAffect(fine, flat);
    expect(affect.incongruence?.kind).toBe('positive_words_low_voice');
    expect(affect.incongruence!.score).toBeGreaterThan(0.4);
    expect(affect.valence).toBeLessThan(0);
    expect(affect.label).toBe('fatigue');
    expect(affect.labels).toEqual(['fatigue', 'calm']);
    expect(affect.valenceConfidence).toBeLessThan(fine.confidence);
    const codes = affect.evidence.map((e) => e.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'text_hedged',
        'voice_speaking',
        'voice_pitch_range_down',
        'incongruent_positive_words_low_voice',
      ]),
    );
    const speaking = affect.evidence.find((e) => e.code === 'voice_speaking')!;
    expect(speaking.en).toBe('speaking much slower and quieter than usual');
    expect(speaking.zh).toBe('说话比平时慢很多、声音更轻');
    const range = affect.evidence.find((e) => e.code === 'voice_pitch_range_down')!;
    expect(range.en).toBe('pitch range narrower than usual (flatter)');
    expect(range.zh).toBe('语调比平时平');

    // the same words in the user's usual voice are not incongruent
    const usual = fuseAffect(fine, tone({ arousal: 0.05 }));
    expect(usual.incongruence).toBeNull();
    expect(usual.valence).toBe(fine.valence);
  });

  it('hedges its words by confidence and never states certainty', () => {
    const weak = fuseAffect(fine, tone({ arousal: -0.6, confidence: 0.45 }));
    const strong = fuseAffect(
      classifyText('I had a great day!!'),
      tone({ arousal: -0.95, confidence: 0.9 }),
    );
    const weakText = weak.evidence.find((e) => e.source === 'fusion')!;
    const strongText = strong.evidence.find((e) => e.source === 'fusion')!;
    expect(weakText.en).toContain('may not be');
    expect(weakText.zh).toContain('可能');
    expect(strongText.en).toContain('likely');
    expect(strongText.zh).toContain('很可能');
    for (const e of [...weak.evidence, ...strong.evidence]) {
      expect(e.en).not.toMatch(/\b(certainly|definitely|is not fine)\b/);
    }
  });

  it('does not call incongruence on a weak or uncertain voice', () => {
    expect(fuseAffect(fine, tone({ arousal: -0.7, confidence: 0.1 })).incongruence).toBeNull();
    expect(fuseAffect(fine, tone({ arousal: -0.15 })).incongruence).toBeNull();
  });

  it('reads a tense voice under reassuring words as anxiety', () => {
    const affect = fuseAffect(fine, tone({ arousal: 0.5, tension: 0.7 }));
    expect(affect.incongruence?.kind).toBe('positive_words_tense_voice');
    expect(affect.label).toBe('anxiety');
  });

  it('flags sad words in a lively voice but leaves their valence alone', () => {
    const affect = fuseAffect(sad, tone({ arousal: 0.8 }));
    expect(affect.incongruence?.kind).toBe('low_words_lively_voice');
    expect(affect.valence).toBe(sad.valence);
    expect(affect.label).toBe('sadness');
  });

  it('voice only (no transcript): arousal and a vocal label, no valence claim', () => {
    const affect = fuseAffect(null, tone({ arousal: -0.6 }));
    expect(affect.valence).toBe(0);
    expect(affect.valenceConfidence).toBe(0);
    expect(affect.label).toBe('fatigue');
    expect(affect.confidence).toBeLessThanOrEqual(0.5);
  });

  it('detectIncongruence needs both sides: geometric mean of the two strengths', () => {
    const voice = tone({ arousal: -0.8, confidence: 0.9 });
    const low = 0.8 * 0.9;
    const claimed = Math.min(1, Math.max(0, fine.valence) + 0.3);
    expect(detectIncongruence(fine, voice)!.score).toBeCloseTo(Math.sqrt(claimed * low), 3);
    expect(detectIncongruence(classifyText('the bus was late'), voice)).toBeNull();
  });
});

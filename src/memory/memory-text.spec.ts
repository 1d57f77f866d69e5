import { describe, expect, it } from '@jest/globals';
import { dedupeKey, looksSensitive, termOverlap, textLanguage } from './memory-text.js';

describe('memory text', () => {
  it('gives texts that differ only in case, width and punctuation the same key', () => {
    expect(dedupeKey('Has a sister named Anna.')).toBe(dedupeKey('has a sister named anna'));
    expect(dedupeKey('有一个姐姐，叫安娜。')).toBe(dedupeKey('有一个姐姐 叫安娜'));
    expect(dedupeKey('Has a sister named Anna')).not.toBe(dedupeKey('Has a brother named Anna'));
  });

  it('measures how alike two statements are, in both languages', () => {
    expect(
      termOverlap(
        'Works as a nurse at the city hospital',
        'works as a nurse at the city hospital now',
      ),
    ).toBeGreaterThan(0.8);
    expect(termOverlap('Works as a nurse', 'Loves hiking in the mountains')).toBe(0);
    expect(termOverlap('在医院当护士', '在市医院当护士')).toBeGreaterThan(0.4);
  });

  it('marks health, trauma and self-harm as sensitive in English and Chinese', () => {
    expect(looksSensitive('Was diagnosed with depression last year')).toBe(true);
    expect(looksSensitive('曾经有过自残的经历')).toBe(true);
    expect(looksSensitive('Likes green tea')).toBe(false);
    expect(looksSensitive('喜欢喝绿茶')).toBe(false);
  });

  it('tells Chinese from English', () => {
    expect(textLanguage('我有一个姐姐')).toBe('zh');
    expect(textLanguage('I have a sister')).toBe('en');
  });
});

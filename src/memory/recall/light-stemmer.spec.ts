import { describe, expect, it } from '@jest/globals';
import { stem } from './light-stemmer.js';

describe('stem', () => {
  it('gives the inflections of a word one key', () => {
    const keys = (words: string[]) => new Set(words.map(stem));
    expect(keys(['hike', 'hikes', 'hiked', 'hiking'])).toEqual(new Set(['hik']));
    expect(keys(['study', 'studies', 'studied', 'studying'])).toEqual(new Set(['studi']));
    expect(keys(['paint', 'paints', 'painted', 'painting'])).toEqual(new Set(['paint']));
    expect(keys(['run', 'running'])).toEqual(new Set(['run']));
    expect(keys(['play', 'plays', 'played', 'playing'])).toEqual(new Set(['play']));
    expect(keys(['box', 'boxes'])).toEqual(new Set(['box']));
  });

  it('leaves alone words that only look inflected', () => {
    expect(stem('thing')).toBe('thing');
    expect(stem('bring')).toBe('bring');
    expect(stem('need')).toBe('need');
    expect(stem('class')).toBe('class');
    expect(stem('famous')).toBe('famous');
    expect(stem('falling')).toBe('fall');
  });

  it('leaves short words, numbers and non-Latin words as they are', () => {
    expect(stem('dog')).toBe('dog');
    expect(stem('2023')).toBe('2023');
    expect(stem('café')).toBe('café');
  });
});

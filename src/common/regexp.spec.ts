import { describe, expect, it } from '@jest/globals';
import { escapeRegExp } from './regexp.js';

describe('escapeRegExp', () => {
  const texts = [
    'self-harm',
    'c++',
    'a.b*c?',
    '(x|y)',
    '[1-2]{3}',
    '^$\\/',
    '<|im_end|>',
    '温柔-的',
  ];

  it.each(texts)('matches %s literally, with and without the u flag', (text) => {
    for (const flags of ['', 'u']) {
      const re = new RegExp(`^${escapeRegExp(text)}$`, flags);
      expect([flags, re.test(text)]).toEqual([flags, true]);
    }
  });

  it('matches nothing but the text itself', () => {
    expect(new RegExp(`^${escapeRegExp('a.c')}$`, 'u').test('abc')).toBe(false);
    expect(new RegExp(`^${escapeRegExp('a+')}$`, 'u').test('aa')).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { cachedTokenCounter } from './token-count-cache.js';

describe('cachedTokenCounter', () => {
  it('counts each text once while it stays among the most recent', () => {
    const counted: string[] = [];
    const count = cachedTokenCounter((t) => {
      counted.push(t);
      return t.length;
    }, 2);
    expect(count('aa')).toBe(2);
    expect(count('bbb')).toBe(3);
    expect(count('aa')).toBe(2); // cached; now the most recent
    expect(count('c')).toBe(1); // evicts 'bbb', the least recent
    expect(count('aa')).toBe(2);
    expect(count('bbb')).toBe(3);
    expect(counted).toEqual(['aa', 'bbb', 'c', 'bbb']);
  });

  it('keeps texts within maxChars characters in all', () => {
    const counted: string[] = [];
    const count = cachedTokenCounter(
      (t) => {
        counted.push(t);
        return t.length;
      },
      100,
      6,
    );
    count('abc');
    count('def');
    count('abc'); // cached
    count('ghij'); // 3 + 3 + 4 > 6: 'def', then 'abc' go
    count('abc');
    count('toolongtext'); // never kept
    count('toolongtext');
    expect(counted).toEqual(['abc', 'def', 'ghij', 'abc', 'toolongtext', 'toolongtext']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('drops the least recently used entry past maxEntries', () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // now the most recent
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('keeps the total weight within maxWeight, dropping the least recent first', () => {
    const cache = new LruCache<string, string>({
      maxEntries: 100,
      maxWeight: 10,
      weigh: (key, value) => key.length + value.length,
    });
    cache.set('ab', 'cd'); // 4
    cache.set('ef', 'gh'); // 8
    cache.get('ab');
    cache.set('ij', 'kl'); // 12 > 10: 'ef' goes
    expect(cache.get('ef')).toBeUndefined();
    expect(cache.get('ab')).toBe('cd');
    expect(cache.totalWeight).toBe(8);
    cache.set('ab', 'cdefgh'); // replaced: 8 + 4 = 12 > 10: 'ij' goes
    expect(cache.get('ij')).toBeUndefined();
    expect(cache.totalWeight).toBe(8);
    cache.set('x', 'y'.repeat(20)); // heavier than the whole cache: not kept, nothing dropped
    expect(cache.get('x')).toBeUndefined();
    expect(cache.get('ab')).toBe('cdefgh');
    expect(cache.size).toBe(1);
  });

  it('refuses a cache with no room', () => {
    expect(() => new LruCache({ maxEntries: 0 })).toThrow(/room/);
    expect(() => new LruCache({ maxEntries: 5, maxWeight: 0 })).toThrow(/room/);
  });
});

import { describe, expect, it } from '@jest/globals';
import { fnv1a32, unitOf } from './fnv.js';

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors', () => {
    // From the FNV reference (isthe.com/chongo/tech/comp/fnv): offset basis, "a", "foobar".
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes, so non-ASCII ids are stable', () => {
    expect(fnv1a32('用户')).toBe(fnv1a32('用户'));
    expect(fnv1a32('用户')).not.toBe(fnv1a32('用戶'));
  });

  it('spreads ids evenly over [0, 1)', () => {
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) buckets[Math.floor(unitOf(`exp:user-${i}`) * 4)]++;
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(400);
  });
});

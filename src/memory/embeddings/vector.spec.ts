import { describe, expect, it } from '@jest/globals';
import { cosine, decodeVector, encodeVector, normalize } from './vector.js';

/** A deterministic pseudo-random vector (xorshift), components in -1..1. */
function randomVector(dims: number, seed: number): Float32Array {
  let x = seed >>> 0 || 1;
  return Float32Array.from({ length: dims }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 0xffffffff) * 2 - 1;
  });
}

function floatCosine(a: Float32Array, b: Float32Array): number {
  const ua = normalize(a);
  const ub = normalize(b);
  return ua.reduce((sum, v, i) => sum + v * ub[i], 0);
}

describe('stored vectors', () => {
  it('keep one byte per dimension and cosine within 0.01 of float32', () => {
    let worst = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const a = randomVector(1024, seed);
      // Half related to a, half its own: cosines spread over the useful range.
      const b = randomVector(1024, seed + 1000).map((v, i) => v + (seed % 5) * 0.3 * a[i]);
      const bytes = encodeVector(b);
      expect(bytes.length).toBe(1024);
      const stored = decodeVector(bytes)!;
      worst = Math.max(worst, Math.abs(cosine(normalize(a), stored)! - floatCosine(a, b)));
    }
    expect(worst).toBeLessThan(0.01);
  });

  it('gives 1 for the same direction and -1 for the opposite one, whatever the length', () => {
    const v = randomVector(64, 7);
    expect(cosine(normalize(v), decodeVector(encodeVector(v.map((x) => x * 40)))!)).toBeCloseTo(
      1,
      3,
    );
    expect(cosine(normalize(v), decodeVector(encodeVector(v.map((x) => -x)))!)).toBeCloseTo(-1, 3);
  });

  it('refuses to compare vectors of different dimensions (another model)', () => {
    expect(
      cosine(normalize(randomVector(64, 1)), decodeVector(encodeVector(randomVector(32, 2)))!),
    ).toBeNull();
  });

  it('reads nothing from a missing, empty or zero value', () => {
    expect(decodeVector(null)).toBeNull();
    expect(decodeVector(Buffer.alloc(0))).toBeNull();
    expect(decodeVector(encodeVector(new Float32Array(8)))).toBeNull();
  });
});

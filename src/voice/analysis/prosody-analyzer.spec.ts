import { afterAll, describe, expect, it } from '@jest/globals';
import { ProsodyAnalyzer } from './prosody-analyzer.js';

/** A 1.5 s vowel-like pulse train at 120 Hz. */
function voice(f0 = 120, seconds = 1.5, rate = 16000): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    out[i] = 0.3 * Math.sin(2 * Math.PI * f0 * t) + 0.15 * Math.sin(2 * Math.PI * 2 * f0 * t);
  }
  return out;
}

const pool = new ProsodyAnalyzer(2);
afterAll(() => pool.close());

describe('ProsodyAnalyzer', () => {
  it('analyses on worker threads and gives the same figures as the calling thread', async () => {
    const samples = voice();
    const [threaded, inline] = await Promise.all([
      pool.analyze(samples, 16000),
      new ProsodyAnalyzer(0).analyze(samples, 16000),
    ]);
    expect(threaded.features.f0MedianHz).toBeCloseTo(120, 0);
    expect(threaded.spectral).toEqual(inline.spectral);
    expect(threaded).toEqual(inline);
    expect(samples[100]).not.toBe(0); // the caller's samples are intact
  });

  it('queues more jobs than workers and answers each', async () => {
    const results = await Promise.all(
      [110, 150, 200, 250].map((f0) => pool.analyze(voice(f0), 16000)),
    );
    expect(results.map((r) => Math.round(r.features.f0MedianHz!))).toEqual([110, 150, 200, 250]);
  });
});

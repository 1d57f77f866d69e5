import { afterAll, describe, expect, it } from '@jest/globals';
import { AnalysisRefused, ProsodyAnalyzer } from './prosody-analyzer.js';

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

  it('refuses at once when its line is full, and answers what it took', async () => {
    const small = new ProsodyAnalyzer(1, { maxQueue: 1, timeoutMs: 30_000 });
    try {
      const taken = [small.analyze(voice(), 16000), small.analyze(voice(140), 16000)];
      await expect(small.analyze(voice(), 16000)).rejects.toEqual(new AnalysisRefused('busy'));
      const done = await Promise.all(taken);
      expect(Math.round(done[1].features.f0MedianHz!)).toBe(140);
    } finally {
      await small.close();
    }
  });

  it('gives up on an analysis that runs too long, and the next one is answered', async () => {
    const slow = new ProsodyAnalyzer(1, { maxQueue: 4, timeoutMs: 5 });
    try {
      await expect(slow.analyze(voice(120, 20), 16000)).rejects.toEqual(
        new AnalysisRefused('timeout'),
      );
    } finally {
      await slow.close();
    }
    const again = new ProsodyAnalyzer(1, { maxQueue: 4, timeoutMs: 30_000 });
    try {
      expect((await again.analyze(voice(), 16000)).features.f0MedianHz).toBeCloseTo(120, 0);
    } finally {
      await again.close();
    }
  });
});

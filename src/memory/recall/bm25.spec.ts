import { describe, expect, it } from '@jest/globals';
import { bm25Scores, unitStats } from './bm25.js';

const units = [
  ['exam', 'chemistry', 'tuesday'],
  ['sister', 'amy', 'visit'],
  ['exam', 'exam', 'exam', 'stress'],
  ['dinner', 'sister'],
  ['walk', 'dog', 'park', 'morning', 'sun', 'tree', 'bird', 'exam'],
];
const single = units.map((_u, i) => ({ first: i, last: i }));

describe('bm25Scores', () => {
  it('scores only documents that share a term with the query', () => {
    const stats = unitStats(units, ['amy']);
    const scores = bm25Scores(stats, single, [1]);
    expect(Array.from(scores).map((s) => s > 0)).toEqual([false, true, false, false, false]);
  });

  it('weighs rare terms more than common ones', () => {
    const stats = unitStats(units, ['exam', 'amy']);
    expect(stats.idf[1]).toBeGreaterThan(stats.idf[0]);
  });

  it('saturates term frequency and normalises length', () => {
    const stats = unitStats(units, ['exam']);
    const s = bm25Scores(stats, single, [1]);
    // Three times the term is more, but far from three times the score.
    expect(s[2]).toBeGreaterThan(s[0]);
    expect(s[2]).toBeLessThan(2 * s[0]);
    // The same single occurrence counts for less in a long document.
    expect(s[4]).toBeLessThan(s[0]);
  });

  it('scores a window as the concatenation of its units, statistics staying per unit', () => {
    const stats = unitStats(units, ['sister', 'dinner']);
    const [window] = bm25Scores(stats, [{ first: 1, last: 3 }], [1, 1]);
    const [alone] = bm25Scores(stats, [{ first: 3, last: 3 }], [1, 1]);
    expect(window).toBeGreaterThan(alone);
    expect(stats.idf[0]).toBeCloseTo(Math.log(1 + (5 - 2 + 0.5) / (2 + 0.5)));
  });

  it('scales each query term by its weight', () => {
    const stats = unitStats(units, ['amy']);
    const [full] = bm25Scores(stats, [{ first: 1, last: 1 }], [1]);
    const [half] = bm25Scores(stats, [{ first: 1, last: 1 }], [0.5]);
    expect(half).toBeCloseTo(full / 2);
  });
});

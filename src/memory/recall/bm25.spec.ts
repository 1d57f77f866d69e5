import { describe, expect, it } from '@jest/globals';
import { bm25Scores, documentFrequency, indexUnits, termStats } from './bm25.js';

const units = [
  ['exam', 'chemistry', 'tuesday'],
  ['sister', 'amy', 'visit'],
  ['exam', 'exam', 'exam', 'stress'],
  ['dinner', 'sister'],
  ['walk', 'dog', 'park', 'morning', 'sun', 'tree', 'bird', 'exam'],
];
const single = units.map((_u, i) => ({ first: i, last: i }));
const unitStats = (terms: string[]) => termStats(indexUnits(units), terms);

describe('bm25Scores', () => {
  it('scores only documents that share a term with the query', () => {
    const stats = unitStats(['amy']);
    const scores = bm25Scores(stats, single, [1]);
    expect(Array.from(scores).map((s) => s > 0)).toEqual([false, true, false, false, false]);
  });

  it('weighs rare terms more than common ones', () => {
    const stats = unitStats(['exam', 'amy']);
    expect(stats.idf[1]).toBeGreaterThan(stats.idf[0]);
  });

  it('saturates term frequency and normalises length', () => {
    const stats = unitStats(['exam']);
    const s = bm25Scores(stats, single, [1]);
    // Three times the term is more, but far from three times the score.
    expect(s[2]).toBeGreaterThan(s[0]);
    expect(s[2]).toBeLessThan(2 * s[0]);
    // The same single occurrence counts for less in a long document.
    expect(s[4]).toBeLessThan(s[0]);
  });

  it('scores a window as the concatenation of its units, statistics staying per unit', () => {
    const stats = unitStats(['sister', 'dinner']);
    const [window] = bm25Scores(stats, [{ first: 1, last: 3 }], [1, 1]);
    const [alone] = bm25Scores(stats, [{ first: 3, last: 3 }], [1, 1]);
    expect(window).toBeGreaterThan(alone);
    expect(stats.idf[0]).toBeCloseTo(Math.log(1 + (5 - 2 + 0.5) / (2 + 0.5)));
  });

  it('scales each query term by its weight', () => {
    const stats = unitStats(['amy']);
    const [full] = bm25Scores(stats, [{ first: 1, last: 1 }], [1]);
    const [half] = bm25Scores(stats, [{ first: 1, last: 1 }], [0.5]);
    expect(half).toBeCloseTo(full / 2);
  });
});

describe('termStats', () => {
  /** The statistics counted straight from the units, a pass per question. */
  function counted(corpus: string[][], queryTerms: string[]) {
    const termCounts = corpus.map((terms) => {
      const counts = new Map<number, number>();
      queryTerms.forEach((t, q) => {
        const n = terms.filter((x) => x === t).length;
        if (n > 0) counts.set(q, n);
      });
      return counts.size > 0 ? counts : undefined;
    });
    const df = queryTerms.map((t) => corpus.filter((terms) => terms.includes(t)).length);
    return { termCounts, lengths: corpus.map((t) => t.length), df };
  }

  it('reads from the index what counting the units gives, for any terms asked', () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const vocabulary = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (let round = 0; round < 20; round++) {
      const corpus = Array.from({ length: 1 + Math.floor(random() * 30) }, () =>
        Array.from(
          { length: Math.floor(random() * 12) },
          () => vocabulary[Math.floor(random() * 8)],
        ),
      );
      const index = indexUnits(corpus);
      const asked = vocabulary.filter(() => random() < 0.5).concat(['missing']);
      const stats = termStats(index, asked);
      const expected = counted(corpus, asked);
      expect(stats.termCounts.map((m) => (m ? [...m].sort() : undefined))).toEqual(
        expected.termCounts.map((m) => (m ? [...m].sort() : undefined)),
      );
      expect(Array.from(stats.lengths)).toEqual(expected.lengths);
      expect(asked.map((t) => documentFrequency(index, t))).toEqual(expected.df);
      expect(Array.from(stats.idf)).toEqual(
        expected.df.map((d) => Math.log(1 + (corpus.length - d + 0.5) / (d + 0.5))),
      );
    }
  });
});

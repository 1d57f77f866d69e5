/**
 * BM25 (Robertson & Zaragoza 2009) over a corpus small enough to score in one pass per query: a
 * user's units (turns and memories), a few hundred to a few thousand, each a few dozen terms.
 *
 * Statistics (document frequency, IDF) are taken over the *units*: each turn or memory counts
 * once, however many overlapping windows later contain it. Scored *documents* are runs of
 * consecutive units (a turn window: a turn and its neighbours), scored as their concatenation:
 * term frequencies and lengths are summed before the saturation by k1, as BM25F does with fields.
 */
export interface Bm25Params {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalisation: 0 none, 1 full. */
  b: number;
}

/** The classic defaults; see the docs (docs/memory-recall.md) for why they are kept. */
export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

/** One scored document: a run of consecutive units, first to last inclusive. */
export interface Bm25Doc {
  first: number;
  last: number;
}

/** Counts of the query's terms in each unit, and the units' lengths: all scoring needs. */
export interface UnitStats {
  /**
   * termCounts[unit] maps query-term index to its count in that unit; undefined when the unit has
   * none of the query's terms (most units: nothing is allocated for them).
   */
  termCounts: Array<Map<number, number> | undefined>;
  lengths: Float64Array;
  /** IDF of each query term over the units. */
  idf: Float64Array;
}

/**
 * Where each term occurs: the units it is in (ascending, each once) with its count there, and
 * each unit's length. Built in one pass over the units' terms; every query term's statistics and
 * document frequency are then read from it, not from another pass.
 */
export interface TermIndex {
  postings: Map<string, { units: number[]; counts: number[] }>;
  lengths: Float64Array;
}

export function indexUnits(units: ReadonlyArray<readonly string[]>): TermIndex {
  const postings = new Map<string, { units: number[]; counts: number[] }>();
  const lengths = new Float64Array(units.length);
  for (let u = 0; u < units.length; u++) {
    const terms = units[u];
    lengths[u] = terms.length;
    for (const term of terms) {
      const posting = postings.get(term);
      if (posting === undefined) {
        postings.set(term, { units: [u], counts: [1] });
        continue;
      }
      const last = posting.units.length - 1;
      if (posting.units[last] === u) posting.counts[last] += 1;
      else {
        posting.units.push(u);
        posting.counts.push(1);
      }
    }
  }
  return { postings, lengths };
}

/** How many units hold `term`. */
export function documentFrequency(index: TermIndex, term: string): number {
  return index.postings.get(term)?.units.length ?? 0;
}

/** The statistics of the query's (distinct) terms, from the index. */
export function termStats(index: TermIndex, queryTerms: readonly string[]): UnitStats {
  const n = index.lengths.length;
  const termCounts = new Array<Map<number, number> | undefined>(n);
  const df = new Float64Array(queryTerms.length);
  queryTerms.forEach((term, q) => {
    const posting = index.postings.get(term);
    if (!posting) return;
    df[q] = posting.units.length;
    for (let i = 0; i < posting.units.length; i++) {
      const u = posting.units[i];
      (termCounts[u] ??= new Map()).set(q, posting.counts[i]);
    }
  });
  // Lucene's IDF: never negative, so a term in most units still counts a little.
  const idf = df.map((d) => Math.log(1 + (n - d + 0.5) / (d + 0.5)));
  return { termCounts, lengths: index.lengths, idf };
}

/** BM25 scores of `docs` for a query whose i-th term has weight `queryWeights[i]`. */
export function bm25Scores(
  stats: UnitStats,
  docs: readonly Bm25Doc[],
  queryWeights: ArrayLike<number>,
  params: Bm25Params = DEFAULT_BM25,
): Float64Array {
  const { k1, b } = params;
  const docLengths = docs.map((doc) => {
    let length = 0;
    for (let u = doc.first; u <= doc.last; u++) length += stats.lengths[u];
    return length;
  });
  const avgLength = docLengths.reduce((a, c) => a + c, 0) / Math.max(1, docs.length) || 1;
  const scores = new Float64Array(docs.length);
  const tf = new Float64Array(stats.idf.length);
  docs.forEach((doc, d) => {
    tf.fill(0);
    let any = false;
    for (let unit = doc.first; unit <= doc.last; unit++) {
      const counts = stats.termCounts[unit];
      if (!counts) continue;
      for (const [q, count] of counts) {
        tf[q] += count;
        any = true;
      }
    }
    if (!any) return;
    const norm = k1 * (1 - b + (b * docLengths[d]) / avgLength);
    let score = 0;
    for (let q = 0; q < tf.length; q++) {
      if (tf[q] > 0)
        score += queryWeights[q] * stats.idf[q] * ((tf[q] * (k1 + 1)) / (tf[q] + norm));
    }
    scores[d] = score;
  });
  return scores;
}

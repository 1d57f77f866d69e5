import { DEFAULT_BM25, type Bm25Params } from './bm25.js';

/**
 * Every knob of recall, with the values the service runs. They were set on principle first (the
 * reasons are next to each) and then checked by leave-one-sample-out cross-validation on LoCoMo
 * (docs/memory-recall.md): every fold chose the same window radius and expansion weight, and four
 * of five the same date weight. Recency is the exception, on purpose: see `weights.recency`.
 */
export interface RecallParams {
  bm25: Bm25Params;
  /**
   * Turns either side of a turn in its window. One: an answer is usually the turn that says it
   * plus the question or reaction next to it; two costs 60% more tokens per item.
   */
  windowRadius: number;
  /**
   * Pseudo-relevance feedback (RM3-style query expansion): the best `docs` windows of a first
   * pass lend their `terms` most distinctive terms to the query, at `weight` of an original term.
   * It finds turns that talk about the topic in other words ("hike" -> "trail", "camping").
   */
  feedback: { docs: number; terms: number; weight: number };
  /**
   * Added to the lexical score, which is scaled to 0..1 (the query's best item is 1), so each
   * weight reads as "worth this fraction of the best lexical match".
   */
  weights: {
    /**
     * Small: a tie-breaker among equally relevant items, never a reason to recall by itself.
     * LoCoMo asks about every part of a history alike, so cross-validation there prefers 0 (it
     * costs 0.008 recall@10); a companion's user mostly means the recent past, so it stays.
     */
    recency: number;
    /** Applied to (importance - 0.5): turns (0.5) are neutral, memories move up or down. */
    importance: number;
    /** Enough for a strongly matching feeling to surface an item with few shared words. */
    emotion: number;
    /** A date the user names ("last weekend", "on 8 May") is strong evidence of what they want. */
    date: number;
    /**
     * Embedding similarity, when an embeddings endpoint is configured. Half the best lexical
     * match: enough for a paraphrase with no shared word ("hikes" / "camping trip") to rise
     * above weak lexical matches, not enough to outrank an item that says the words asked
     * about. Not tuned on data: no embedding model runs on the machines this was built on.
     */
    semantic: number;
  };
  recencyHalfLifeDays: number;
  /** A sensitive memory is recalled only when its lexical score is at least this. */
  sensitiveMinLexical: number;
  /** Token budget of the recalled block (core items and ranked items together). */
  budgetTokens: number;
  /** At most this share of the budget goes to core profile items. */
  coreShare: number;
  /** Tokens between two items in the prompt (a blank line). */
  separatorTokens: number;
  /**
   * Dates mentioned inside items ("yesterday", "上周二") are resolved only for the best this many
   * windows by lexical score: resolving every turn of a heavy user would cost more than the rest.
   * The day an item was said is checked for all of them.
   */
  dateRerankDepth: number;
  /**
   * The time zone (IANA) when the query does not carry the user's own: "yesterday" and "8 May"
   * are local calendar days.
   */
  timeZone: string;
}

export const DEFAULT_RECALL_PARAMS: RecallParams = {
  bm25: DEFAULT_BM25,
  windowRadius: 1,
  feedback: { docs: 5, terms: 10, weight: 0.3 },
  weights: { recency: 0.05, importance: 0.2, emotion: 0.3, date: 0.5, semantic: 0.5 },
  recencyHalfLifeDays: 30,
  sensitiveMinLexical: 0.5,
  budgetTokens: 1500,
  coreShare: 0.3,
  separatorTokens: 1,
  dateRerankDepth: 100,
  timeZone: 'UTC',
};

/** Defaults with some values replaced (nested objects merged one level deep). */
export function recallParams(overrides: RecallParamsOverrides = {}): RecallParams {
  return {
    ...DEFAULT_RECALL_PARAMS,
    ...overrides,
    bm25: { ...DEFAULT_RECALL_PARAMS.bm25, ...overrides.bm25 },
    feedback: { ...DEFAULT_RECALL_PARAMS.feedback, ...overrides.feedback },
    weights: { ...DEFAULT_RECALL_PARAMS.weights, ...overrides.weights },
  };
}

export type RecallParamsOverrides = Partial<
  Omit<RecallParams, 'bm25' | 'feedback' | 'weights'> & {
    bm25: Partial<Bm25Params>;
    feedback: Partial<RecallParams['feedback']>;
    weights: Partial<RecallParams['weights']>;
  }
>;

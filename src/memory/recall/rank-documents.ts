import { bm25Scores, documentFrequency, indexUnits, termStats, type TermIndex } from './bm25.js';
import { dayOf, overlaps, type Day, type DaySpan } from './calendar.js';
import { resolveDates, type DateMention } from './date-resolver.js';
import type { RecallCorpus } from './recall-corpus.js';
import type { RecallParams } from './recall-params.js';
import type { RecallQuery, RecallSignals } from './recall.types.js';
import { cosine } from '../embeddings/vector.js';
import { affectStrength, emotionalMatch, recency } from './signals.js';
import { textTerms } from './text-terms.js';

/** The date mentions of a past turn's text, said on `day` (RecallMemo's keeps recent ones). */
export type TurnDates = (content: string, day: Day) => readonly DateMention[];

export interface RankedDocument {
  doc: number;
  score: number;
  signals: RecallSignals;
}

/**
 * Scores every document of the corpus for the query and returns them best first:
 *
 *   score = lexical + w_recency * recency + w_importance * (importance - 0.5)
 *           + w_emotion * emotion + w_date * date + w_semantic * semantic
 *
 * where lexical is BM25 (after query expansion) divided by the best document's, so 0..1. Sensitive
 * memories below `sensitiveMinLexical` are left out.
 */
export function rankDocuments(
  corpus: RecallCorpus,
  query: RecallQuery,
  params: RecallParams,
  turnDates: TurnDates = resolveDates,
): RankedDocument[] {
  const lexical = lexicalScores(corpus, query.text, params);
  const queryDay = dayOf(query.at, params.timeZone);
  const queryDates = resolveDates(query.text, queryDay);
  const dateHits = dateMatches(corpus, lexical, queryDates, params, turnDates);
  const semantic = semanticScores(corpus, query.embedding);
  const { weights } = params;
  const ranked: RankedDocument[] = [];
  corpus.docs.forEach((doc, d) => {
    const memory = memoryOf(corpus, doc.centre);
    if (memory?.sensitive && lexical[d] < params.sensitiveMinLexical) return;
    // A window is as recent as its centre turn.
    const age = queryDay - corpus.unitDays[doc.centre];
    const signals: RecallSignals = {
      lexical: lexical[d],
      recency: recency(age, params.recencyHalfLifeDays),
      importance: memory ? memory.importance : 0.5,
      emotion: memory
        ? emotionalMatch(query.affect, memory.affect, memory.emotionalIntensity)
        : windowEmotion(corpus, doc.first, doc.last, query),
      date: dateHits[d],
      semantic: semantic[d],
    };
    const score =
      signals.lexical +
      weights.recency * signals.recency +
      weights.importance * (signals.importance - 0.5) +
      weights.emotion * signals.emotion +
      weights.date * signals.date +
      weights.semantic * signals.semantic;
    ranked.push({ doc: d, score, signals });
  });
  return ranked.sort((a, b) => b.score - a.score || a.doc - b.doc);
}

/** BM25 of each document, expanded by pseudo-relevance feedback, scaled so the best is 1. */
export function lexicalScores(
  corpus: RecallCorpus,
  queryText: string,
  params: RecallParams,
): Float64Array {
  const docs = corpus.docs;
  const terms = [...new Set(textTerms(queryText))];
  const index = indexUnits(corpus.unitTerms);
  let scores = bm25Scores(
    termStats(index, terms),
    docs,
    terms.map(() => 1),
    params.bm25,
  );
  const expansion = feedbackTerms(corpus, terms, scores, params.feedback, index);
  if (expansion.length > 0) {
    const all = [...terms, ...expansion.map((e) => e.term)];
    const weights = [...terms.map(() => 1), ...expansion.map((e) => e.weight)];
    scores = bm25Scores(termStats(index, all), docs, weights, params.bm25);
  }
  const max = scores.reduce((a, b) => Math.max(a, b), 0);
  return max > 0 ? scores.map((s) => s / max) : scores;
}

/**
 * RM3-style expansion terms: the terms of the first pass's best documents, each weighted by how
 * much of those documents it makes up (weighted by the document's score) times its IDF over the
 * units. The best `terms` are kept, scaled so the strongest weighs `weight`.
 */
export function feedbackTerms(
  corpus: RecallCorpus,
  queryTerms: readonly string[],
  firstPass: Float64Array,
  feedback: RecallParams['feedback'],
  index: TermIndex,
): Array<{ term: string; weight: number }> {
  if (feedback.weight <= 0 || feedback.docs <= 0 || feedback.terms <= 0) return [];
  const top = [...firstPass.keys()]
    .filter((d) => firstPass[d] > 0)
    .sort((a, b) => firstPass[b] - firstPass[a] || a - b)
    .slice(0, feedback.docs);
  if (top.length === 0) return [];
  const best = firstPass[top[0]];
  const inQuery = new Set(queryTerms);
  const mass = new Map<string, number>();
  for (const d of top) {
    const { first, last } = corpus.docs[d];
    let length = 0;
    for (let u = first; u <= last; u++) length += corpus.unitTerms[u].length;
    const share = firstPass[d] / best / (length || 1);
    for (let u = first; u <= last; u++) {
      for (const term of corpus.unitTerms[u]) {
        if (!inQuery.has(term)) mass.set(term, (mass.get(term) ?? 0) + share);
      }
    }
  }
  const n = corpus.unitTerms.length;
  const scored = [...mass].map(([term, m]) => {
    const df = documentFrequency(index, term);
    return { term, weight: m * Math.log(1 + (n - df + 0.5) / (df + 0.5)) };
  });
  scored.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
  const kept = scored.slice(0, feedback.terms).filter((e) => e.weight > 0);
  const strongest = kept[0]?.weight ?? 1;
  return kept.map((e) => ({ term: e.term, weight: (feedback.weight * e.weight) / strongest }));
}

/**
 * 1 for documents said on a day the query names, or speaking of one ("yesterday" in a turn of
 * 9 May is 8 May), 0 otherwise. Mentions inside turns are resolved only for the documents with
 * the best lexical scores (`dateRerankDepth`).
 */
function dateMatches(
  corpus: RecallCorpus,
  lexical: Float64Array,
  queryMentions: ReadonlyArray<{ span: DaySpan }>,
  params: RecallParams,
  turnDates: TurnDates,
): Float64Array {
  const hits = new Float64Array(corpus.docs.length);
  if (queryMentions.length === 0) return hits;
  const spans = queryMentions.map((m) => m.span);
  const hit = (span: DaySpan) => spans.some((s) => overlaps(s, span));
  const unitHit = corpus.unitDays.map((day, u) => {
    const memory = memoryOf(corpus, u);
    const event = memory?.eventSpan;
    if (event) {
      const from = dayOf(event.from, params.timeZone);
      if (hit({ from, to: Math.max(from, dayOf(event.to, params.timeZone)) })) return true;
    }
    return hit({ from: day, to: day });
  });
  const deep = [...lexical.keys()]
    .filter((d) => lexical[d] > 0)
    .sort((a, b) => lexical[b] - lexical[a])
    .slice(0, params.dateRerankDepth);
  for (const d of deep) {
    for (let u = corpus.docs[d].first; u <= corpus.docs[d].last; u++) {
      if (unitHit[u] || u >= corpus.turns.length) continue;
      const turn = corpus.turns[u];
      unitHit[u] = turnDates(turn.content, corpus.unitDays[u]).some((m) => hit(m.span));
    }
  }
  corpus.docs.forEach((doc, d) => {
    for (let u = doc.first; u <= doc.last; u++) if (unitHit[u]) hits[d] = 1;
  });
  return hits;
}

/**
 * Each document's embedding similarity to the query: the closest of its units (a window's turns,
 * or the memory) by cosine, rescaled over the documents that have one so that the closest is 1
 * and the farthest 0 (cosines of one model sit in a narrow band that differs between models;
 * the rescaling makes the weight mean the same for any of them). Zero without a query vector.
 */
export function semanticScores(
  corpus: RecallCorpus,
  queryVector: Float32Array | null | undefined,
): Float64Array {
  const out = new Float64Array(corpus.docs.length);
  if (!queryVector) return out;
  const unitCos = new Float64Array(corpus.unitTerms.length).fill(Number.NaN);
  for (let u = 0; u < unitCos.length; u++) {
    const stored =
      u < corpus.turns.length ? corpus.turns[u].embedding : memoryOf(corpus, u)?.embedding;
    const c = stored ? cosine(queryVector, stored) : null;
    if (c !== null) unitCos[u] = c;
  }
  let best = -Infinity;
  let worst = Infinity;
  const raw = corpus.docs.map((doc) => {
    let max = Number.NaN;
    for (let u = doc.first; u <= doc.last; u++) {
      const c = unitCos[u];
      if (!Number.isNaN(c) && (Number.isNaN(max) || c > max)) max = c;
    }
    if (!Number.isNaN(max)) {
      best = Math.max(best, max);
      worst = Math.min(worst, max);
    }
    return max;
  });
  raw.forEach((c, d) => {
    if (Number.isNaN(c)) return;
    out[d] = best > worst ? (c - worst) / (best - worst) : c > 0 ? 1 : 0;
  });
  return out;
}

/** The strongest emotional match among a window's turns that carry a measured affect. */
function windowEmotion(corpus: RecallCorpus, first: number, last: number, query: RecallQuery) {
  if (!query.affect) return 0;
  let best = 0;
  for (let u = first; u <= last; u++) {
    const turn = corpus.turns[u];
    if (turn.affect) {
      const match = emotionalMatch(query.affect, turn.affect, affectStrength(turn.affect));
      best = Math.max(best, match);
    }
  }
  return best;
}

function memoryOf(corpus: RecallCorpus, unit: number) {
  return unit >= corpus.turns.length ? corpus.memories[unit - corpus.turns.length] : undefined;
}

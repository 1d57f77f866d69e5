import { assembleItems, memoryItem } from './assemble-items.js';
import { buildCorpus, type ExcludedHistory, type Speakers } from './recall-corpus.js';
import type { RecallMemo } from './recall-memo.js';
import { recallParams, type RecallParams } from './recall-params.js';
import type {
  MemoryRecord,
  RecallItem,
  RecallQuery,
  RecallResult,
  TurnRecord,
} from './recall.types.js';
import { rankDocuments } from './rank-documents.js';
import { selectWithinBudget } from './select-within-budget.js';

export interface RecallInput {
  query: RecallQuery;
  /** The user's past messages (one user's only: the caller's data access guarantees it). */
  turns: readonly TurnRecord[];
  /** The user's extracted memories. */
  memories?: readonly MemoryRecord[];
  speakers: Speakers;
  /** Qwen token count of a text (QwenTokenizer.count). */
  countTokens: (text: string) => number;
  params?: RecallParams;
  /**
   * How many ranked items to return, for logs and evaluation (the budget selection is separate and
   * looks as far as it needs). Default 10.
   */
  limit?: number;
  exclude?: ExcludedHistory | null;
  /** Kept from earlier calls (RecallService holds one); without it everything is worked out. */
  memo?: RecallMemo;
}

/**
 * The recall layer, without I/O: ranks a user's memories and past turns for the current message
 * and picks what goes into the prompt. Core profile items come first (up to `coreShare` of the
 * budget), then ranked items in order while they fit.
 */
export function recall(input: RecallInput): RecallResult {
  // Nothing to search (a new user, every turn in the prompt already): nothing to rank.
  if (input.turns.length === 0 && (input.memories ?? []).length === 0) {
    return { ranked: [], selected: [], selectedTokens: 0 };
  }
  const base = input.params ?? recallParams();
  const timeZone = input.query.timeZone ?? base.timeZone;
  const params = { ...base, timeZone };
  const corpus = buildCorpus({
    query: input.query,
    turns: input.turns,
    memories: input.memories ?? [],
    speakers: input.speakers,
    windowRadius: params.windowRadius,
    timeZone,
    exclude: input.exclude,
  });
  const core = corpus.core.map((m) =>
    memoryItem(
      m,
      m.importance,
      { lexical: 0, recency: 0, importance: m.importance, emotion: 0, date: 0, semantic: 0 },
      { timeZone, countTokens: input.countTokens },
    ),
  );
  const coreChosen = selectWithinBudget(core, params.budgetTokens * params.coreShare, params);

  const ranked = rankDocuments(corpus, input.query, params, input.memo?.turnDates);
  const items = cached(
    assembleItems(corpus, ranked, {
      speakers: input.speakers,
      timeZone,
      countTokens: input.countTokens,
      turnText: input.memo?.turnText,
      covered: coreChosen.selected.flatMap((i) => i.sourceMessageIds),
    }),
  );
  const rest = selectWithinBudget(items.replay(), params.budgetTokens, {
    ...params,
    alreadyUsed: coreChosen.used,
  });
  const limit = input.limit ?? 10;
  const top: RecallItem[] = [];
  for (const item of items.replay()) {
    if (top.length >= limit) break;
    top.push(item);
  }
  return {
    ranked: top,
    selected: [...coreChosen.selected, ...rest.selected],
    selectedTokens: rest.used,
  };
}

/** A generator that can be read from the start again without redoing the work already done. */
function cached<T>(source: Iterator<T>): { replay(): Generator<T> } {
  const seen: T[] = [];
  let done = false;
  return {
    *replay() {
      for (let i = 0; ; i++) {
        if (i < seen.length) {
          yield seen[i];
          continue;
        }
        if (done) return;
        const next = source.next();
        if (next.done) {
          done = true;
          return;
        }
        seen.push(next.value);
        yield next.value;
      }
    },
  };
}

import type { RankedDocument } from './rank-documents.js';
import type { RecallCorpus, Speakers } from './recall-corpus.js';
import type { MemoryRecord, RecallItem, RecallSignals } from './recall.types.js';
import { renderMemory, renderTurns, type TurnText } from './render-item.js';

export interface AssembleOptions {
  speakers: Speakers;
  timeZone: string;
  countTokens: (text: string) => number;
  /** Messages already in the prompt through other items (e.g. core memories): not paid twice. */
  covered?: Iterable<string>;
  /** How a turn's text is rendered (RecallMemo's, which keeps recent ones). */
  turnText?: TurnText;
}

/**
 * Turns ranked documents into prompt items, lazily, best first, so that nothing is paid for twice:
 * a window whose centre turn is already in an earlier item is skipped, and one that overlaps an
 * earlier item is trimmed to the uncovered turns around its centre (so items never share a turn);
 * a memory whose source messages all appear in earlier items is skipped. Rendering and token
 * counting happen only for items actually taken.
 */
export function* assembleItems(
  corpus: RecallCorpus,
  ranked: Iterable<RankedDocument>,
  options: AssembleOptions,
): Generator<RecallItem> {
  const covered = new Set(options.covered);
  for (const { doc: d, score, signals } of ranked) {
    const doc = corpus.docs[d];
    if (doc.centre >= corpus.turns.length) {
      const memory = corpus.memories[doc.centre - corpus.turns.length];
      const sources = memory.sourceMessageIds;
      if (sources.length > 0 && sources.every((id) => covered.has(id))) continue;
      sources.forEach((id) => covered.add(id));
      yield memoryItem(memory, score, signals, options);
      continue;
    }
    const isFree = (u: number) => !covered.has(corpus.turns[u].messageId);
    if (!isFree(doc.centre)) continue;
    let first = doc.centre;
    let last = doc.centre;
    while (first > doc.first && isFree(first - 1)) first--;
    while (last < doc.last && isFree(last + 1)) last++;
    const turns = corpus.turns.slice(first, last + 1);
    turns.forEach((t) => covered.add(t.messageId));
    const lines = renderTurns(turns, options.speakers, options.timeZone, options.turnText);
    const text = lines.join('\n');
    yield {
      key: `turns:${turns[0].conversationId}:${turns[0].seq}-${turns[turns.length - 1].seq}`,
      kind: 'turns',
      text,
      tokens: countLines(lines, options.countTokens),
      sourceMessageIds: turns.map((t) => t.messageId),
      core: false,
      sensitive: false,
      saidFrom: turns[0].createdAt,
      saidTo: turns[turns.length - 1].createdAt,
      score,
      signals,
    };
  }
}

/**
 * Tokens of `lines.join('\n')`, counted line by line (each with its newline) so that a cache of
 * line counts can serve them: a turn's line is the same in every item and every query. Exact for
 * Qwen's tokenizer, whose pre-tokenizer never joins a newline with the start of the next line
 * (checked by render-item.spec.ts and by the LoCoMo eval on every item it measures).
 */
export function countLines(lines: readonly string[], countTokens: (text: string) => number) {
  let tokens = 0;
  lines.forEach((line, i) => {
    tokens += countTokens(i < lines.length - 1 ? `${line}\n` : line);
  });
  return tokens;
}

/** A memory as an item; core memories come through here too, with their importance as score. */
export function memoryItem(
  memory: MemoryRecord,
  score: number,
  signals: RecallSignals,
  options: Pick<AssembleOptions, 'timeZone' | 'countTokens'>,
): RecallItem {
  const text = renderMemory(memory, options.timeZone);
  return {
    key: `memory:${memory.id}`,
    kind: 'memory',
    text,
    tokens: options.countTokens(text),
    sourceMessageIds: [...memory.sourceMessageIds],
    memoryId: memory.id,
    core: memory.core,
    sensitive: memory.sensitive,
    saidFrom: memory.createdAt,
    saidTo: memory.createdAt,
    score,
    signals,
  };
}

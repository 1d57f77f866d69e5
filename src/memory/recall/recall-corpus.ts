import type { Bm25Doc } from './bm25.js';
import { dayOf, type Day } from './calendar.js';
import type { MemoryRecord, RecallQuery, TurnRecord } from './recall.types.js';
import { textTerms } from './text-terms.js';

/** How the two sides of a conversation are named in items (and matched in queries). */
export interface Speakers {
  user: string;
  assistant: string;
}

/** The part of the current conversation the prompt already carries: not recalled again. */
export interface ExcludedHistory {
  conversationId: string;
  /** Turns of that conversation with seq >= this are excluded. */
  fromSeq: number;
}

/**
 * A user's recall corpus for one query. Units are the atoms of statistics and coverage (turns,
 * then memories); documents are what gets ranked: one window per turn (the turn and up to
 * `radius` neighbours either side, same conversation) and one per memory.
 */
export interface RecallCorpus {
  /** Sorted by conversation, then seq. */
  turns: TurnRecord[];
  /** Valid, non-core memories (units after the turns: unit = turns.length + i). */
  memories: MemoryRecord[];
  /** Valid core memories, most important first; not ranked, always offered first. */
  core: MemoryRecord[];
  unitTerms: string[][];
  unitDays: Day[];
  docs: RecallDoc[];
}

/** A window (its first to last turn, around `centre`) or a memory (first = last = centre). */
export interface RecallDoc extends Bm25Doc {
  /** The unit the document is about: a window's centre turn, or the memory. */
  centre: number;
}

/**
 * Builds the corpus: drops what must not be recalled (messages after the query, the prompt's own
 * history, superseded or expired memories), sorts turns into conversations and makes windows.
 */
export function buildCorpus(input: {
  query: RecallQuery;
  turns: readonly TurnRecord[];
  memories: readonly MemoryRecord[];
  speakers: Speakers;
  windowRadius: number;
  timeZone: string;
  exclude?: ExcludedHistory | null;
}): RecallCorpus {
  const { query, speakers, windowRadius, timeZone, exclude } = input;
  const at = query.at.getTime();
  const turns = input.turns
    .filter(
      (t) =>
        t.createdAt.getTime() <= at &&
        t.content.trim() !== '' &&
        !(exclude && t.conversationId === exclude.conversationId && t.seq >= exclude.fromSeq),
    )
    .sort((a, b) =>
      a.conversationId === b.conversationId
        ? a.seq - b.seq
        : a.conversationId < b.conversationId
          ? -1
          : 1,
    );
  const valid = input.memories.filter(
    (m) =>
      !m.supersededBy &&
      m.createdAt.getTime() <= at &&
      !(m.validUntil && m.validUntil.getTime() <= at),
  );
  // A sensitive memory is never pushed into a prompt unasked, so it is never core.
  const core = valid
    .filter((m) => m.core && !m.sensitive)
    .sort((a, b) => b.importance - a.importance);
  const memories = valid.filter((m) => !(m.core && !m.sensitive));

  // The speaker's name is part of what a turn is about: "What did Caroline research?" should
  // prefer Caroline's turns, whose text says "I".
  const labelTerms = { user: textTerms(speakers.user), assistant: textTerms(speakers.assistant) };
  const unitTerms = [
    ...turns.map((t) => labelTerms[t.role].concat(t.terms ?? textTerms(t.content))),
    ...memories.map((m) => textTerms(m.text)),
  ];
  const unitDays = [
    ...turns.map((t) => dayOf(t.createdAt, timeZone)),
    ...memories.map((m) => dayOf(m.createdAt, timeZone)),
  ];

  const docs: RecallDoc[] = [];
  let start = 0;
  for (let i = 0; i <= turns.length; i++) {
    if (i < turns.length && turns[i].conversationId === turns[start].conversationId) continue;
    // turns[start, i) is one conversation.
    for (let c = start; c < i; c++) {
      docs.push({
        centre: c,
        first: Math.max(start, c - windowRadius),
        last: Math.min(i - 1, c + windowRadius),
      });
    }
    start = i;
  }
  memories.forEach((_m, i) => {
    const unit = turns.length + i;
    docs.push({ centre: unit, first: unit, last: unit });
  });
  return { turns, memories, core, unitTerms, unitDays, docs };
}

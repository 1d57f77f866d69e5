import type { StoredVector } from '../embeddings/vector.js';

/**
 * Where the user's feeling sits on the circumplex: valence (unpleasant -1 .. pleasant 1) and
 * arousal (calm -1 .. excited 1). From voice prosody, text, or the extraction model.
 */
export interface Affect {
  valence: number;
  arousal: number;
}

/** A past message as recall reads it (a row of `messages`). */
export interface TurnRecord {
  messageId: string;
  conversationId: string;
  seq: number;
  role: 'user' | 'assistant';
  /** The text, or a voice message's transcript; image turns carry their caption in it. */
  content: string;
  createdAt: Date;
  /** Index terms stored with the message (`textTerms(content)`), when the store keeps them. */
  terms?: readonly string[] | null;
  /** How the user sounded, when measured. */
  affect?: Affect | null;
  /** The content's embedding, when one was stored by the configured model. */
  embedding?: StoredVector | null;
}

/** An extracted memory as the memory store hands it over (it owns the table and extraction). */
export interface MemoryRecord {
  id: string;
  /** fact | preference | event | plan | episode | ...: shown to the model, not interpreted here. */
  kind: string;
  /** One self-contained statement, as it should read in the prompt. */
  text: string;
  /** The messages it was extracted from. */
  sourceMessageIds: readonly string[];
  /** 0..1, from extraction. */
  importance: number;
  /** 0..1: how strongly it was felt. */
  emotionalIntensity: number;
  affect?: Affect | null;
  /** Health, trauma, sexuality...: recalled only when the conversation is clearly about it. */
  sensitive: boolean;
  /** Part of the user's core profile (name, the sister's name...): always recalled. */
  core: boolean;
  /** When it was said (its source messages' time). */
  createdAt: Date;
  /** When the event or plan happens or happened, resolved to dates, if it has one. */
  eventSpan?: { from: Date; to: Date } | null;
  /** No longer true after this instant (a plan that passed, a changed job). */
  validUntil?: Date | null;
  /** Replaced by this newer memory: never recalled. */
  supersededBy?: string | null;
  /** The text's embedding, when one was stored by the configured model. */
  embedding?: StoredVector | null;
}

/** What recall is asked: the current message and its moment. */
export interface RecallQuery {
  text: string;
  /** When the message was sent; "last Tuesday" in it is resolved against this. */
  at: Date;
  /** How the user sounds now, when known. */
  affect?: Affect | null;
  /** The user's IANA time zone, for calendar days ("yesterday"); default params.timeZone. */
  timeZone?: string | null;
  /** The message's embedding (unit length), when an embeddings endpoint answered in time. */
  embedding?: Float32Array | null;
}

/** The scores an item was ranked by, for logs and tuning. */
export interface RecallSignals {
  /** BM25F relative to the best item of this query, 0..1. */
  lexical: number;
  /** 2^(-age / half-life), 0..1. */
  recency: number;
  /** 0..1; turns count as 0.5 (unknown). */
  importance: number;
  /** Query affect strength x item intensity x affect similarity, 0..1. */
  emotion: number;
  /** 1 when the query names a date (or span) and the item was said on or speaks of it. */
  date: number;
  /**
   * Cosine similarity of the embeddings (for a window: its closest turn), rescaled over this
   * query's candidates so the closest is 1 and the farthest 0; 0 without embeddings.
   */
  semantic: number;
}

/**
 * One unit of recall: what would go into the prompt, with what it came from. Either an extracted
 * memory, or a short run of adjacent turns of one conversation (verbatim, both speakers, with the
 * day they were said), which is the better answer when no memory holds the detail asked for.
 */
export interface RecallItem {
  /** Stable: `memory:<id>` or `turns:<conversationId>:<fromSeq>-<toSeq>`. */
  key: string;
  kind: 'memory' | 'turns';
  /** The text as it goes into the prompt. */
  text: string;
  /** Qwen tokens of `text`. */
  tokens: number;
  /** The messages it was derived from, oldest first. */
  sourceMessageIds: string[];
  memoryId?: string;
  core: boolean;
  sensitive: boolean;
  /** When its sources were said: first and last. */
  saidFrom: Date;
  saidTo: Date;
  /** The combined ranking score (core items: their importance). */
  score: number;
  signals: RecallSignals;
}

export interface RecallResult {
  /** The best items after the core items, best first, up to the requested limit. */
  ranked: RecallItem[];
  /** What goes into the prompt: core items, then ranked items in order, within the budget. */
  selected: RecallItem[];
  /** Tokens of `selected`, separators included. */
  selectedTokens: number;
}

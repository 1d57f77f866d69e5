import type { ClaimRead } from '../../conversation/message.repository.js';
import { recall } from './recall.js';
import type { ExcludedHistory, Speakers } from './recall-corpus.js';
import { recallMemo, type RecallMemo } from './recall-memo.js';
import { recallParams, type RecallParams } from './recall-params.js';
import type { RecallTurns } from './recall-turns.js';
import type { MemoryRecord, RecallQuery, RecallResult } from './recall.types.js';
import { cachedTokenCounter } from './token-count-cache.js';

/**
 * The memory store's side: one user's memories (filtered by user id, as the repository here is),
 * with the embeddings of `embeddingModel` when one is named.
 */
export interface MemorySource {
  memoriesForRecall(
    userId: string,
    at: Date,
    embeddingModel?: string | null,
  ): Promise<MemoryRecord[]>;
  /** The same read for the reply claim to carry, and what it found (MemoryRepository). */
  recallRead?(embeddingModel: string | null): ClaimRead;
  recallFromRead?(json: unknown): MemoryRecord[];
}

/** The embeddings endpoint as recall uses it (EmbeddingClient). */
export interface QueryEmbedder {
  readonly model: string;
  /** The message's unit vector, or null when the endpoint did not answer in time. */
  embedQuery(text: string): Promise<Float32Array | null>;
}

export interface RecallRequest {
  userId: string;
  query: RecallQuery;
  speakers: Speakers;
  /** The current conversation's turns that the prompt already carries. */
  exclude?: ExcludedHistory | null;
  limit?: number;
  /** Search past turns too (default); false when the caller knows there are none to find. */
  turns?: boolean;
  /** What `claimRead` found, when the reply claim carried it: the memories are not read again. */
  memories?: unknown;
}

export interface RecallTimings {
  /** Reading candidates (turns and memories) and embedding the message, in parallel. */
  readMs: number;
  /** Ranking, rendering and token counting. */
  rankMs: number;
}

/**
 * What the turn's recall stage calls: reads one user's candidates and runs `recall` over them.
 * Construct with RecallTurns (over the conversation module's messages), the QwenTokenizer, the
 * memory store and, when an embeddings endpoint is configured, the embedder (then RecallTurns
 * must read the same model's embeddings: `embeddingModel`).
 */
export class RecallService {
  private readonly countTokens: (text: string) => number;
  private readonly memo: RecallMemo = recallMemo();

  constructor(
    private readonly turns: Pick<RecallTurns, 'turnsForRecall'>,
    tokenizer: { count(text: string): number },
    private readonly memories: MemorySource | null = null,
    private readonly params: RecallParams = recallParams(),
    private readonly embedder: QueryEmbedder | null = null,
  ) {
    this.countTokens = cachedTokenCounter((text) => tokenizer.count(text));
  }

  /** The memories' read for the reply claim to carry (null when the store cannot). */
  claimRead(): ClaimRead | null {
    return this.memories?.recallRead?.(this.embedder?.model ?? null) ?? null;
  }

  async recall(request: RecallRequest): Promise<RecallResult & { timings: RecallTimings }> {
    const started = performance.now();
    const [turns, memories, embedding] = await Promise.all([
      request.turns === false ? [] : this.turns.turnsForRecall(request.userId, request.query.at),
      !this.memories
        ? []
        : request.memories !== undefined && this.memories.recallFromRead
          ? this.memories.recallFromRead(request.memories)
          : this.memories.memoriesForRecall(
              request.userId,
              request.query.at,
              this.embedder?.model ?? null,
            ),
      this.embedder && request.query.embedding === undefined
        ? this.embedder.embedQuery(request.query.text)
        : (request.query.embedding ?? null),
    ]);
    const read = performance.now();
    const result = recall({
      query: { ...request.query, embedding },
      turns,
      memories,
      speakers: request.speakers,
      countTokens: this.countTokens,
      memo: this.memo,
      params: this.params,
      limit: request.limit,
      exclude: request.exclude,
    });
    const timings = { readMs: read - started, rankMs: performance.now() - read };
    return { ...result, timings };
  }
}

import { recall } from './recall.js';
import type { ExcludedHistory, Speakers } from './recall-corpus.js';
import { recallParams, type RecallParams } from './recall-params.js';
import type { RecallRepository } from './recall.repository.js';
import type { MemoryRecord, RecallQuery, RecallResult } from './recall.types.js';
import { cachedTokenCounter } from './token-count-cache.js';

/** The memory store's side: one user's memories (filtered by user id, as the repository here is). */
export interface MemorySource {
  memoriesForRecall(userId: string, at: Date): Promise<MemoryRecord[]>;
}

export interface RecallRequest {
  userId: string;
  query: RecallQuery;
  speakers: Speakers;
  /** The current conversation's turns that the prompt already carries. */
  exclude?: ExcludedHistory | null;
  limit?: number;
}

export interface RecallTimings {
  /** Reading candidates (turns and memories, in parallel). */
  readMs: number;
  /** Ranking, rendering and token counting. */
  rankMs: number;
}

/**
 * What the chat service calls: reads one user's candidates and runs `recall` over them.
 * Construct with the DataSource-backed RecallRepository, the QwenTokenizer and, once it exists,
 * the memory store.
 */
export class RecallService {
  private readonly countTokens: (text: string) => number;

  constructor(
    private readonly turns: RecallRepository,
    tokenizer: { count(text: string): number },
    private readonly memories: MemorySource | null = null,
    private readonly params: RecallParams = recallParams(),
  ) {
    this.countTokens = cachedTokenCounter((text) => tokenizer.count(text));
  }

  async recall(request: RecallRequest): Promise<RecallResult & { timings: RecallTimings }> {
    const started = performance.now();
    const [turns, memories] = await Promise.all([
      this.turns.turnsForRecall(request.userId, request.query.at),
      this.memories ? this.memories.memoriesForRecall(request.userId, request.query.at) : [],
    ]);
    const read = performance.now();
    const result = recall({
      query: request.query,
      turns,
      memories,
      speakers: request.speakers,
      countTokens: this.countTokens,
      params: this.params,
      limit: request.limit,
      exclude: request.exclude,
    });
    const timings = { readMs: read - started, rankMs: performance.now() - read };
    return { ...result, timings };
  }
}

import type { RecallTurnRow } from '../../conversation/message.repository.js';
import { decodeVector } from '../embeddings/vector.js';
import { decodeTerms } from './text-terms.js';
import type { TurnRecord } from './recall.types.js';

/** The conversation module's read of a user's past turns (MessageRepository.turnsForRecall). */
export interface RecallTurnReader {
  turnsForRecall(
    userId: string,
    before: Date,
    options: { limit: number; storedTerms?: boolean; embeddingModel?: string | null },
  ): Promise<RecallTurnRow[]>;
}

export interface RecallTurnsOptions {
  /**
   * Use the terms stored with each message at insert (`encodeTerms`), which saves tokenising
   * every candidate on every recall.
   */
  storedTerms?: boolean;
  /** The newest this many turns are candidates (bounds the work for very long histories). */
  maxTurns?: number;
  /** Use the stored embeddings made by this model; others are ignored. */
  embeddingModel?: string | null;
}

/**
 * Recall's turn candidates: one user's past turns, read through the conversation module (which
 * owns messages and binds every read to the user id), decoded into TurnRecords.
 */
export class RecallTurns {
  private readonly options: { limit: number; storedTerms: boolean; embeddingModel: string | null };

  constructor(
    private readonly reader: RecallTurnReader,
    options: RecallTurnsOptions = {},
  ) {
    this.options = {
      limit: options.maxTurns ?? 5000,
      storedTerms: options.storedTerms ?? false,
      embeddingModel: options.embeddingModel ?? null,
    };
  }

  /** The user's past turns up to `before`, at most `maxTurns` of the newest. */
  async turnsForRecall(userId: string, before: Date): Promise<TurnRecord[]> {
    const rows = await this.reader.turnsForRecall(userId, before, this.options);
    return rows.map((r) => ({
      messageId: r.messageId,
      conversationId: r.conversationId,
      seq: r.seq,
      role: r.role,
      content: r.content,
      createdAt: r.createdAt,
      terms: decodeTerms(r.searchTerms),
      embedding: decodeVector(r.embedding),
    }));
  }
}

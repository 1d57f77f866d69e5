import type { DataSource } from 'typeorm';
import type { TurnRecord } from './recall.types.js';
import { decodeVector } from '../embeddings/vector.js';
import { decodeTerms } from './text-terms.js';

export interface RecallRepositoryOptions {
  /**
   * Read the `messages.search_terms` column (terms stored at insert with `encodeTerms`), which
   * saves tokenising every candidate on every recall. Only once that column exists.
   */
  storedTerms?: boolean;
  /** The newest this many turns are candidates (bounds the work for very long histories). */
  maxTurns?: number;
  /** Read the stored embeddings made by this model (`messages.embedding`); others are ignored. */
  embeddingModel?: string | null;
}

interface TurnRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  created_ms: number;
  search_terms?: string | null;
  embedding?: Buffer | null;
}

/**
 * Reads recall candidates from `messages`. Every query is bound to one user id: this is the only
 * place recall touches the database, and it never returns another user's rows.
 */
export class RecallRepository {
  private readonly sql: string;
  private readonly maxTurns: number;
  private readonly embeddingModel: string | null;

  constructor(
    private readonly db: Pick<DataSource, 'query'>,
    options: RecallRepositoryOptions = {},
  ) {
    this.maxTurns = options.maxTurns ?? 5000;
    this.embeddingModel = options.embeddingModel ?? null;
    // The turns a prompt may show (as MessageRepository.promptHistory): user messages, and replies
    // the user saw to the end or stopped; never what the user asked to forget. Newest first so that LIMIT keeps the recent ones; an
    // index on messages (user_id, created_at) serves it (docs/memory-recall.md). The time comes
    // as epoch milliseconds: node-postgres parses a float8 several times faster than a
    // timestamptz, which shows with thousands of rows.
    this.sql = `SELECT id, conversation_id, seq, role, content,
           (extract(epoch FROM created_at) * 1000)::float8 AS created_ms${
             options.storedTerms ? ', search_terms' : ''
           }${
             this.embeddingModel
               ? ', CASE WHEN embedding_model = $4 THEN embedding END AS embedding'
               : ''
           }
      FROM messages
     WHERE user_id = $1 AND created_at <= $2 AND content <> '' AND NOT memory_excluded
       AND (role = 'user' OR status IN ('completed', 'cancelled'))
     ORDER BY created_at DESC
     LIMIT $3`;
  }

  /** The user's past turns up to `before`, at most `maxTurns` of the newest. */
  async turnsForRecall(userId: string, before: Date): Promise<TurnRecord[]> {
    if (!userId) throw new Error('recall needs a user id');
    const params: unknown[] = [userId, before, this.maxTurns];
    if (this.embeddingModel) params.push(this.embeddingModel);
    const rows = await this.db.query<TurnRow[]>(this.sql, params);
    return rows.map((r) => ({
      messageId: r.id,
      conversationId: r.conversation_id,
      seq: r.seq,
      role: r.role,
      content: r.content,
      createdAt: new Date(r.created_ms),
      terms: decodeTerms(r.search_terms),
      embedding: decodeVector(r.embedding),
    }));
  }
}

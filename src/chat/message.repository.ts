import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../common/uuid.js';
import { encodeTerms } from '../memory/recall/text-terms.js';
import { ChatErrorCode } from './chat.protocol.js';
import { ChatException } from './chat.exception.js';
import type { MessageEntity, MessageStatus } from './message.entity.js';

const PG_UNIQUE_VIOLATION = '23505';

export interface StoredUserMessage {
  message: MessageEntity;
  /** The clientMsgId was stored before; nothing new was written. */
  duplicate: boolean;
}

export interface NewVoiceClip {
  mimeType: string;
  container: string;
  codec: string;
  audio: Buffer;
  durationSec: number;
  retentionSec: number;
  languageHint?: string;
  /** The pod that will transcribe and analyse it, and for how long that claim holds. */
  processingOwner: string;
  processingLeaseMs: number;
}

export interface ReplyOutcome {
  status: Exclude<MessageStatus, 'received' | 'streaming'>;
  content: string;
  contentTokens: number | null;
  errorCode: string | null;
  model: string | null;
  promptVersion: string | null;
  ttftMs: number | null;
  totalMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
}

/** What reads of messages select: every column the service maps, not the embedding bytes. */
const MESSAGE_COLUMNS = `id, conversation_id, user_id, seq, role, kind, content, content_tokens, search_terms,
  memory_excluded, client_msg_id, in_reply_to, status, error_code, model, prompt_version, ttft_ms, total_ms,
  prompt_tokens, completion_tokens, lease_owner, lease_expires_at, created_at, completed_at`;

/** Postgres access for conversations and messages; every query is scoped by user or conversation. */
@Injectable()
export class MessageRepository {
  constructor(private readonly db: DataSource) {}

  async findByClientMsgId(userId: string, clientMsgId: string): Promise<MessageEntity | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE user_id = $1 AND client_msg_id = $2`,
      [userId, clientMsgId],
    );
    return rows[0] ? rowToMessage(rows[0]) : null;
  }

  /**
   * Stores a user message exactly once per (user, clientMsgId), in one statement: the user row if
   * new, the conversation (created when no id is given, else locked and checked for ownership),
   * the next seq, the message. A repeat of the clientMsgId fails the whole statement (nothing is
   * written, no seq is used) and returns the stored message instead.
   */
  async insertUserMessage(input: {
    userId: string;
    clientMsgId: string;
    conversationId?: string;
    content: string;
    contentTokens: number | null;
    kind: 'text' | 'voice';
    /** For a voice message: its clip, stored in the same statement. */
    voice?: NewVoiceClip;
  }): Promise<StoredUserMessage> {
    const conversation = input.conversationId
      ? `UPDATE conversations SET last_seq = last_seq + 1, last_message_at = now(), updated_at = now()
          WHERE id = $2 AND user_id = $3 RETURNING id, last_seq`
      : `INSERT INTO conversations (id, user_id, last_seq, last_message_at) VALUES ($2, $3, 1, now())
         RETURNING id, last_seq`;
    const voice = input.voice;
    const clip = voice
      ? `, clip AS (INSERT INTO voice_clips (message_id, user_id, mime_type, container, codec, size_bytes,
                                             duration_sec, audio, expires_at, language_hint,
                                             processing_owner, processing_lease_until)
                     SELECT msg.id, $3, $8, $9, $10, $11, $12, $13,
                            now() + make_interval(secs => $14::double precision), $15,
                            $16, now() + make_interval(secs => $17::double precision / 1000)
                       FROM msg)`
      : '';
    const voiceParams = voice
      ? [
          voice.mimeType,
          voice.container,
          voice.codec,
          voice.audio.length,
          voice.durationSec,
          voice.audio,
          voice.retentionSec,
          voice.languageHint ?? null,
          voice.processingOwner,
          voice.processingLeaseMs,
        ]
      : [];
    try {
      const rows = await this.db.query<Row[]>(
        `WITH usr AS (INSERT INTO users (id) VALUES ($3) ON CONFLICT (id) DO NOTHING),
              conv AS (${conversation}),
              msg AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content,
                                            content_tokens, client_msg_id, status, search_terms)
                      SELECT $1, conv.id, $3, conv.last_seq, 'user', $4, $5, $6, $7, 'received',
                             ${voice ? 'NULL' : `$${8 + voiceParams.length}`}
                        FROM conv
                      RETURNING *)${clip}
         SELECT * FROM msg`,
        [
          uuidv7(),
          input.conversationId ?? uuidv7(),
          input.userId,
          input.kind,
          input.content,
          input.contentTokens,
          input.clientMsgId,
          ...voiceParams,
          ...(voice ? [] : [encodeTerms(input.content)]),
        ],
      );
      if (!rows[0]) throw notFound(input.conversationId!);
      return { message: rowToMessage(rows[0]), duplicate: false };
    } catch (e) {
      if (isUniqueViolation(e, 'UQ_messages_user_client_msg')) {
        const stored = await this.findByClientMsgId(input.userId, input.clientMsgId);
        if (stored) return { message: stored, duplicate: true };
      }
      throw e;
    }
  }

  /**
   * Starts a reply if the conversation has a user message waiting for one, claiming the
   * conversation's single reply slot: a `streaming` row leased to `owner` that answers the latest
   * user message. Null when nothing waits or another reply streams (on any pod). Waiting means:
   * the latest user message (newer than `afterSeq` when given, which follow-ups use so that a
   * failed reply is never retried on its own) has no completed or cancelled reply after it, and
   * no reply is streaming. Checked and written under the conversation's row lock by the
   * `companion_start_reply` function (migrations/…-ReplySlotFunction.ts), in one round trip.
   */
  async startReply(input: {
    conversationId: string;
    owner: string;
    leaseMs: number;
    afterSeq?: number;
  }): Promise<MessageEntity | null> {
    try {
      const rows = await this.db.query<Row[]>(
        `SELECT * FROM companion_start_reply($1, $2, $3, $4, $5)`,
        [input.conversationId, uuidv7(), input.owner, input.leaseMs, input.afterSeq ?? 0],
      );
      return rows[0] ? rowToMessage(rows[0]) : null;
    } catch (e) {
      if (isUniqueViolation(e, 'UQ_messages_streaming_reply')) return null;
      throw e;
    }
  }

  /** Writes the reply's final state in one statement; null if it was no longer streaming. */
  async finishReply(replyId: string, outcome: ReplyOutcome): Promise<MessageEntity | null> {
    const rows = await this.db.query<Row[]>(
      `UPDATE messages
          SET status = $2, content = $3, content_tokens = $4, error_code = $5, model = $6,
              prompt_version = $7, ttft_ms = $8, total_ms = $9, prompt_tokens = $10,
              completion_tokens = $11, search_terms = $12, completed_at = now(), lease_owner = NULL,
              lease_expires_at = NULL
        WHERE id = $1 AND status = 'streaming'
        RETURNING *`,
      [
        replyId,
        outcome.status,
        outcome.content,
        outcome.contentTokens,
        outcome.errorCode,
        outcome.model,
        outcome.promptVersion,
        outcome.ttftMs,
        outcome.totalMs,
        outcome.promptTokens,
        outcome.completionTokens,
        outcome.content ? encodeTerms(outcome.content) : null,
      ],
    );
    return firstRow(rows);
  }

  async renewLeases(replyIds: string[], owner: string, leaseMs: number): Promise<void> {
    if (replyIds.length === 0) return;
    await this.db.query(
      `UPDATE messages SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = ANY($1::uuid[]) AND lease_owner = $2 AND status = 'streaming'`,
      [replyIds, owner, leaseMs],
    );
  }

  /** Replies whose pod stopped renewing its lease (killed, partitioned): marked failed, returned. */
  async failExpiredReplies(limit = 500): Promise<MessageEntity[]> {
    const rows = await this.db.query<Row[]>(
      `UPDATE messages
          SET status = 'failed', error_code = $1, completed_at = now(),
              lease_owner = NULL, lease_expires_at = NULL
        WHERE id IN (SELECT id FROM messages
                      WHERE status = 'streaming' AND lease_expires_at < now()
                      ORDER BY lease_expires_at LIMIT $2
                      FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [ChatErrorCode.ReplyInterrupted, limit],
    );
    return updatedRows(rows).map(rowToMessage);
  }

  /** Messages after `afterSeq`, oldest first, for `sync`; only the owner's conversation. */
  async listAfter(
    userId: string,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: MessageEntity[]; lastSeq: number }> {
    const conv = await this.db.query<Array<{ last_seq: number }>>(
      `SELECT last_seq FROM conversations WHERE id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    if (!conv[0]) throw notFound(conversationId);
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [conversationId, afterSeq, limit],
    );
    return { messages: rows.map(rowToMessage), lastSeq: conv[0].last_seq };
  }

  /**
   * What a prompt takes from the conversation, in one statement: its rolling summary, and the
   * turns after what the summary covers and before `beforeSeq` that a prompt may use (user
   * messages, replies the user saw to the end or stopped), the newest `limit`, oldest first.
   */
  async promptHistory(
    conversationId: string,
    beforeSeq: number,
    limit: number,
  ): Promise<{ summary: string | null; history: MessageEntity[] }> {
    const rows = await this.db.query<Row[]>(
      `SELECT c.summary AS conversation_summary, m.*
         FROM conversations c
         LEFT JOIN LATERAL (
           SELECT ${MESSAGE_COLUMNS} FROM messages
            WHERE conversation_id = c.id AND seq < $2 AND seq > c.summary_until_seq
              AND content <> '' AND (role = 'user' OR status IN ('completed', 'cancelled'))
            ORDER BY seq DESC LIMIT $3
         ) m ON true
        WHERE c.id = $1`,
      [conversationId, beforeSeq, limit],
    );
    return {
      summary: (rows[0]?.conversation_summary as string | null | undefined) ?? null,
      history: rows
        .filter((r) => r.id !== null)
        .map(rowToMessage)
        .reverse(),
    };
  }

  async findReply(replyId: string): Promise<MessageEntity | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND role = 'assistant'`,
      [replyId],
    );
    return rows[0] ? rowToMessage(rows[0]) : null;
  }

  async findById(id: string): Promise<MessageEntity | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`,
      [id],
    );
    return rows[0] ? rowToMessage(rows[0]) : null;
  }
}

function notFound(conversationId: string): ChatException {
  // Another user's conversation gets the same answer as a missing one: ids are not probeable.
  return new ChatException(ChatErrorCode.ConversationNotFound, 'no such conversation', {
    conversationId,
  });
}

function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const code = err.driverError?.code ?? err.code;
  const name = err.driverError?.constraint ?? err.constraint;
  return code === PG_UNIQUE_VIOLATION && name === constraint;
}

export type Row = Record<string, unknown>;

/** TypeORM returns [rows, count] for UPDATE ... RETURNING on Postgres. */
export function updatedRows(result: unknown): Row[] {
  if (Array.isArray(result) && Array.isArray(result[0])) return result[0] as Row[];
  return (result as Row[]) ?? [];
}

function firstRow(result: unknown): MessageEntity | null {
  const row = updatedRows(result)[0];
  return row ? rowToMessage(row) : null;
}

export function rowToMessage(r: Row): MessageEntity {
  return {
    id: r.id as string,
    conversationId: r.conversation_id as string,
    userId: r.user_id as string,
    seq: Number(r.seq),
    role: r.role as MessageEntity['role'],
    kind: r.kind as MessageEntity['kind'],
    content: r.content as string,
    contentTokens: r.content_tokens === null ? null : Number(r.content_tokens),
    searchTerms: (r.search_terms as string | null) ?? null,
    memoryExcluded: Boolean(r.memory_excluded),
    clientMsgId: (r.client_msg_id as string | null) ?? null,
    inReplyTo: (r.in_reply_to as string | null) ?? null,
    status: r.status as MessageStatus,
    errorCode: (r.error_code as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    promptVersion: (r.prompt_version as string | null) ?? null,
    ttftMs: r.ttft_ms === null ? null : Number(r.ttft_ms),
    totalMs: r.total_ms === null ? null : Number(r.total_ms),
    promptTokens: r.prompt_tokens === null ? null : Number(r.prompt_tokens),
    completionTokens: r.completion_tokens === null ? null : Number(r.completion_tokens),
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseExpiresAt: (r.lease_expires_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    completedAt: (r.completed_at as Date | null) ?? null,
  };
}

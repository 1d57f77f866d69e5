import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { ConversationEntity } from './conversation.entity.js';
import { UserEntity } from './user.entity.js';

export type MessageRole = 'user' | 'assistant';
export type MessageKind = 'text' | 'voice';
/**
 * user messages: `received`. Replies: `streaming` while generated, then exactly one of
 * `completed`, `cancelled` (stopped by the user, content is what was produced) or `failed`
 * (errorCode says why; content is empty or what was produced before a mid-stream failure).
 */
/** How a reply was routed, stored with it (src/routing). */
export interface ReplyRoute {
  route: string;
  endpoint: string;
  model: string;
  promptSet: string;
  reason: string;
  sampling: {
    temperature: number;
    topP: number;
    topK: number;
    presencePenalty: number;
    maxTokens: number;
  };
  /** The route asked for first, when a fallback served the reply. */
  fallbackFrom?: string;
  experiment?: string;
  variant?: string;
}

export type MessageStatus = 'received' | 'streaming' | 'completed' | 'cancelled' | 'failed';

@Entity('messages')
// The ordering key: sync reads "after seq" and the history reads "before seq".
@Index('UQ_messages_conversation_seq', ['conversationId', 'seq'], { unique: true })
// Idempotency: a client message id is used once per user; retries find the stored message.
@Index('UQ_messages_user_client_msg', ['userId', 'clientMsgId'], {
  unique: true,
  where: '"client_msg_id" IS NOT NULL',
})
// One reply in progress per conversation, across every pod.
@Index('UQ_messages_streaming_reply', ['conversationId'], {
  unique: true,
  where: `"status" = 'streaming'`,
})
// The recovery sweep looks only at replies still streaming, by lease expiry.
@Index('IDX_messages_streaming_lease', ['leaseExpiresAt'], { where: `"status" = 'streaming'` })
// Recall and memory extraction read one user's messages across conversations, newest first.
@Index('IDX_messages_user_created', ['userId', 'createdAt'])
// A user message's replies (a forget takes them out of prompts with it; traces by message).
@Index('IDX_messages_in_reply_to', ['inReplyTo'], { where: `"in_reply_to" IS NOT NULL` })
// The awaiting-reply sweep looks only at user messages still owed a reply, oldest first.
@Index('IDX_messages_reply_due', ['replyDueAt'], { where: `"reply_due_at" IS NOT NULL` })
export class MessageEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'conversation_id' })
  conversationId!: string;

  @ManyToOne(() => ConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: ConversationEntity;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('integer')
  seq!: number;

  @Column('varchar', { length: 16 })
  role!: MessageRole;

  @Column('varchar', { length: 16, default: 'text' })
  kind!: MessageKind;

  @Column('text', { default: '' })
  content!: string;

  /** Recall's index terms of `content` (src/memory/recall/text-terms.ts), stored with it. */
  @Column('text', { name: 'search_terms', nullable: true })
  searchTerms!: string | null;

  /**
   * The content's embedding (src/memory/embeddings/vector.ts: int8, normalised) and the model
   * that made it, written by the memory job when an embeddings endpoint is configured.
   */
  @Column('bytea', { nullable: true, select: false })
  embedding?: Buffer | null;

  @Column('varchar', { name: 'embedding_model', length: 100, nullable: true, select: false })
  embeddingModel?: string | null;

  /**
   * Who wrote a reply: `model`, `protocol` (a pre-written crisis reply) or `operator`. User
   * messages keep the default; the message view says `user` for them.
   */
  @Column('varchar', { length: 16, default: 'model' })
  source!: string;

  /** The output check withheld the rest of this reply: the category of the sentence it stopped. */
  @Column('varchar', { name: 'output_blocked', length: 48, nullable: true })
  outputBlocked!: string | null;

  /**
   * An operator deleted it (a tombstone): its text is erased, `sync` leaves it out, and the
   * user's devices were told (`message:deleted`).
   */
  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;

  /** The user asked to forget it: never extracted into memories, never recalled. */
  @Column('boolean', { name: 'memory_excluded', default: false })
  memoryExcluded!: boolean;

  /** Qwen tokens of `content`, counted once when stored, so prompts need not count it again. */
  @Column('integer', { name: 'content_tokens', nullable: true })
  contentTokens!: number | null;

  @Column('varchar', { name: 'client_msg_id', length: 128, nullable: true })
  clientMsgId!: string | null;

  /**
   * For a user message: since when it is owed a reply (its text is known and no reply or coded
   * failure has answered it yet); null otherwise. A durable "awaiting reply" state: a process
   * killed between the ack and the reply leaves it set, and the awaiting-reply sweep answers it.
   */
  @Column('timestamptz', { name: 'reply_due_at', nullable: true })
  replyDueAt!: Date | null;

  /** For a user message: replies started for it; the sweep gives up after a bound. */
  @Column('smallint', { name: 'reply_attempts', default: 0 })
  replyAttempts!: number;

  /** For a reply: the turn that produced it (the correlation id of its log lines and trace). */
  @Column('uuid', { name: 'turn_id', nullable: true })
  turnId!: string | null;

  /** For a reply: the latest user message it answers. */
  @Column('uuid', { name: 'in_reply_to', nullable: true })
  inReplyTo!: string | null;

  @Column('varchar', { length: 16 })
  status!: MessageStatus;

  @Column('varchar', { name: 'error_code', length: 64, nullable: true })
  errorCode!: string | null;

  @Column('varchar', { length: 200, nullable: true })
  model!: string | null;

  @Column('varchar', { name: 'prompt_version', length: 100, nullable: true })
  promptVersion!: string | null;

  /**
   * For a reply: how the turn was routed (docs/model-loop.md): route, endpoint, model or adapter,
   * prompt set, sampling, reason code, and the experiment variant when one was served.
   */
  @Column('jsonb', { nullable: true })
  route!: ReplyRoute | null;

  /**
   * For a reply: another version of it (a regenerate, or the user's choice of another) is the one
   * the conversation shows; this one is kept, out of prompts and recall.
   */
  @Column('timestamptz', { name: 'replaced_at', nullable: true })
  replacedAt!: Date | null;

  @Column('integer', { name: 'ttft_ms', nullable: true })
  ttftMs!: number | null;

  @Column('integer', { name: 'total_ms', nullable: true })
  totalMs!: number | null;

  @Column('integer', { name: 'prompt_tokens', nullable: true })
  promptTokens!: number | null;

  @Column('integer', { name: 'completion_tokens', nullable: true })
  completionTokens!: number | null;

  /** The pod generating this reply and until when its claim holds (renewed while streaming). */
  @Column('varchar', { name: 'lease_owner', length: 100, nullable: true })
  leaseOwner!: string | null;

  @Column('timestamptz', { name: 'lease_expires_at', nullable: true })
  leaseExpiresAt!: Date | null;

  /**
   * A BRIN index (migration AnalyticsRollups, not expressible here) lets the analytics roll-up
   * read one day of every user's messages without a scan; rows arrive in time order, so it costs
   * the writes next to nothing.
   */
  @Index('IDX_messages_created_brin', { synchronize: false })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;
}

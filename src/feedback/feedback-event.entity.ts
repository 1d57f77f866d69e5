import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { MessageEntity } from '../conversation/message.entity.js';

/**
 * What a user did about a reply: `rating` (thumbs up or down; the latest counts), `edit` (the
 * user's better wording, kept beside the original), `regenerate` (asked for a new version),
 * `choose` (kept this version of several), and `followup` (answered the reply with a message
 * read as positive; written by the turn, not the client). Append-only: each row is one act, and
 * the current state of a reply is read from its latest rows.
 */
@Entity('feedback_events')
// Idempotency: a clientMsgId is used once per user; a repeat finds the stored act.
@Index('UQ_feedback_events_user_client_msg', ['userId', 'clientMsgId'], {
  unique: true,
  where: '"client_msg_id" IS NOT NULL',
})
// A reply's acts, latest first (its rating now; the trace view; results per variant).
@Index('IDX_feedback_events_reply', ['replyId', 'createdAt'])
// Training-data exports read a window of acts in (time, id) order.
@Index('IDX_feedback_events_time', ['createdAt', 'id'])
// Results per variant read an experiment's acts.
@Index('IDX_feedback_events_experiment', ['experiment', 'variant'], {
  where: '"experiment" IS NOT NULL',
})
// A user's acts: their export and deletion.
@Index('IDX_feedback_events_user', ['userId', 'createdAt'])
export class FeedbackEventEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @Column('uuid', { name: 'reply_id' })
  replyId!: string;

  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reply_id' })
  reply?: MessageEntity;

  @Column('uuid', { name: 'conversation_id' })
  conversationId!: string;

  /** `rating`, `edit`, `regenerate`, `choose` or `followup`. */
  @Column('varchar', { length: 16 })
  kind!: string;

  /** For a rating: `up` or `down`. */
  @Column('varchar', { length: 8, nullable: true })
  rating!: string | null;

  /** For a rating: a short reason code the app offers (`too_long`, `off_topic`, ...). */
  @Column('varchar', { length: 64, nullable: true })
  reason!: string | null;

  /** For an edit: the user's wording. */
  @Column('text', { nullable: true })
  text!: string | null;

  /** The experiment and variant that served the reply, copied from it (results per variant). */
  @Column('varchar', { length: 64, nullable: true })
  experiment!: string | null;

  @Column('varchar', { length: 64, nullable: true })
  variant!: string | null;

  @Column('varchar', { name: 'client_msg_id', length: 128, nullable: true })
  clientMsgId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

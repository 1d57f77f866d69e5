import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
} from 'typeorm';
import { MessageEntity } from '../conversation/message.entity.js';

/** Why a reply said what it said: what went into its prompt, and how it went (src/turn). */
@Entity('turn_traces')
// Operators look a trace up by the user message it answered, too.
@Index('IDX_turn_traces_answering', ['answeringId'])
// A user's traces: their export, deletion, and scrubbing what they asked to forget.
@Index('IDX_turn_traces_user', ['userId', 'createdAt'])
export class TurnTraceEntity {
  @PrimaryColumn('uuid', { name: 'reply_id' })
  replyId!: string;

  @OneToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reply_id' })
  reply?: MessageEntity;

  /** The turn's correlation id: every log line of the turn carries it. */
  @Column('uuid', { name: 'turn_id', nullable: true })
  turnId!: string | null;

  /** The latest user message the reply answered. */
  @Column('uuid', { name: 'answering_id', nullable: true })
  answeringId!: string | null;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @Column('jsonb')
  trace!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

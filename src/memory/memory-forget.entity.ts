import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { UserEntity } from '../conversation/user.entity.js';

/**
 * One "forget that" carried out, kept so the user can undo it until `undo_until`: what it took
 * out of the companion's memory (the messages, and the memories deleted, as they were). After
 * that the saved memories are erased and only the ids and times stay.
 */
@Entity('memory_forgets')
// The user's recent forgets (the undo list), and the purge of expired ones.
@Index('IDX_memory_forgets_user', ['userId', 'createdAt'])
@Index('IDX_memory_forgets_purge', ['undoUntil'], { where: '"saved_memories" IS NOT NULL' })
// Forgets whose follow-up (summaries, traces) has not run yet, for the sweep.
@Index('IDX_memory_forgets_follow_up', ['createdAt'], { where: '"followed_up_at" IS NULL' })
export class MemoryForgetEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('varchar', { length: 16 })
  scope!: string;

  /** The words naming what was forgotten (for the user's list); null for "the last thing". */
  @Column('text', { nullable: true })
  topic!: string | null;

  /** The messages taken out of prompts, recall and extraction. */
  @Column('uuid', { name: 'message_ids', array: true })
  messageIds!: string[];

  /** The request and the reply to it: out of memory for good (an undo leaves them out). */
  @Column('uuid', { name: 'request_message_ids', array: true, default: () => "'{}'" })
  requestMessageIds!: string[];

  /** The memories deleted, as they were (for undo); null once the undo window has passed. */
  @Column('jsonb', { name: 'saved_memories', nullable: true })
  savedMemories!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'undo_until' })
  undoUntil!: Date;

  @Column('timestamptz', { name: 'undone_at', nullable: true })
  undoneAt!: Date | null;

  /** When the summaries were redone and the traces scrubbed (null: the sweep will do it). */
  @Column('timestamptz', { name: 'followed_up_at', nullable: true })
  followedUpAt!: Date | null;
}

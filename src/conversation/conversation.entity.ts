import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from './user.entity.js';

@Entity('conversations')
@Index('IDX_conversations_user_activity', ['userId', 'lastMessageAt'])
export class ConversationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('varchar', { length: 120, nullable: true })
  title!: string | null;

  /** The last `seq` handed out in this conversation; incremented in the inserting transaction. */
  @Column('integer', { name: 'last_seq', default: 0 })
  lastSeq!: number;

  @Column('integer', { name: 'message_count', default: 0 })
  messageCount!: number;

  @Column('timestamptz', { name: 'last_message_at', nullable: true })
  lastMessageAt!: Date | null;

  /**
   * A rolling summary of the turns up to `summary_until_seq`, for when they no longer fit. Written
   * by memory's summary job through MessageRepository.saveSummary.
   */
  @Column('text', { nullable: true })
  summary!: string | null;

  @Column('integer', { name: 'summary_until_seq', default: 0 })
  summaryUntilSeq!: number;

  /**
   * An operator who took the conversation over (docs/operator.md#takeover): while set, the model
   * is not asked; the user's messages are settled for the operator to answer.
   */
  @Column('varchar', { name: 'taken_over_by', length: 128, nullable: true })
  takenOverBy!: string | null;

  @Column('timestamptz', { name: 'taken_over_at', nullable: true })
  takenOverAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
} from 'typeorm';
import { ConversationEntity } from '../conversation/conversation.entity.js';
import { MessageEntity } from '../conversation/message.entity.js';
import { UserEntity } from '../conversation/user.entity.js';
import type { TurnAffect } from './fuse-affect.js';
import type { TextEmotion } from './text-emotion.js';

/** How a user message was said and meant, as fused at reply time (src/affect/fuse-affect.ts). */
@Entity('turn_affects')
// Analytics and memory read a user's emotional history in time order.
@Index('IDX_turn_affects_user_time', ['userId', 'createdAt'])
export class TurnAffectEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @OneToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: MessageEntity;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('uuid', { name: 'conversation_id' })
  conversationId!: string;

  @ManyToOne(() => ConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: ConversationEntity;

  @Column('real')
  valence!: number;

  @Column('real')
  arousal!: number;

  @Column('varchar', { length: 16 })
  label!: string;

  @Column('real')
  confidence!: number;

  @Column('varchar', { length: 32, nullable: true })
  incongruence!: string | null;

  @Column('jsonb')
  affect!: TurnAffect;

  @Column('jsonb', { name: 'text_emotion', nullable: true })
  textEmotion!: TextEmotion | null;

  /** BRIN (migration AnalyticsRollups): the analytics roll-up reads one day of every user's rows. */
  @Index('IDX_turn_affects_created_brin', { synchronize: false })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

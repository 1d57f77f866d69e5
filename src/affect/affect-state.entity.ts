import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ConversationEntity } from '../conversation/conversation.entity.js';
import { UserEntity } from '../conversation/user.entity.js';

/** What affect keeps about a user: their usual voice and their mood across conversations. */
@Entity('affect_user_states')
export class AffectUserStateEntity {
  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** Running statistics of the user's voice (src/affect/voice-baseline.ts), updated by a job. */
  @Column('jsonb', { name: 'voice_baseline', nullable: true })
  voiceBaseline!: unknown;

  /** The last clips folded into the baseline: a clip whose job runs twice is folded once. */
  @Column('uuid', { name: 'baseline_clip_ids', array: true, default: () => "'{}'" })
  baselineClipIds!: string[];

  /** The user's mood across conversations (src/affect/mood-trajectory.ts). */
  @Column('jsonb', { nullable: true })
  mood!: unknown;

  /** Bumped by every mood write: a write based on an older read is refused and done again. */
  @Column('integer', { name: 'mood_version', default: 0 })
  moodVersion!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The mood over one conversation's turns (src/affect/mood-trajectory.ts). */
@Entity('affect_conversation_states')
// A user's data is found (exported, deleted) by user.
@Index('IDX_affect_conversation_states_user', ['userId'])
export class AffectConversationStateEntity {
  @PrimaryColumn('uuid', { name: 'conversation_id' })
  conversationId!: string;

  @OneToOne(() => ConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: ConversationEntity;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('jsonb', { nullable: true })
  mood!: unknown;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

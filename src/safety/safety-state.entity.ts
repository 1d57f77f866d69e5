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

/**
 * What safety keeps about a user: the risk that builds up across conversations and days (and
 * decays), the age band, and the session clock behind disclosure and break notices.
 */
@Entity('safety_user_states')
export class SafetyUserStateEntity {
  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** The accumulated risk score at `risk_at` (src/safety/risk/accumulate.ts decays it from there). */
  @Column('real', { name: 'risk_score', default: 0 })
  riskScore!: number;

  @Column('timestamptz', { name: 'risk_at', nullable: true })
  riskAt!: Date | null;

  /** `minor` or `adult`; null when neither the token nor the app said. */
  @Column('varchar', { name: 'age_band', length: 16, nullable: true })
  ageBand!: string | null;

  /** The current session: when it started and when the user was last active in it. */
  @Column('timestamptz', { name: 'session_started_at', nullable: true })
  sessionStartedAt!: Date | null;

  @Column('timestamptz', { name: 'last_active_at', nullable: true })
  lastActiveAt!: Date | null;

  @Column('timestamptz', { name: 'last_disclosure_at', nullable: true })
  lastDisclosureAt!: Date | null;

  @Column('timestamptz', { name: 'last_break_at', nullable: true })
  lastBreakAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The risk of one conversation: what puts its later turns in care mode until it decays. */
@Entity('safety_conversation_states')
@Index('IDX_safety_conversation_states_user', ['userId'])
export class SafetyConversationStateEntity {
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

  @Column('real', { name: 'risk_score', default: 0 })
  riskScore!: number;

  @Column('timestamptz', { name: 'risk_at', nullable: true })
  riskAt!: Date | null;

  /** The last crisis protocol reply in the conversation. */
  @Column('timestamptz', { name: 'last_crisis_at', nullable: true })
  lastCrisisAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

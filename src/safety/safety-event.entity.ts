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
 * A crisis protocol reply given: the detector's reading (evidence codes, never text), the
 * protocol's version and the resources shown. What the yearly referral report counts; when the
 * account is deleted it stays without anything that names the user or their messages.
 */
@Entity('crisis_events')
// The yearly report counts by time.
@Index('IDX_crisis_events_created', ['createdAt'])
@Index('IDX_crisis_events_user', ['userId'], { where: '"user_id" IS NOT NULL' })
export class CrisisEventEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { name: 'user_id', length: 128, nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('uuid', { name: 'conversation_id', nullable: true })
  conversationId!: string | null;

  /** The user message that read as a crisis, and the protocol reply. */
  @Column('uuid', { name: 'message_id', nullable: true })
  messageId!: string | null;

  @Column('uuid', { name: 'reply_id', nullable: true })
  replyId!: string | null;

  @Column('varchar', { length: 16 })
  level!: string;

  @Column('varchar', { array: true, default: () => "'{}'" })
  categories!: string[];

  /** What the detectors found: stable codes and weights, and the guard model's answer. */
  @Column('jsonb')
  evidence!: unknown;

  /** The protocol template's version (prompts/safety/…@hash). */
  @Column('varchar', { name: 'protocol_version', length: 64 })
  protocolVersion!: string;

  @Column('varchar', { length: 35 })
  locale!: string;

  /** Ids of the crisis resources the reply gave (a referral when not empty). */
  @Column('varchar', { array: true, default: () => "'{}'" })
  resources!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * Something operators must see: a crisis, or a reply the output check withheld. The operator
 * tools build their queue on these; `/operator` is told of each as it is raised.
 */
@Entity('safety_flags')
@Index('IDX_safety_flags_queue', ['status', 'priority', 'createdAt'])
// The operators' queue reads open and escalated flags in this order, a page at a time.
@Index('IDX_safety_flags_review', ['priority', 'createdAt', 'id'], {
  where: `"status" <> 'closed'`,
})
@Index('IDX_safety_flags_user', ['userId'])
export class SafetyFlagEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** `crisis`, `output_blocked`, `report`, `rule` or `repeated_refusals`. */
  @Column('varchar', { length: 24 })
  kind!: string;

  /** 1 is the most urgent. */
  @Column('smallint')
  priority!: number;

  @Column('varchar', { length: 48 })
  category!: string;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('uuid', { name: 'conversation_id' })
  conversationId!: string;

  /** The message it is about: the user's (crisis) or the reply (withheld output). */
  @Column('uuid', { name: 'message_id' })
  messageId!: string;

  /** Review state: `open`, `escalated` or `closed`. */
  @Column('varchar', { length: 16, default: 'open' })
  status!: string;

  /** What raised it: `crisis`, `output_blocked`, `report` (the user) or `rule`. */
  @Column('varchar', { length: 24 })
  source!: string;

  /** How grave, in the raiser's terms (a crisis: `critical` or `high`). */
  @Column('varchar', { length: 16, nullable: true })
  severity!: string | null;

  /** The operator working on it, until `claim_expires_at`. */
  @Column('varchar', { length: 128, nullable: true })
  assignee!: string | null;

  @Column('timestamptz', { name: 'claim_expires_at', nullable: true })
  claimExpiresAt!: Date | null;

  /** When it should have been looked at, by its priority. */
  @Column('timestamptz', { name: 'sla_due_at', nullable: true })
  slaDueAt!: Date | null;

  /** Operators' labels (tags) on it; each change is also a moderation event. */
  @Column('varchar', { array: true, length: 32, default: () => "'{}'" })
  labels!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A notice the user was given (AI disclosure, break reminder): the compliance record. */
@Entity('compliance_events')
@Index('IDX_compliance_events_user', ['userId', 'createdAt'])
export class ComplianceEventEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('uuid', { name: 'conversation_id', nullable: true })
  conversationId!: string | null;

  /** `ai_disclosure` or `break_reminder`. */
  @Column('varchar', { length: 24 })
  kind!: string;

  /** The policy that asked for it: jurisdiction and age band, e.g. `us-ca:minor`. */
  @Column('varchar', { length: 48 })
  policy!: string;

  /** The notice template's version. */
  @Column('varchar', { name: 'text_version', length: 64 })
  textVersion!: string;

  /** BRIN (migration AnalyticsRollups): the analytics roll-up reads one day of every user's rows. */
  @Index('IDX_compliance_events_created_brin', { synchronize: false })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

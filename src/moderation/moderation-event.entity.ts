import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One moderation event: an operator's action (or the system's, or the user's own report or
 * appeal) about a subject. Append-only: a subject's history is the list of its events, and what
 * is in force for a user (user_restrictions) is derived from them as they are written.
 */
@Entity('moderation_events')
// A user's history, newest first (the operator's subject view, the user's own list, the export).
@Index('IDX_moderation_events_user_time', ['userId', 'createdAt'])
// The history of a message, conversation or flag.
@Index('IDX_moderation_events_subject_time', ['subjectKind', 'subjectId', 'createdAt'])
// Appeals waiting for an answer, oldest first.
@Index('IDX_moderation_events_appeals', ['createdAt', 'id'], { where: `"action" = 'appeal'` })
export class ModerationEventEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** `user`, `message`, `conversation` or `flag`. */
  @Column('varchar', { name: 'subject_kind', length: 16 })
  subjectKind!: string;

  @Column('varchar', { name: 'subject_id', length: 128 })
  subjectId!: string;

  /** The user concerned. */
  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  /** The operator's id, `system`, or the user's own id (reports, appeals). */
  @Column('varchar', { length: 128 })
  actor!: string;

  @Column('varchar', { length: 24 })
  action!: string;

  @Column('text', { nullable: true })
  reason!: string | null;

  /** The policy the action applies (a short name of the rule broken). */
  @Column('varchar', { length: 64, nullable: true })
  policy!: string | null;

  /** Until when a mute or suspension runs. */
  @Column('timestamptz', { nullable: true })
  until!: Date | null;

  @Column('jsonb', { nullable: true })
  data!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * What is in force for a user, kept in step with the events in the same statement that appends
 * them: the gateway reads one row by primary key per message and handshake.
 */
@Entity('user_restrictions')
export class UserRestrictionEntity {
  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @Column('timestamptz', { name: 'muted_until', nullable: true })
  mutedUntil!: Date | null;

  @Column('timestamptz', { name: 'suspended_until', nullable: true })
  suspendedUntil!: Date | null;

  @Column('boolean', { default: false })
  banned!: boolean;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A user as the identity provider names them: the JWT `sub` is the primary key. */
@Entity('users')
export class UserEntity {
  @PrimaryColumn('varchar', { length: 128 })
  id!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_seen_at', nullable: true })
  lastSeenAt!: Date | null;

  /** Running statistics of the user's voice (src/affect/voice-baseline.ts), updated by a job. */
  @Column('jsonb', { name: 'voice_baseline', nullable: true })
  voiceBaseline!: unknown;

  /**
   * Memory extraction has read this user's messages up to this one: its time and id (messages
   * are read in (created_at, id) order, so ties in time are not skipped).
   */
  @Column('timestamptz', { name: 'memory_cursor', nullable: true })
  memoryCursor!: Date | null;

  @Column('uuid', { name: 'memory_cursor_id', nullable: true })
  memoryCursorId!: string | null;

  /** The user's mood across conversations (src/affect/mood-trajectory.ts). */
  @Column('jsonb', { nullable: true })
  mood!: unknown;
}

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user as the identity provider names them: the JWT `sub` is the primary key. What other
 * modules learn about a user lives in their own tables, keyed by this id (affect_user_states,
 * memory_cursors, memories, ...), and goes with it.
 */
@Entity('users')
export class UserEntity {
  @PrimaryColumn('varchar', { length: 128 })
  id!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_seen_at', nullable: true })
  lastSeenAt!: Date | null;

  /** BCP 47 language tag the app (or the token's `locale` claim) gave last; null when never. */
  @Column('varchar', { length: 35, nullable: true })
  locale!: string | null;

  /** IANA time zone the app (or the token's `zoneinfo` claim) gave last; null when never. */
  @Column('varchar', { name: 'time_zone', length: 64, nullable: true })
  timeZone!: string | null;

  /** The app's platform (`ios`, `android`, `web`, `desktop`) from its last handshake; null when never. */
  @Column('varchar', { length: 16, nullable: true })
  platform!: string | null;

  /** The app's version from its last handshake (validated); null when never. */
  @Column('varchar', { name: 'app_version', length: 32, nullable: true })
  appVersion!: string | null;
}

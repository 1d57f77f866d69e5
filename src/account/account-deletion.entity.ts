import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DeletionStatus = 'pending' | 'running' | 'done' | 'failed';

/**
 * A user's request to delete their account's data, and how far it got. Kept after the data is
 * gone (it holds the id and times only) so that the status can be read and a repeat is a no-op.
 */
@Entity('account_deletions')
export class AccountDeletionEntity {
  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @Column('varchar', { length: 16 })
  status!: DeletionStatus;

  @Column('timestamptz', { name: 'requested_at' })
  requestedAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  /** Rows removed per table (no content). */
  @Column('jsonb', { nullable: true })
  deleted!: Record<string, number> | null;

  @Column('integer', { default: 0 })
  attempts!: number;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The user's word on whether their conversations may train the model: append-only, each with
 * its time and the version of the consent text it answered. The latest counts; without any row
 * the answer is no. Kept by user id alone (a user may answer before they ever chat).
 */
@Entity('training_consents')
// The latest answer of a user (exports filter on it; the user's export lists them all).
@Index('IDX_training_consents_user', ['userId', 'createdAt'])
export class TrainingConsentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @Column('boolean')
  training!: boolean;

  /** The consent text's version the user answered. */
  @Column('varchar', { length: 32 })
  version!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

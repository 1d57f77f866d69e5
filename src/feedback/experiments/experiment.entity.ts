import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExperimentDefinition } from './experiment-definition.js';

/**
 * An experiment as it runs (docs/model-loop.md): its definition (from the admin API, or seeded
 * from the routing file), its status, and the variants a guardrail or an admin stopped. Every pod
 * reads these every few seconds, in the background.
 */
@Entity('experiments')
export class ExperimentEntity {
  @PrimaryColumn('varchar', { length: 64 })
  key!: string;

  @Column('jsonb')
  definition!: ExperimentDefinition;

  /** `draft`, `running` or `stopped`. */
  @Column('varchar', { length: 16 })
  status!: string;

  /** Variants that serve no more turns (their users get the control). */
  @Column('varchar', { name: 'stopped_variants', array: true, length: 64, default: () => "'{}'" })
  stoppedVariants!: string[];

  /** Why each stopped variant stopped (`guardrail:error_rate`, `admin`). */
  @Column('jsonb', { name: 'stop_reasons', default: () => "'{}'" })
  stopReasons!: Record<string, string>;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'stopped_at', nullable: true })
  stoppedAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * A user's variant in an experiment, stored when a reply of it is first served: from then on the
 * user keeps it on every pod, whatever the split becomes (sticky assignment).
 */
@Entity('experiment_exposures')
// The user's assignments, read once per user and pod (cached) while experiments run.
@Index('IDX_experiment_exposures_user', ['userId'])
export class ExperimentExposureEntity {
  @PrimaryColumn('varchar', { name: 'experiment_key', length: 64 })
  experimentKey!: string;

  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @Column('varchar', { length: 64 })
  variant!: string;

  @Column('timestamptz', { name: 'first_exposed_at', default: () => 'now()' })
  firstExposedAt!: Date;
}

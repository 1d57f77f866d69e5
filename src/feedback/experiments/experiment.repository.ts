import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInBatches } from '../../common/keyset.js';
import type { Row } from '../../common/sql-rows.js';
import type { ExperimentDefinition } from './experiment-definition.js';

export interface ExperimentRow {
  key: string;
  definition: ExperimentDefinition;
  status: 'draft' | 'running' | 'stopped';
  stoppedVariants: string[];
  stopReasons: Record<string, string>;
  startedAt: Date | null;
  stoppedAt: Date | null;
  updatedAt: Date;
}

/** The one owner of `experiments` and `experiment_exposures`. */
@Injectable()
export class ExperimentRepository {
  constructor(private readonly db: DataSource) {}

  async list(): Promise<ExperimentRow[]> {
    const rows = await this.db.query<Row[]>(`SELECT * FROM experiments ORDER BY key`);
    return rows.map(toRow);
  }

  async find(key: string): Promise<ExperimentRow | null> {
    const rows = await this.db.query<Row[]>(`SELECT * FROM experiments WHERE key = $1`, [key]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Stores experiments of the routing file that are not stored yet (the stored one wins). */
  async seed(definitions: readonly ExperimentDefinition[]): Promise<void> {
    for (const d of definitions) {
      await this.db.query(
        `INSERT INTO experiments (key, definition, status, started_at)
         VALUES ($1, $2, $3::varchar, CASE WHEN $3::varchar = 'running' THEN now() END) ON CONFLICT (key) DO NOTHING`,
        [d.key, JSON.stringify(d), d.status],
      );
    }
  }

  /** Creates an experiment; false when the key is taken. */
  async create(d: ExperimentDefinition): Promise<boolean> {
    const rows = await this.db.query<Row[]>(
      `INSERT INTO experiments (key, definition, status, started_at)
       VALUES ($1, $2, $3::varchar, CASE WHEN $3::varchar = 'running' THEN now() END)
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      [d.key, JSON.stringify(d), d.status],
    );
    return rows.length === 1;
  }

  /** Replaces the definition (its split, targeting, guardrails); keeps status and stopped variants. */
  async update(d: ExperimentDefinition): Promise<ExperimentRow | null> {
    const rows = await this.db.query<Row[]>(
      `UPDATE experiments SET definition = $2, updated_at = now() WHERE key = $1 RETURNING *`,
      [d.key, JSON.stringify({ ...d })],
    );
    const r = first(rows);
    return r ? toRow(r) : null;
  }

  async setStatus(key: string, status: 'running' | 'stopped'): Promise<ExperimentRow | null> {
    const rows = await this.db.query<Row[]>(
      `UPDATE experiments
          SET status = $2::varchar, updated_at = now(),
              started_at = CASE WHEN $2::varchar = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
              stopped_at = CASE WHEN $2::varchar = 'stopped' THEN now() ELSE NULL END
        WHERE key = $1 RETURNING *`,
      [key, status],
    );
    const r = first(rows);
    return r ? toRow(r) : null;
  }

  /** Stops one variant (its users get the control from now on); a repeat changes nothing. */
  async stopVariant(key: string, variant: string, reason: string): Promise<boolean> {
    const rows = await this.db.query<Row[]>(
      `UPDATE experiments
          SET stopped_variants = array_append(stopped_variants, $2::varchar),
              stop_reasons = stop_reasons || jsonb_build_object($2::text, $3::text), updated_at = now()
        WHERE key = $1 AND NOT ($2 = ANY(stopped_variants)) RETURNING key`,
      [key, variant, reason],
    );
    return first(rows) !== undefined;
  }

  /** The user's stored variants, by experiment. */
  /**
   * For the analytics roll-up: each of these users' experiment variant as of `before`, named
   * `experiment:variant` (the most recent first exposure when a user is in several).
   */
  async variantsAsOf(userIds: readonly string[], before: Date): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.query<Row[]>(
      `SELECT DISTINCT ON (user_id) user_id, experiment_key || ':' || variant AS variant
         FROM experiment_exposures
        WHERE user_id = ANY($1::varchar[]) AND first_exposed_at < $2
        ORDER BY user_id, first_exposed_at DESC, experiment_key`,
      [userIds, before],
    );
    return new Map(rows.map((r) => [r.user_id as string, r.variant as string]));
  }

  async assignmentsOf(userId: string): Promise<Map<string, string>> {
    const rows = await this.db.query<Array<{ experiment_key: string; variant: string }>>(
      `SELECT experiment_key, variant FROM experiment_exposures WHERE user_id = $1`,
      [userId],
    );
    return new Map(rows.map((r) => [r.experiment_key, r.variant]));
  }

  /** First exposures, many in one statement; an assignment already stored is kept. */
  async storeExposures(
    exposures: ReadonlyArray<{ key: string; userId: string; variant: string }>,
  ): Promise<void> {
    if (exposures.length === 0) return;
    await this.db.query(
      `INSERT INTO experiment_exposures (experiment_key, user_id, variant)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[])
       ON CONFLICT DO NOTHING`,
      [
        exposures.map((e) => e.key),
        exposures.map((e) => e.userId),
        exposures.map((e) => e.variant),
      ],
    );
  }

  /** Users exposed per variant (results; the sample-ratio check). */
  async exposureCounts(key: string): Promise<Map<string, number>> {
    const rows = await this.db.query<Array<{ variant: string; n: string }>>(
      `SELECT variant, count(*) AS n FROM experiment_exposures WHERE experiment_key = $1 GROUP BY variant`,
      [key],
    );
    return new Map(rows.map((r) => [r.variant, Number(r.n)]));
  }

  async exportUserData(userId: string): Promise<Row[]> {
    return this.db.query<Row[]>(
      `SELECT experiment_key, variant, first_exposed_at FROM experiment_exposures WHERE user_id = $1`,
      [userId],
    );
  }

  deleteUserData(userId: string): Promise<number> {
    return deleteInBatches(
      this.db,
      `DELETE FROM experiment_exposures WHERE (experiment_key, user_id) IN
         (SELECT experiment_key, user_id FROM experiment_exposures WHERE user_id = $1 LIMIT $2)
       RETURNING user_id`,
      userId,
    );
  }
}

/** UPDATE ... RETURNING comes back as [rows, count] from TypeORM. */
function first(rows: unknown): Row {
  const list = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as Row[]) : (rows as Row[]);
  return list[0];
}

function toRow(r: Row): ExperimentRow {
  return {
    key: r.key as string,
    definition: r.definition as ExperimentDefinition,
    status: r.status as ExperimentRow['status'],
    stoppedVariants: (r.stopped_variants as string[] | null) ?? [],
    stopReasons: (r.stop_reasons as Record<string, string> | null) ?? {},
    startedAt: (r.started_at as Date | null) ?? null,
    stoppedAt: (r.stopped_at as Date | null) ?? null,
    updatedAt: r.updated_at as Date,
  };
}

import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';
import { installPgQueryCallbacks } from './pg-query-callbacks.js';
import { QuietTypeOrmLogger } from './typeorm-logger.js';

/** How long an idle pooled connection is kept before it is closed. */
export const IDLE_MS = 300_000;

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  // TypeORM's queries use pg's promise form: see pg-query-callbacks.ts for why it is rerouted.
  installPgQueryCallbacks();
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger: new QuietTypeOrmLogger(),
    logging: ['error', 'warn', 'migration', 'schema'],
    maxQueryExecutionTime: 500,
    // Connections stay open while idle (a PostgreSQL backend costs a fork and a cold plan cache
    // to open again; under bursty midnight traffic a 10 s idle timeout closed and reopened them
    // in storms that stalled every turn for a second).
    extra: { max: poolSize, application_name: 'companion-backend', idleTimeoutMillis: IDLE_MS },
  };
}

/** A pg advisory-lock key so that pods starting together run the migrations once, in turn. */
const MIGRATION_LOCK_KEY = 7_304_112_901;

/** Applies pending migrations under an advisory lock; returns the names it applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions(url, 2), logger: undefined, logging: false });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}

/** The SQL that would bring the database in line with the entities: empty when in sync. */
export async function pendingSchemaChanges(url: string): Promise<{ up: string[]; down: string[] }> {
  const ds = new DataSource({ ...dataSourceOptions(url, 2), logger: undefined, logging: false });
  await ds.initialize();
  try {
    const log = await ds.driver.createSchemaBuilder().log();
    return {
      up: log.upQueries.map((q) => q.query),
      down: log.downQueries.map((q) => q.query).reverse(),
    };
  } finally {
    await ds.destroy();
  }
}

import { createHash } from 'node:crypto';
import {
  type DynamicModule,
  Global,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { IDLE_MS } from './data-source.js';

/** Runs a statement and returns its rows. */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/**
 * Prepared statements over a pg pool: each connection parses and plans a statement once and
 * then only binds it (the SQL text names it), instead of planning it again on every call. For
 * the statements of a turn's path, where planning was a good share of the database's time.
 * Statement texts must not embed values (they never do here: values are parameters).
 */
export class Statements implements Queryable {
  private readonly names = new Map<string, string>();

  constructor(private readonly pool: pg.Pool) {}

  async query<T>(text: string, params: unknown[] = []): Promise<T> {
    let name = this.names.get(text);
    if (!name) {
      name = `q_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.names.set(text, name);
    }
    return (await this.pool.query({ name, text, values: params })).rows as T;
  }
}

const onDataSource = new WeakMap<DataSource, Statements>();

/**
 * Prepared statements on TypeORM's own pool (commits wait for the disk, as every other write),
 * one set per data source; the data source must be initialised.
 */
export function statementsOf(db: DataSource): Statements {
  let statements = onDataSource.get(db);
  if (!statements) {
    const driver = db.driver as unknown as { master?: pg.Pool };
    if (!driver.master) throw new Error('the data source is not a connected PostgreSQL pool');
    statements = new Statements(driver.master);
    onDataSource.set(db, statements);
  }
  return statements;
}

/**
 * Writes whose commit need not wait for the disk (`synchronous_commit = off`, on a small pool of
 * its own): they are committed and visible to everyone at once, and only a crash of the database
 * itself (not of this process) may lose the last fraction of a second of them. Used where losing
 * one costs nothing the user sent: the reply-slot claim (a lost claim leaves its message owed a
 * reply, which the awaiting-reply sweep answers), a turn's affect reading, and its trace. A user
 * message before its ack and a reply's text are never written here. Each of these writes waited
 * for an fsync on the turn's path otherwise.
 */
export class RelaxedWrites extends Statements implements OnApplicationShutdown {
  constructor(private readonly relaxedPool: pg.Pool) {
    super(relaxedPool);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relaxedPool.end();
  }
}

/** Platform module (global): the relaxed-commit pool beside TypeORM's data source. */
@Global()
@Module({})
export class RelaxedWritesModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: RelaxedWritesModule,
      providers: [
        {
          provide: RelaxedWrites,
          useFactory: () => {
            const pool = new pg.Pool({
              connectionString: url,
              max: poolSize,
              application_name: 'companion-backend',
              idleTimeoutMillis: IDLE_MS,
              options: '-c synchronous_commit=off',
            });
            // An idle connection that the server ends (a restart, a failover, the database
            // dropped) is an 'error' of the pool: without a listener it would end the process.
            // The pool drops that connection and opens another at the next query.
            pool.on('error', (e) =>
              new Logger(RelaxedWrites.name).warn(
                { err: e.message },
                'an idle relaxed-write connection was closed by the server',
              ),
            );
            return new RelaxedWrites(pool);
          },
        },
      ],
      exports: [RelaxedWrites],
    };
  }
}

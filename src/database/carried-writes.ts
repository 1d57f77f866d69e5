import { Logger } from '@nestjs/common';
import type { Queryable } from './statements.js';
import { placeholders } from './sql-parts.js';

/**
 * A write one module's statement carries for another, so that both cost one round trip: the
 * owner of the tables writes its data-modifying statements with each value given through `p`,
 * which returns the value's placeholder in the carrying statement, and `name(i)` the name its
 * statement `i` gets there (a later statement of the same write reads an earlier one's RETURNING
 * rows through it). The carrier puts each statement in a top-level WITH of its own
 * (`withCarried`); PostgreSQL runs them all, whatever the main query returns, in its transaction.
 *
 * A write that must know how its statements went (a guarded update that lost a race) gives a
 * `report`, a jsonb expression over its statements' names that the carrier returns, and `settle`,
 * which gets that report once the carrying statement has run (`settleCarried`).
 *
 * `took` is an SQL condition, true when the carrier's own write took effect (the reply's finish
 * found its reply still streaming); a write that belongs to that outcome only (the turn's trace)
 * puts it in its WHERE. Carriers without a condition of their own give `true`.
 */
export interface CarriedWrite {
  statements(p: (value: unknown) => string, name: (i: number) => string, took: string): string[];
  report?(name: (i: number) => string): string;
  settle?(report: unknown): Promise<void>;
}

/** The carrier's own part of the WITH clause, when its outcome is a condition for some writes. */
export interface CarrierStep {
  /** Named CTEs (`name AS (...)`, comma-separated) put before the carried writes. */
  ctes: string;
  /** An SQL condition over those CTEs: the carrier's write took effect (`CarriedWrite.took`). */
  took: string;
}

/** What a carrier adds to its statement for `writes`. */
export interface Carrying {
  /** The WITH clause (or ''): prefix it to the statement, which must not start with a WITH. */
  with: string;
  /** A jsonb array of the writes' reports, one per write (null for those without): select it. */
  reports: string;
}

/** The clauses for `writes`, their values appended to `values` after the carrier's own. */
export function withCarried(
  values: unknown[],
  writes: readonly CarriedWrite[],
  carrier?: CarrierStep,
): Carrying {
  const p = placeholders(values);
  const statements: string[] = [];
  const reports: string[] = [];
  for (const write of writes) {
    const first = statements.length;
    const name = (i: number) => `carried_${first + i}`;
    statements.push(...write.statements(p, name, carrier?.took ?? 'true'));
    reports.push(write.report?.(name) ?? 'NULL::jsonb');
  }
  const ctes = [
    ...(carrier ? [carrier.ctes] : []),
    ...statements.map((s, i) => `carried_${i} AS (${s})`),
  ];
  return {
    with: ctes.length ? `WITH ${ctes.join(',\n')}\n` : '',
    reports: reports.length ? `jsonb_build_array(${reports.join(', ')})` : `'[]'::jsonb`,
  };
}

const logger = new Logger('CarriedWrites');

/**
 * Gives each write its report, once the statement that carried them has run. A write whose
 * follow-up fails is logged, not thrown: what the carrier stored stays stored.
 */
export async function settleCarried(
  writes: readonly CarriedWrite[],
  reports: unknown,
): Promise<void> {
  const each = Array.isArray(reports) ? (reports as unknown[]) : [];
  for (const [i, write] of writes.entries()) {
    if (!write.settle) continue;
    await write
      .settle(each[i] ?? null)
      .catch((e: unknown) =>
        logger.error({ err: String(e) }, "a carried write's follow-up failed"),
      );
  }
}

/** Writes sent on their own, in one statement (the one that was to carry them failed, or none was). */
export async function sendCarried(db: Queryable, writes: readonly CarriedWrite[]): Promise<void> {
  const values: unknown[] = [];
  const carrying = withCarried(values, writes);
  if (!carrying.with) return;
  const rows = await db.query<Array<{ reports: unknown }>>(
    `${carrying.with}SELECT ${carrying.reports} AS reports`,
    values,
  );
  await settleCarried(writes, rows[0]?.reports);
}

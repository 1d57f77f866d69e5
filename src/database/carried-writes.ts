import type { Queryable } from './statements.js';
import { placeholders } from './sql-parts.js';

/**
 * A write one module's statement carries for another, so that both cost one round trip: the
 * owner of the tables writes its data-modifying statements (no RETURNING needed) with each value
 * given through `p`, which returns the value's placeholder in the carrying statement. The
 * carrier puts each statement in a top-level WITH of its own (`withCarried`); PostgreSQL runs
 * them all, whatever the main query returns, in its transaction.
 */
export type CarriedWrite = (p: (value: unknown) => string) => string[];

/**
 * The WITH clause (or '') for `writes`, their values appended to `values` after the carrier's
 * own. Prefix it to the carrier's statement (which must not start with a WITH of its own).
 */
export function withCarried(values: unknown[], writes: readonly CarriedWrite[]): string {
  const p = placeholders(values);
  const statements = writes.flatMap((write) => write(p));
  if (statements.length === 0) return '';
  return `WITH ${statements.map((s, i) => `carried_${i} AS (${s})`).join(',\n')}\n`;
}

/** Writes sent on their own, in one statement (the one that was to carry them failed, or none was). */
export async function sendCarried(db: Queryable, writes: readonly CarriedWrite[]): Promise<void> {
  const values: unknown[] = [];
  const carrying = withCarried(values, writes);
  if (carrying) await db.query(`${carrying}SELECT 1`, values);
}

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
  const p = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const statements = writes.flatMap((write) => write(p));
  if (statements.length === 0) return '';
  return `WITH ${statements.map((s, i) => `carried_${i} AS (${s})`).join(',\n')}\n`;
}

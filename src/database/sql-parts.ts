import type { Row } from '../common/sql-rows.js';

/** Columns to read, each under the name it is read as: `[name, column SQL]`. */
export type NamedColumns = ReadonlyArray<readonly [string, string]>;

/**
 * A placeholder maker for a statement composed of parts: each value is appended to `values`
 * (after the statement's own) and its `$n` returned.
 */
export function placeholders(values: unknown[]): (value: unknown) => string {
  return (value) => {
    values.push(value);
    return `$${values.length}`;
  };
}

/** `column AS name, ...`: a select list. */
export function selectAs(columns: NamedColumns): string {
  return columns.map(([name, column]) => `${column} AS ${name}`).join(', ');
}

/** `jsonb_build_object('name', column, ...)`: the same columns as one jsonb value. */
export function jsonbObject(columns: NamedColumns): string {
  return `jsonb_build_object(${columns.map(([name, column]) => `'${name}', ${column}`).join(', ')})`;
}

/** A row read back from jsonb, with its timestamp fields (ISO strings there) as Dates again. */
export function withDates(row: Row, fields: readonly string[]): Row {
  const out: Row = { ...row };
  for (const field of fields) {
    const v = row[field];
    out[field] = typeof v === 'string' ? new Date(v) : null;
  }
  return out;
}

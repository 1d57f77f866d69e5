import type { Row } from './sql-rows.js';

/** Runs a statement and returns its rows (the DataSource, a pool, a transaction). */
interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/** Rows per page when a user's data is streamed (export) or deleted in batches. */
export const PAGE_ROWS = 500;

/**
 * Reads a user's rows page by page in the order of a (time, id) key, so that memory stays
 * constant whatever the user's history (the export). `sql` must select `k_at` (the time as
 * Postgres text: microseconds kept) and `k_id`, filter `(time, id) > ($2::timestamptz, $3)`, order
 * by the key and `LIMIT $4`; `$1` is the user id. Until `$2` and `$3` are null, the first page.
 */
export async function* keysetRows(
  db: Queryable,
  sql: string,
  userId: string,
  pageRows = PAGE_ROWS,
): AsyncGenerator<Row> {
  let after: [string | null, string | null] = [null, null];
  for (;;) {
    const rows = await db.query<Row[]>(sql, [userId, after[0], after[1], pageRows]);
    for (const row of rows) {
      const { k_at, k_id, ...rest } = row;
      void k_at;
      void k_id;
      yield rest;
    }
    if (rows.length < pageRows) return;
    const last = rows[rows.length - 1];
    after = [last.k_at as string, last.k_id as string];
  }
}

/**
 * Deletes a user's rows in batches (`sql` deletes at most `$2` rows of user `$1` and returns
 * them), so that no statement holds locks on a large history for long; returns how many went.
 */
export async function deleteInBatches(
  db: Queryable,
  sql: string,
  userId: string,
  batchRows = PAGE_ROWS,
): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.query<unknown>(sql, [userId, batchRows]);
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
    const n = Array.isArray(rows) ? rows.length : 0;
    total += n;
    if (n < batchRows) return total;
  }
}

export type Row = Record<string, unknown>;

/** The rows of a raw query: TypeORM returns [rows, count] for UPDATE/DELETE ... RETURNING on Postgres. */
export function updatedRows(result: unknown): Row[] {
  if (Array.isArray(result) && Array.isArray(result[0])) return result[0] as Row[];
  return (result as Row[]) ?? [];
}

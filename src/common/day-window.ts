/**
 * A span of local calendar days read by the analytics roll-up from an owner's table: the instants
 * `[from, to)`, the zone whose calendar names the days, and optionally only some users.
 */
export interface DayWindow {
  from: Date;
  to: Date;
  timeZone: string;
  userIds?: readonly string[];
}

/** `AND <column> = ANY($n)` when the window names users; adds the parameter. */
export function userFilter(window: DayWindow, column: string, params: unknown[]): string {
  if (!window.userIds) return '';
  params.push(window.userIds);
  return ` AND ${column} = ANY($${params.length}::varchar[])`;
}

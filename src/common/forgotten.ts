/** What stands in for text the user asked to forget, wherever a copy of it was kept. */
export const FORGOTTEN = '[forgotten]';

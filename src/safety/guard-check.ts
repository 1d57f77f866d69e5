/** The optional guard model as the safety service asks it (src/safety/guard/). */
export interface GuardCheck {
  /** The guard's reading of a user message; null when it did not answer within its budget. */
  check(text: string): Promise<{ safety: string; categories: string[] } | null>;
}

/** The injection token of the GuardCheck (absent when SAFETY_BASE_URL is not set). */
export const GUARD = Symbol('GUARD');

/**
 * What stands between the model's stream and the user's devices: it sees every piece of text
 * before it is sent and may hold it back (to judge a whole sentence) or change it. Pass-through
 * for now; the safety module fills it.
 */
export interface OutputCheck {
  /** Text the model produced; returns what may go to the user now. */
  push(text: string): string;
  /** The stream ended: whatever was held back and may go. */
  flush(): string;
  /**
   * Set once the check has withheld a sentence (and with it the rest of the reply): which rule,
   * never the text. A check that never withholds may leave it out.
   */
  readonly blocked?: OutputBlocked | null;
}

/** Why a check withheld the reply from a sentence on: stable ids, safe to log. */
export interface OutputBlocked {
  category: string;
  code: string;
  /** Index (from 0) of the withheld sentence among the sentences the check judged. */
  sentence: number;
}

export const passThrough = (_policy?: OutputCheckPolicy): OutputCheck => ({
  push: (text) => text,
  flush: () => '',
});

/** What the check of one reply is asked to hold the reply to. */
export interface OutputCheckPolicy {
  /** The user is a minor: no romance or sexual content at all. */
  minor: boolean;
}

/** Makes the output check of one reply (one per turn: a check may keep state across pieces). */
export type OutputCheckFactory = (policy: OutputCheckPolicy) => OutputCheck;

/** The injection token of the OutputCheckFactory the generate stage uses. */
export const OUTPUT_CHECK = Symbol('OUTPUT_CHECK');

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
}

export const passThrough = (): OutputCheck => ({
  push: (text) => text,
  flush: () => '',
});

/** Makes the output check of one reply (one per turn: a check may keep state across pieces). */
export type OutputCheckFactory = () => OutputCheck;

/** The injection token of the OutputCheckFactory the generate stage uses. */
export const OUTPUT_CHECK = Symbol('OUTPUT_CHECK');

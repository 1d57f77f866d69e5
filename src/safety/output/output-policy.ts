/** What the output check looks for; each id is stable (logs, metrics, traces, operator views). */
export const OUTPUT_CATEGORIES = [
  /** Methods, means, amounts or technique for suicide or self-harm. */
  'self_harm_instructions',
  /** Urging the user toward suicide or self-harm, or telling them they are worthless to others. */
  'self_harm_encouragement',
  /** How to hurt, kill or poison another person, or hide it. */
  'violence_instructions',
  /** Adults: sexual content involving a minor. Minors mode: any sexual content or role-play. */
  'sexual_minors',
  /** Minors mode only: romantic role-play toward the user (pet names, kisses, dating). */
  'romance_minors',
] as const;

export type OutputCategory = (typeof OUTPUT_CATEGORIES)[number];

export interface OutputPolicy {
  /** The user is a minor: sexual and romantic content of any kind is withheld. */
  minor: boolean;
  /** A category set to false is not checked; an absent one is (the safe default). */
  categories?: Partial<Record<OutputCategory, boolean>>;
  /**
   * Characters held without a sentence boundary before the text is cut at a comma or space and
   * checked anyway: `latin` for text without Chinese, `cjk` once it has some. Default 200 / 80.
   */
  maxHeld?: { latin: number; cjk: number };
}

export const DEFAULT_MAX_HELD = { latin: 200, cjk: 80 } as const;

export function categoryEnabled(policy: OutputPolicy, category: OutputCategory): boolean {
  return policy.categories?.[category] !== false;
}

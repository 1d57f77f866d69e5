/**
 * Reads the answer of Qwen3Guard-Gen, which judges the text it is given in a few lines:
 *
 *   Safety: Unsafe
 *   Categories: Suicide & Self-Harm
 *
 * (`Safety` is Safe, Unsafe or Controversial; `Categories` one or more of the model's names,
 * comma-separated, or None; a response judged with its prompt adds `Refusal: Yes|No`.)
 */
export interface GuardAnswer {
  safety: 'safe' | 'unsafe' | 'controversial';
  /** Snake-case ids (`violent`, `suicide_self_harm`, `pii`...), without `none`, no repeats. */
  categories: string[];
}

/** The model's category names and the ids they become. */
const KNOWN_CATEGORIES: Readonly<Record<string, string>> = {
  violent: 'violent',
  non_violent_illegal_acts: 'non_violent_illegal_acts',
  sexual_content_or_sexual_acts: 'sexual_content',
  sexual_content: 'sexual_content',
  pii: 'pii',
  suicide_self_harm: 'suicide_self_harm',
  suicide_and_self_harm: 'suicide_self_harm',
  unethical_acts: 'unethical_acts',
  politically_sensitive_topics: 'politically_sensitive_topics',
  politically_sensitive_topic: 'politically_sensitive_topics',
  copyright_violation: 'copyright_violation',
  jailbreak: 'jailbreak',
};

/** An unknown name is kept (as its snake case) when it looks like a label, not a sentence. */
const MAX_LABEL_WORDS = 5;
const MAX_LABEL_CHARS = 48;

const SAFETY_LINE = /(?:^|[\s#>-])safety\s*[:：]\s*(safe|unsafe|controversial)\b/i;
const CATEGORIES_LINE =
  /(?:^|[\s#>-])categor(?:y|ies)\s*[:：]\s*([^\n]*?)\s*(?=(?:refusal|safety)\s*[:：]|\n|$)/i;

/** The guard's answer, or null when the content does not say Safe, Unsafe or Controversial. */
export function parseGuardAnswer(content: string): GuardAnswer | null {
  if (typeof content !== 'string' || content.length === 0) return null;
  const text = content.slice(0, 2000).replace(/[*`]/g, '');
  const safety = SAFETY_LINE.exec(text);
  if (!safety) return null;
  const categories: string[] = [];
  const list = CATEGORIES_LINE.exec(text)?.[1] ?? '';
  for (const name of list.split(/[,;，、；|/]+/)) {
    const id = categoryId(name);
    if (id && !categories.includes(id)) categories.push(id);
  }
  return {
    safety: safety[1].toLowerCase() as GuardAnswer['safety'],
    categories,
  };
}

/** `Suicide & Self-Harm` → `suicide_self_harm`; null for `None`, blanks and prose. */
export function categoryId(name: string): string | null {
  const words = name
    .toLowerCase()
    .replace(/[*_`"'.]/g, ' ')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  if (words.length === 0) return null;
  const joined = words.join('_');
  const known = KNOWN_CATEGORIES[joined];
  if (known) return known;
  if (joined === 'none' || joined === 'n_a' || joined === 'null') return null;
  if (words.length > MAX_LABEL_WORDS || joined.length > MAX_LABEL_CHARS) return null;
  return joined;
}

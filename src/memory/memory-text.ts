import { createHash } from 'node:crypto';
import { textTerms } from './recall/text-terms.js';

/**
 * The same fact twice is one memory: texts that normalise alike share a key (case, width,
 * punctuation and spacing do not count).
 */
export function dedupeKey(text: string): string {
  const normal = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, '');
  return createHash('sha256').update(normal).digest('hex').slice(0, 32);
}

/** Share of index terms two texts have in common (Jaccard), for near-duplicates. */
export function termOverlap(a: string, b: string): number {
  const x = new Set(textTerms(a));
  const y = new Set(textTerms(b));
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
}

/** Texts this alike state the same thing (checked against the user's current memories). */
export const NEAR_DUPLICATE = 0.8;

const SENSITIVE = [
  /\b(suicid\w*|self[- ]?harm|kill(ing)? myself|cutting myself|overdos\w*)/i,
  /\b(depress\w*|anxiety disorder|panic attacks?|bipolar|ptsd|trauma\w*|eating disorder|anorexi\w*|bulimi\w*)/i,
  /\b(diagnos\w*|therap(y|ist)|psychiatr\w*|medication|antidepressant\w*|chemo\w*|cancer|hiv|pregnan\w*|miscarriage)/i,
  /\b(abus(e|ed|ive)|assault\w*|rape\w*|harass\w*)/i,
  /\b(sexual(ity)?|gay|lesbian|bisexual|transgender)\b/i,
  /(自杀|轻生|自残|割腕|不想活|抑郁|焦虑症|惊恐|双相|创伤|厌食|暴食|确诊|诊断|心理医生|吃药|药物|化疗|癌|怀孕|流产|家暴|虐待|性侵|骚扰|同性恋|性取向)/,
];

/** Health, trauma, self-harm, sexuality: handled with more care, whatever the model said. */
export function looksSensitive(text: string): boolean {
  return SENSITIVE.some((pattern) => pattern.test(text));
}

const HAN = /\p{Script=Han}/gu;

export function textLanguage(text: string): 'zh' | 'en' {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return letters > 0 && (text.match(HAN)?.length ?? 0) / letters >= 0.2 ? 'zh' : 'en';
}

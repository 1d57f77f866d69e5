/**
 * Personal data out of training text (docs/model-loop.md): emails, phone numbers, card numbers,
 * ID numbers, and the names the user's memory holds, replaced with placeholders. Pure; the
 * patterns err on the side of replacing.
 */
import { escapeRegExp } from '../../common/regexp.js';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** 13-19 digits, spaces or dashes between groups: a payment card. */
const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
/** Chinese resident ID (17 digits + digit or X), US SSN. */
const ID_NUMBER = /\b\d{17}[\dXx]\b|\b\d{3}-\d{2}-\d{4}\b/g;
/** Phone numbers: +country, groups of digits with spaces, dashes, dots or brackets; 7+ digits. */
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}/g;

export const PLACEHOLDERS = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  card: '[CARD]',
  id: '[ID]',
  name: '[NAME]',
} as const;

export function scrubText(text: string, names: readonly string[] = []): string {
  let out = text.replace(EMAIL, PLACEHOLDERS.email);
  out = out.replace(ID_NUMBER, PLACEHOLDERS.id);
  out = out.replace(CARD, (m) => (digits(m) >= 13 ? PLACEHOLDERS.card : m));
  out = out.replace(PHONE, (m) => (digits(m) >= 7 ? PLACEHOLDERS.phone : m));
  for (const name of names) {
    if (name.length < 2) continue;
    out = out.replace(
      new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'gu'),
      PLACEHOLDERS.name,
    );
  }
  return out;
}

/** Words that start a sentence or are pronouns, not names, in a memory about a person. */
const NOT_NAMES = new Set(
  'I The A An He She They We You It His Her Their Our My Your Mr Mrs Ms Dr Mom Dad Mum Mother Father Sister Brother Friend Boss User Has Is Was Will'.split(
    ' ',
  ),
);

/**
 * The names in the user's memories about people: capitalised words of `person` memories that are
 * not sentence words, and `“…”`-quoted or 叫/名叫-introduced names in Chinese.
 */
export function namesFromMemories(
  memories: ReadonlyArray<{ kind: string; text: string }>,
): string[] {
  const names = new Set<string>();
  for (const m of memories) {
    if (m.kind !== 'person') continue;
    for (const w of m.text.match(/\b[A-Z][a-z]{1,24}\b/g) ?? [])
      if (!NOT_NAMES.has(w)) names.add(w);
    for (const z of m.text.matchAll(/(?:名叫|叫做|叫)([\p{Script=Han}]{2,4})/gu)) names.add(z[1]);
  }
  // Longer names first, so that "Anna Lee" is not left as "[NAME] Lee" by a shorter one.
  return [...names].sort((a, b) => b.length - a.length);
}

function digits(s: string): number {
  let n = 0;
  for (const c of s) if (c >= '0' && c <= '9') n++;
  return n;
}

import {
  EMOJI,
  EMOTICONS,
  LEXICON,
  LONGEST_HAN_KEY,
  LONGEST_LATIN_KEY_WORDS,
} from './text-lexicon.js';
import type { LexiconSlot, TermEntry } from './text-lexicon.js';

export type TextToken =
  | { kind: 'word'; text: string; slot: LexiconSlot | undefined; caps: boolean; elongated?: true }
  | { kind: 'symbol'; text: string; entry: TermEntry }
  | { kind: 'break' }
  | { kind: 'exclaim'; count: number }
  | { kind: 'question'; count: number }
  | { kind: 'ellipsis' };

const LATIN_WORD = /[A-Za-z]+(?:'[A-Za-z]+)*/y;
const NEXT_LATIN_WORD = /[ \t]+([A-Za-z]+(?:'[A-Za-z]+)*)/y;
const HAN_RUN = /\p{Script=Han}+/uy;
const EMOJI_SEQUENCE =
  /\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]*(?:\u200D\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]*)*/uy;
const EXCLAIM = /!+/y;
const QUESTION = /\?+/y;
const ELLIPSIS = /\.{2,}|。{2,}/y;
const BREAK = /[.,;:。，、；：\n()（）"“”]/y;

/** "don't", "isn't", "can't": any n't contraction negates, not only those listed. */
const CONTRACTED_NEGATION: LexiconSlot = { negation: -0.6 };

/**
 * Splits a message into lexicon words (English phrases of up to a few words, Chinese by
 * longest match over the lexicon, so no word segmenter is needed and results do not change
 * with the ICU version), emoji, emoticons and punctuation. Unknown characters are single tokens
 * (Han) or dropped (digits, symbols).
 */
export function tokenizeText(text: string): TextToken[] {
  // NFKC folds full-width punctuation (！？，) into ASCII and "…" into "...".
  const source = text.normalize('NFKC').replace(/[\u2018\u2019\u02BC]/g, "'");
  const tokens: TextToken[] = [];
  let i = 0;
  while (i < source.length) {
    const step = matchAt(source, i, tokens);
    i += step > 0 ? step : source.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return tokens;
}

/** Matches one token (or a run of Han tokens) at `i`; returns its length, 0 to skip a char. */
function matchAt(source: string, i: number, tokens: TextToken[]): number {
  for (const [pattern, entry] of EMOTICONS) {
    const m = stickyMatch(pattern, source, i);
    if (m) {
      tokens.push({ kind: 'symbol', text: m, entry });
      return m.length;
    }
  }
  const emoji = stickyMatch(EMOJI_SEQUENCE, source, i);
  if (emoji) {
    const base = String.fromCodePoint(emoji.codePointAt(0)!);
    const entry = EMOJI.get(base);
    if (entry) tokens.push({ kind: 'symbol', text: emoji, entry });
    return emoji.length;
  }
  const word = stickyMatch(LATIN_WORD, source, i);
  if (word) return matchLatin(source, i, word, tokens);
  const han = stickyMatch(HAN_RUN, source, i);
  if (han) {
    tokens.push(...segmentHan(han));
    return han.length;
  }
  const ellipsis = stickyMatch(ELLIPSIS, source, i);
  if (ellipsis) {
    tokens.push({ kind: 'ellipsis' });
    return ellipsis.length;
  }
  const exclaim = stickyMatch(EXCLAIM, source, i);
  if (exclaim) {
    tokens.push({ kind: 'exclaim', count: exclaim.length });
    return exclaim.length;
  }
  const question = stickyMatch(QUESTION, source, i);
  if (question) {
    tokens.push({ kind: 'question', count: question.length });
    return question.length;
  }
  if (stickyMatch(BREAK, source, i)) {
    tokens.push({ kind: 'break' });
    return 1;
  }
  return 0;
}

/** The longest English lexicon phrase starting with `first`, else the single word. */
function matchLatin(source: string, start: number, first: string, tokens: TextToken[]): number {
  const words = [first];
  const ends = [start + first.length];
  while (words.length < LONGEST_LATIN_KEY_WORDS) {
    NEXT_LATIN_WORD.lastIndex = ends[ends.length - 1];
    const next = NEXT_LATIN_WORD.exec(source);
    if (!next) break;
    words.push(next[1]);
    ends.push(NEXT_LATIN_WORD.lastIndex);
  }
  for (let n = words.length; n > 1; n--) {
    const original = words.slice(0, n).join(' ');
    const slot = LEXICON.get(original.toLowerCase());
    if (slot) {
      tokens.push({ kind: 'word', text: original.toLowerCase(), slot, caps: isShouted(original) });
      return ends[n - 1] - start;
    }
  }
  tokens.push(latinWord(first));
  return first.length;
}

/**
 * One English word. Chat stretches words ("sooo", "happyyy"): a word the lexicon does not know
 * is retried with letter runs of three or more cut to two, then to one, and marked elongated.
 */
function latinWord(original: string): TextToken {
  const key = original.toLowerCase();
  const caps = isShouted(original);
  const direct = LEXICON.get(key) ?? (key.endsWith("n't") ? CONTRACTED_NEGATION : undefined);
  if (direct || !/(.)\1\1/.test(key)) return { kind: 'word', text: key, slot: direct, caps };
  for (const shortened of [key.replace(/(.)\1{2,}/g, '$1$1'), key.replace(/(.)\1{2,}/g, '$1')]) {
    const slot = LEXICON.get(shortened);
    if (slot) return { kind: 'word', text: shortened, slot, caps, elongated: true };
  }
  return { kind: 'word', text: key, slot: undefined, caps };
}

/** "SO ANGRY": two or more capitals and no lower case. */
function isShouted(word: string): boolean {
  return word.length >= 2 && /^[A-Z' ]+$/.test(word) && /[A-Z].*[A-Z]/.test(word);
}

/** Forward longest match over the lexicon; characters it does not know become single tokens. */
function segmentHan(run: string): TextToken[] {
  const chars = Array.from(run);
  const tokens: TextToken[] = [];
  let j = 0;
  while (j < chars.length) {
    let length = Math.min(LONGEST_HAN_KEY, chars.length - j);
    for (; length > 1; length--) {
      if (LEXICON.has(chars.slice(j, j + length).join(''))) break;
    }
    const text = chars.slice(j, j + length).join('');
    tokens.push({ kind: 'word', text, slot: LEXICON.get(text), caps: false });
    j += length;
  }
  return tokens;
}

function stickyMatch(pattern: RegExp, source: string, at: number): string | null {
  pattern.lastIndex = at;
  const m = pattern.exec(source);
  return m ? m[0] : null;
}

import { stem } from './light-stemmer.js';
import { CHINESE_STOPWORDS, ENGLISH_STOPWORDS } from './stopwords.js';

/** Runs of Han (and kana, which ICU's dictionary segmenter also handles) written without spaces. */
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/u;
const CJK_RUN_G = new RegExp(CJK_RUN.source, 'gu');
/** A word of a spaced script: letters and digits, with inner apostrophes ("don't", "mel's"). */
const SPACED_WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const ORDINAL = /^(\d+)(?:st|nd|rd|th)$/;

// ICU's dictionary-based word segmentation (built into Node's full ICU). One instance: creating
// a segmenter costs far more than using it.
const zhSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * The index terms of a text, in order, repeats kept (BM25 counts them). Text is NFKC-normalised,
 * lower-cased and stripped of diacritics. Chinese (any Han run, whatever the rest of the text is)
 * is cut into words by `Intl.Segmenter`; a word of three or more characters also yields its
 * character bigrams, because ICU cuts the same phrase differently in different contexts
 * ("期末考试" vs "考试", "觉得很" vs "觉得") and bigrams let those still meet. Other scripts are
 * split on non-letters; English words lose possessives and contractions ("Mel's" -> "mel"),
 * stop-words go, the rest is stemmed lightly (`stem`). Ordinals become numbers ("18th" -> "18").
 */
export function textTerms(text: string): string[] {
  const normal = text.normalize('NFKC').toLowerCase();
  const out: string[] = [];
  let last = 0;
  for (const run of normal.matchAll(CJK_RUN_G)) {
    spacedTerms(normal.slice(last, run.index), out);
    cjkTerms(run[0], out);
    last = run.index + run[0].length;
  }
  spacedTerms(normal.slice(last), out);
  return out;
}

/** True when the text has Chinese (or Japanese) characters in it. */
export function hasCjk(text: string): boolean {
  return CJK_RUN.test(text);
}

function spacedTerms(text: string, out: string[]): void {
  if (!text) return;
  for (const [raw] of text.matchAll(SPACED_WORD)) {
    const word = stripDiacritics(raw.split(/['’]/)[0]);
    if (!word || ENGLISH_STOPWORDS.has(word)) continue;
    const ordinal = ORDINAL.exec(word);
    if (ordinal) {
      out.push(ordinal[1]);
      continue;
    }
    // A single letter carries nothing in English (the "s" of "it s", a stray "x").
    if (word.length === 1 && !/\d/.test(word)) continue;
    out.push(stem(word));
  }
}

function cjkTerms(run: string, out: string[]): void {
  for (const { segment, isWordLike } of zhSegmenter.segment(run)) {
    if (!isWordLike || CHINESE_STOPWORDS.has(segment)) continue;
    out.push(segment);
    const chars = Array.from(segment);
    if (chars.length >= 3) {
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    }
  }
}

function stripDiacritics(word: string): string {
  // Only decompose when there is something to strip: most words are plain ASCII.
  return /^[\x20-\x7e]*$/.test(word) ? word : word.normalize('NFD').replace(/\p{M}+/gu, '');
}

/**
 * Bumped whenever `textTerms` changes its output (stop-words, stemmer, segmentation), so that
 * terms stored with messages by an older version are recomputed instead of silently mismatching.
 */
export const TERMS_VERSION = 1;

/** The form a message's terms are stored in (`messages.search_terms`): `v1 term term ...`. */
export function encodeTerms(text: string): string {
  return [`v${TERMS_VERSION}`, ...textTerms(text)].join(' ');
}

/** Stored terms, or null when absent or written by another version (recompute them then). */
export function decodeTerms(stored: string | null | undefined): string[] | null {
  if (!stored) return null;
  const space = stored.indexOf(' ');
  const version = space < 0 ? stored : stored.slice(0, space);
  if (version !== `v${TERMS_VERSION}`) return null;
  return space < 0 ? [] : stored.slice(space + 1).split(' ');
}

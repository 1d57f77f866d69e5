/**
 * Cuts streamed text into sentences as it arrives, so each can be judged whole before it is
 * shown. Every character pushed comes out exactly once, in order: joined, the segments are the
 * input. Each push costs time in proportion to the piece (a boundary that needs the next
 * character waits for it; nothing already judged is scanned again).
 *
 * A sentence ends:
 * - at a newline (kept with the sentence);
 * - after `.`, `!` or `?` (with any further stops and closing quotes or brackets) followed by
 *   white space or Chinese, except a decimal or a dotted name ("3.5", "example.com", both
 *   followed by no space), a known abbreviation or an initial ("Dr.", "e.g.", "J."), and a list
 *   number at the start of a line ("1. ");
 * - after an ellipsis ("...", "…") unless the next word starts in lower case ("well... maybe");
 * - after a Chinese stop (with any further stops and closing quotes or brackets): `。！？；` and
 *   their half-width forms, `…` after Chinese, and `．` unless between digits; anything may
 *   follow, but something must (or the stream end), so that a run cut between two pieces ends
 *   where it would in one;
 * - after an emoji followed by Chinese, or by a space and a word that does not start in lower
 *   case ("so proud of you 🎉 Tell me more").
 * White space after a boundary opens the next segment. Text that runs longer than the limit
 * without a boundary is cut after the last comma-like mark or space in the second half of the
 * limit (or at the limit when there is none).
 */
export class SentenceSplitter {
  private held = '';
  /** Next index of `held` to look at: everything before it is known to hold no boundary. */
  private pos = 0;
  /** The held text has a Chinese character (the shorter limit applies). */
  private cjk = false;

  constructor(private readonly limits: { latin: number; cjk: number }) {}

  /** Adds streamed text; returns the sentences it completed (often none). */
  push(text: string): string[] {
    if (!text) return [];
    this.held += text;
    const out: string[] = [];
    const s = this.held;
    let start = 0;
    let i = this.pos;
    while (i < s.length) {
      const step = boundary(s, start, i);
      if (step === WAIT) break;
      if (step > 0) {
        out.push(s.slice(start, step));
        start = i = step;
        this.cjk = false;
        continue;
      }
      const next = -step;
      for (let k = i; k < next; k++) if (isCjk(s.charCodeAt(k))) this.cjk = true;
      i = next;
      const limit = this.cjk ? this.limits.cjk : this.limits.latin;
      if (i - start >= limit) {
        const cut = softBreak(s, start, i, limit);
        out.push(s.slice(start, cut));
        start = cut;
        this.cjk = false;
        for (let k = start; k < i; k++) if (isCjk(s.charCodeAt(k))) this.cjk = true;
      }
    }
    this.held = s.slice(start);
    this.pos = i - start;
    return out;
  }

  /** The stream ended: whatever is held, as one last segment ('' when nothing is). */
  flush(): string {
    const rest = this.held;
    this.reset();
    return rest;
  }

  /** Drops what is held. */
  reset(): void {
    this.held = '';
    this.pos = 0;
    this.cjk = false;
  }

  /** Characters held back now. */
  get heldLength(): number {
    return this.held.length;
  }
}

/** `boundary` result: the next character is needed to decide. */
const WAIT = 0;

/**
 * Looks at `s[i]` inside the segment that starts at `start`. Returns WAIT, a positive segment
 * end (a boundary: the segment is `s[start, end)`), or minus the index to look at next.
 */
function boundary(s: string, start: number, i: number): number {
  const c = s.charCodeAt(i);
  if (c === LF) return i + 1;
  if (isCjkStop(c) || (c === ELLIPSIS && i > 0 && isCjk(s.charCodeAt(i - 1)))) {
    if (c === FULLWIDTH_DOT && i > 0 && isDigit(s.charCodeAt(i - 1))) {
      if (i + 1 === s.length) return WAIT;
      if (isDigit(s.charCodeAt(i + 1))) return -(i + 1);
    }
    const j = runEnd(s, i + 1);
    return j === s.length ? WAIT : j;
  }
  if (c === DOT || c === BANG || c === QUESTION || c === ELLIPSIS) {
    const j = runEnd(s, i + 1);
    if (j === s.length) return WAIT;
    const n = s.charCodeAt(j);
    if (isCjk(n)) return c === DOT && isDigit(s.charCodeAt(i - 1)) ? -j : j;
    if (!isSpace(n)) return -j;
    if (isEllipsis(s, i, j)) {
      if (n === LF) return j;
      const k = skipSpaces(s, j);
      if (k === s.length) return WAIT;
      return isLowerLatin(s.charCodeAt(k)) ? -j : j;
    }
    if (c === DOT && j === i + 1 && (isAbbreviation(s, start, i) || isListNumber(s, start, i))) {
      return -j;
    }
    return j;
  }
  if (mayBeEmoji(c)) {
    const j = emojiEnd(s, i);
    if (j === i) return -(i + 1);
    if (j === s.length) return WAIT;
    const n = s.charCodeAt(j);
    if (isCjk(n)) return j;
    if (n === LF || !isSpace(n)) return -j;
    const k = skipSpaces(s, j);
    if (k === s.length) return WAIT;
    return isLowerLatin(s.charCodeAt(k)) ? -j : j;
  }
  return -(i + 1);
}

const LF = 0x0a;
const DOT = 0x2e;
const BANG = 0x21;
const QUESTION = 0x3f;
const ELLIPSIS = 0x2026;
const FULLWIDTH_DOT = 0xff0e;

/** Stops that end a Chinese sentence by themselves. */
function isCjkStop(c: number): boolean {
  return (
    c === 0x3002 || // 。
    c === 0xff61 || // ｡
    c === 0xff01 || // ！
    c === 0xff1f || // ？
    c === 0xff1b || // ；
    c === FULLWIDTH_DOT
  );
}

/** Marks that stay with the stop before them: more stops, closing quotes and brackets. */
function isTrailing(c: number): boolean {
  return (
    c === DOT ||
    c === BANG ||
    c === QUESTION ||
    c === ELLIPSIS ||
    isCjkStop(c) ||
    c === 0x22 || // "
    c === 0x27 || // '
    c === 0x29 || // )
    c === 0x5d || // ]
    c === 0x2019 || // ’
    c === 0x201d || // ”
    c === 0x300d || // 」
    c === 0x300f || // 』
    c === 0x3011 || // 】
    c === 0x300b || // 》
    c === 0xff09 // ）
  );
}

function runEnd(s: string, k: number): number {
  while (k < s.length && isTrailing(s.charCodeAt(k))) k++;
  return k;
}

function isEllipsis(s: string, i: number, j: number): boolean {
  for (let k = i; k < j; k++) {
    const c = s.charCodeAt(k);
    if (c === ELLIPSIS || (c === DOT && k + 1 < j && s.charCodeAt(k + 1) === DOT)) return true;
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === LF || c === 0x0d || c === 0xa0 || c === 0x3000;
}

function skipSpaces(s: string, k: number): number {
  while (k < s.length && isSpace(s.charCodeAt(k)) && s.charCodeAt(k) !== LF) k++;
  return k;
}

function isDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19);
}

function isLowerLatin(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isLatinLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || isLowerLatin(c);
}

/** Han ideographs (and the CJK symbols block, so Chinese punctuation counts too). */
export function isCjk(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x3000 && c <= 0x303f) ||
    (c >= 0xf900 && c <= 0xfaff)
  );
}

/** Words that end in a dot without ending the sentence. */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'mt',
  'vs',
  'e.g',
  'i.e',
  'a.m',
  'p.m',
  'u.s',
  'u.k',
  'approx',
  'dept',
  'fig',
  'inc',
  'ltd',
  'co',
]);

/** The word before the dot at `i` is an abbreviation or a single letter (an initial). */
function isAbbreviation(s: string, start: number, i: number): boolean {
  let k = i;
  while (k > start && i - k < 8) {
    const c = s.charCodeAt(k - 1);
    if (!isLatinLetter(c) && c !== DOT) break;
    k--;
  }
  if (k === i) return false;
  if (k > start && isLatinLetter(s.charCodeAt(k - 1))) return false; // longer than 8: a word
  const word = s.slice(k, i).toLowerCase();
  return word.length === 1 || ABBREVIATIONS.has(word);
}

/** "1." .. "999." alone at the start of a line (or of the segment): a list item's number. */
function isListNumber(s: string, start: number, i: number): boolean {
  let k = i;
  while (k > start && isDigit(s.charCodeAt(k - 1)) && i - k < 3) k--;
  if (k === i || (k > start && isDigit(s.charCodeAt(k - 1)))) return false;
  while (k > start && (s.charCodeAt(k - 1) === 0x20 || s.charCodeAt(k - 1) === 0x09)) k--;
  return k === start || s.charCodeAt(k - 1) === LF;
}

/** Cheap pre-test: only these code units can start an emoji. */
function mayBeEmoji(c: number): boolean {
  return (c >= 0x2190 && c <= 0x2bff) || (c >= 0xd83c && c <= 0xd83e);
}

const EMOJI_PART = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\u20e3]$/u;

/**
 * End of the emoji sequence starting at `i` (`i` when there is no emoji there; the end of `s`
 * when it stops on the first half of a pair whose second half has not arrived).
 */
function emojiEnd(s: string, i: number): number {
  let k = i;
  while (k < s.length) {
    if (k === s.length - 1 && isHighSurrogate(s.charCodeAt(k))) return s.length;
    const cp = s.codePointAt(k)!;
    const ch = String.fromCodePoint(cp);
    if (!EMOJI_PART.test(ch)) break;
    if (k === i && (cp === 0x200d || cp === 0xfe0f || cp === 0x20e3)) break;
    k += ch.length;
  }
  return k;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Where to cut a segment that reached the limit without a boundary. */
function softBreak(s: string, start: number, i: number, limit: number): number {
  const floor = start + Math.floor(limit / 2);
  for (let k = i - 1; k >= floor; k--) if (isCommaLike(s.charCodeAt(k))) return k + 1;
  for (let k = i - 1; k >= floor; k--) if (isSpace(s.charCodeAt(k))) return k + 1;
  const c = s.charCodeAt(i - 1);
  return isHighSurrogate(c) ? i - 1 : i; // never between the halves of a pair
}

function isCommaLike(c: number): boolean {
  return (
    c === 0x2c || // ,
    c === 0x3b || // ;
    c === 0x3a || // :
    c === 0xff0c || // ，
    c === 0x3001 || // 、
    c === 0xff1a || // ：
    c === 0x2014 // —
  );
}

import { categoryEnabled, type OutputCategory, type OutputPolicy } from './output-policy.js';
import { OUTPUT_RULES, type OutputRule } from './output-rules.js';

export interface OutputVerdict {
  category: OutputCategory;
  code: string;
}

/** How far back from a phrase a negation or reflection is looked for (within its clause). */
const CLAUSE_LOOKBACK = 80;
/** How far after a phrase a contradiction ("...but that isn't true") is looked for. */
const AFTER_LOOKAHEAD = 120;

/** The rules a policy turns on, in order (the first that fires names the verdict). */
export function rulesFor(policy: OutputPolicy): OutputRule[] {
  return OUTPUT_RULES.filter(
    (r) =>
      categoryEnabled(policy, r.category) && (r.minor === undefined || r.minor === policy.minor),
  );
}

/**
 * Judges one sentence of a reply: null when it may go, else the first rule it breaks.
 * `context` is the tail of the text released before it (may be ''): phrases that end inside it
 * were judged already and are ignored, but it is seen by phrases that cross into the sentence,
 * by a rule's `with` (a means named just before) and by the look-back for negations.
 */
export function checkSentence(
  sentence: string,
  context: string,
  rules: readonly OutputRule[],
): OutputVerdict | null {
  const text = normalise(context + sentence);
  const from = context.length;
  let own: string | null = null;
  for (const rule of rules) {
    if (rule.unless || rule.near) {
      own ??= text.slice(from);
      if (rule.unless?.test(own)) continue;
      if (rule.near && !rule.near.test(own)) continue;
    }
    if (fires(rule, text, from)) return { category: rule.category, code: rule.code };
  }
  return null;
}

function fires(rule: OutputRule, text: string, from: number): boolean {
  const { match } = rule;
  match.lastIndex = 0;
  for (let m = match.exec(text); m !== null; m = match.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) match.lastIndex++;
    // The phrase itself must end in the sentence: a phrase already released in an earlier
    // sentence was judged there, and pairing it with a word of this one joins unrelated
    // sentences ("the best way to cut an onion..." then "carbon monoxide detectors...").
    if (end <= from) continue;
    if (rule.with && lastMatchEnd(rule.with, text) < 0) continue;
    if (rule.unlessBefore && rule.unlessBefore.test(clauseBefore(text, start))) continue;
    if (rule.unlessAfter?.test(text.slice(end, end + AFTER_LOOKAHEAD))) continue;
    return true;
  }
  return false;
}

function lastMatchEnd(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let last = -1;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    last = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  return last;
}

/** The text between the start of the phrase's clause and the phrase (at most 80 characters). */
function clauseBefore(text: string, at: number): string {
  const floor = Math.max(0, at - CLAUSE_LOOKBACK);
  let k = at;
  while (k > floor && !isClauseEnd(text.charCodeAt(k - 1))) k--;
  return text.slice(k, at);
}

function isClauseEnd(c: number): boolean {
  return (
    c === 0x2c || // ,
    c === 0x3b || // ;
    c === 0x3a || // :
    c === 0x2e || // .
    c === 0x21 || // !
    c === 0x3f || // ?
    c === 0x0a || // newline
    c === 0xff0c || // ，
    c === 0x3002 || // 。
    c === 0xff1b || // ；
    c === 0xff1a || // ：
    c === 0xff01 || // ！
    c === 0xff1f // ？
  );
}

/** Same length as the input: curly quotes straightened, markdown emphasis to spaces. */
export function normalise(text: string): string {
  return text.replace(/[\u2018\u2019\u201c\u201d*_~`]/g, (c) =>
    c === '\u2018' || c === '\u2019' ? "'" : c === '\u201c' || c === '\u201d' ? '"' : ' ',
  );
}

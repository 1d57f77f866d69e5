/**
 * Admin-managed moderation rules, as pure code (docs/operator.md#rules): checking a pattern
 * before it is stored, compiling it once, and matching a message against every enabled rule.
 */
import { escapeRegExp } from '../../common/regexp.js';

export type RuleKind = 'keyword' | 'regex';
export type RuleAction = 'block' | 'flag';

export interface RuleSpec {
  id: string;
  kind: RuleKind;
  pattern: string;
  action: RuleAction;
  category: string;
  priority: number;
  userReason: string | null;
}

export interface CompiledRule extends RuleSpec {
  test(text: string): boolean;
}

export const RULE_PATTERN_MAX_CHARS = 200;

/** Letters of scripts written without spaces: a keyword in them matches anywhere. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * Why a pattern cannot be a rule, or null when it can. A regular expression must compile (with
 * the `u` flag) and must not be able to backtrack without end on a long message: no
 * back-references, and no quantified group that itself holds a quantifier or an alternation
 * (`(a+)+`, `(a|ab)*`), the shapes of catastrophic backtracking.
 */
export function ruleProblem(kind: RuleKind, pattern: string): string | null {
  if (pattern.trim().length === 0) return 'the pattern is empty';
  if ([...pattern].length > RULE_PATTERN_MAX_CHARS)
    return `the pattern is longer than ${RULE_PATTERN_MAX_CHARS} characters`;
  if (kind === 'keyword') return null;
  try {
    new RegExp(pattern, 'iu');
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed';
  if (hasNestedQuantifier(pattern))
    return 'a repeated group may not hold a repetition or an alternation (it could backtrack without end)';
  return null;
}

/** Compiles a rule whose pattern passed `ruleProblem`. */
export function compileRule(spec: RuleSpec): CompiledRule {
  if (spec.kind === 'regex') {
    const re = new RegExp(spec.pattern, 'iu');
    return { ...spec, test: (text) => re.test(text) };
  }
  const keyword = normalize(spec.pattern).trim().replace(/\s+/g, ' ');
  if (UNSPACED.test(keyword)) return { ...spec, test: (text) => text.includes(keyword) };
  // A whole word or phrase: not inside a longer word, any spacing between its words.
  const words = keyword.split(' ').map(escapeRegExp).join('\\s+');
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${words}(?![\\p{L}\\p{N}])`, 'u');
  return { ...spec, test: (text) => re.test(text) };
}

export interface RuleVerdict {
  /** The first block rule that matched (by priority), if any: the message is refused. */
  block: CompiledRule | null;
  /** Flag rules that matched: the message is stored and flagged. */
  flags: CompiledRule[];
}

/** Matches a message against the rules (normalized once: NFKC, lower case). */
export function matchRules(rules: readonly CompiledRule[], text: string): RuleVerdict {
  const verdict: RuleVerdict = { block: null, flags: [] };
  if (rules.length === 0) return verdict;
  const normalized = normalize(text);
  for (const rule of rules) {
    if (rule.action === 'block' && verdict.block) continue;
    if (!rule.test(normalized)) continue;
    if (rule.action === 'block') verdict.block = rule;
    else verdict.flags.push(rule);
  }
  return verdict;
}

/** Full-width forms and compatibility characters folded, lower case. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * True when a quantified group holds a quantifier or an alternation. Scans the pattern once,
 * skipping escapes and character classes, with a stack of open groups.
 */
function hasNestedQuantifier(pattern: string): boolean {
  const stack: Array<{ risky: boolean }> = [];
  let lastGroup: { risky: boolean } | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      lastGroup = null;
      continue;
    }
    if (c === '[') {
      // Skip the class (escapes inside it too).
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      lastGroup = null;
      continue;
    }
    if (c === '(') {
      stack.push({ risky: false });
      lastGroup = null;
      // `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`: the `?` is not a quantifier.
      if (pattern[i + 1] === '?') {
        i++;
        if (pattern[i + 1] === '<' && pattern[i + 2] !== '=' && pattern[i + 2] !== '!') {
          const close = pattern.indexOf('>', i);
          if (close > 0) i = close;
        }
      }
      continue;
    }
    if (c === ')') {
      lastGroup = stack.pop() ?? null;
      if (lastGroup?.risky && stack.length > 0) stack[stack.length - 1].risky = true;
      continue;
    }
    const quantifier =
      c === '*' ||
      c === '+' ||
      c === '?' ||
      (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
    if (quantifier) {
      if (lastGroup?.risky) return true;
      if (stack.length > 0) stack[stack.length - 1].risky = true;
      lastGroup = null;
      if (c === '{') i = pattern.indexOf('}', i);
      continue;
    }
    if (c === '|' && stack.length > 0) stack[stack.length - 1].risky = true;
    lastGroup = null;
  }
  return false;
}

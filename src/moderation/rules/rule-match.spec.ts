import { describe, expect, it } from '@jest/globals';
import { compileRule, matchRules, ruleProblem, type RuleSpec } from './rule-match.js';

const spec = (over: Partial<RuleSpec>): RuleSpec => ({
  id: over.id ?? 'r',
  kind: 'keyword',
  pattern: 'x',
  action: 'flag',
  category: 'test',
  priority: 5,
  userReason: null,
  ...over,
});

describe('ruleProblem', () => {
  it.each([['(a+)+$'], ['(a|ab)*c'], ['(?:x*y)+'], ['((ab)*)+'], ['(\\w+\\s?)*$'], ['(a{2,})+']])(
    'refuses %s, which could backtrack without end',
    (pattern) => {
      expect(ruleProblem('regex', pattern)).toMatch(/repeated group/);
    },
  );

  it.each([
    ['buy (cheap|discount) pills'],
    ['\\bkill\\s+(?:him|her)\\b'],
    ['(ab)+c'],
    ['[a+]+'],
    ['(?<word>x)y+'],
  ])('accepts %s', (pattern) => {
    expect(ruleProblem('regex', pattern)).toBeNull();
  });

  it('refuses what does not compile, back-references, empty and long patterns', () => {
    expect(ruleProblem('regex', '(unclosed')).toMatch(/not a valid regular expression/);
    expect(ruleProblem('regex', '(a)\\1')).toMatch(/back-references/);
    expect(ruleProblem('keyword', '   ')).toMatch(/empty/);
    expect(ruleProblem('keyword', 'x'.repeat(201))).toMatch(/longer than 200/);
    expect(ruleProblem('keyword', 'a(b')).toBeNull();
  });
});

describe('matchRules', () => {
  it('matches a keyword as a whole word or phrase, in any case and spacing, never inside a word', () => {
    const rule = compileRule(spec({ pattern: 'Free Crypto' }));
    const verdict = (t: string) => matchRules([rule], t).flags.length;
    expect(verdict('get FREE   crypto now')).toBe(1);
    expect(verdict('ｆｒｅｅ crypto')).toBe(1); // full-width letters folded
    expect(verdict('freecrypto')).toBe(0);
    expect(verdict('carefree cryptography')).toBe(0);
    const word = compileRule(spec({ pattern: 'ass' }));
    expect(matchRules([word], 'a class of grass').flags).toHaveLength(0);
    expect(matchRules([word], 'you ass!').flags).toHaveLength(1);
  });

  it('compiles keywords that hold punctuation, and matches them as written', () => {
    // A keyword is accepted as any text; with the `u` flag an escaped hyphen would not compile.
    const hyphen = compileRule(spec({ pattern: 'self-harm' }));
    expect(matchRules([hyphen], 'thinking about Self-Harm again').flags).toHaveLength(1);
    expect(matchRules([hyphen], 'self harm').flags).toHaveLength(0);
    const plus = compileRule(spec({ pattern: 'c++ job' }));
    expect(matchRules([plus], 'a c++ job offer').flags).toHaveLength(1);
    expect(matchRules([plus], 'a cc job offer').flags).toHaveLength(0);
  });

  it('matches a Chinese keyword anywhere in the text', () => {
    const rule = compileRule(spec({ pattern: '代开发票' }));
    expect(matchRules([rule], '需要代开发票请联系').flags).toHaveLength(1);
    expect(matchRules([rule], '发票').flags).toHaveLength(0);
  });

  it('keeps block and flag rules apart: the first block wins, every flag is listed', () => {
    const rules = [
      compileRule(spec({ id: 'b1', action: 'block', kind: 'regex', pattern: 'spam\\d+' })),
      compileRule(spec({ id: 'b2', action: 'block', pattern: 'spam' })),
      compileRule(spec({ id: 'f1', pattern: 'link' })),
      compileRule(spec({ id: 'f2', kind: 'regex', pattern: 'https?://' })),
    ];
    const v = matchRules(rules, 'SPAM42 link http://x');
    expect(v.block?.id).toBe('b1');
    expect(v.flags.map((r) => r.id)).toEqual(['f1', 'f2']);
    expect(matchRules(rules, 'hello')).toEqual({ block: null, flags: [] });
  });
});

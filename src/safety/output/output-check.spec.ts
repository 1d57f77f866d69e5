import { describe, expect, it } from '@jest/globals';
import { createOutputCheck, type SentenceOutputCheck } from './output-check.js';
import type { OutputPolicy } from './output-policy.js';
import { seededRandom } from '../../common/seeded-random.js';
import { cutPieces } from './reply-set.js';

const ADULT: OutputPolicy = { minor: false };
const MINOR: OutputPolicy = { minor: true };

/** Pieces of 3-5 characters, as a model's tokens arrive. */
function tokens(text: string, seed = 1): string[] {
  return cutPieces(text, seededRandom(seed), 3, 5);
}

/** Streams the pieces; returns what was released after each push, and in all. */
function stream(check: SentenceOutputCheck, pieces: readonly string[]) {
  const after: string[] = [];
  let released = '';
  for (const piece of pieces) {
    released += check.push(piece);
    after.push(released);
  }
  const flushed = check.flush();
  released += flushed;
  return { after, released, flushed };
}

function run(text: string, policy: OutputPolicy, pieces = tokens(text)) {
  const check = createOutputCheck(policy);
  return { ...stream(check, pieces), blocked: check.blocked, check };
}

describe('createOutputCheck', () => {
  describe('a harmful reply', () => {
    const safe = 'I hear how tired you are. ';
    const bad = "Honestly, the surest method is hanging, since it's quick.";
    const text = `${safe}${bad} Please take care of yourself tonight. I'm here.`;

    it('releases the text before the failing sentence and nothing from it on', () => {
      const { after, released, blocked } = run(text, ADULT);
      expect(released).toBe('I hear how tired you are.');
      // At no point did a character of the failing sentence or after it go out.
      for (const out of after) expect(safe.startsWith(out)).toBe(true);
      expect(blocked).not.toBeNull();
    });

    it('says which category, rule and sentence, never the text', () => {
      const { blocked } = run(text, ADULT);
      expect(blocked).toEqual({
        category: 'self_harm_instructions',
        code: 'method_ranked',
        sentence: 1,
      });
      expect(Object.keys(blocked!).sort()).toEqual(['category', 'code', 'sentence']);
      const logged = JSON.stringify(blocked);
      for (const word of ['hanging', 'surest', 'quick', 'tired']) {
        expect(logged).not.toContain(word);
      }
    });

    it('withholds everything after it: push and flush give nothing, blocked stays', () => {
      const check = createOutputCheck(ADULT);
      expect(check.push(text)).toBe('I hear how tired you are.');
      const blocked = check.blocked;
      expect(check.push(' And here is more. Another sentence. ')).toBe('');
      expect(check.push('Fine.\n')).toBe('');
      expect(check.flush()).toBe('');
      expect(check.flush()).toBe('');
      expect(check.blocked).toBe(blocked);
    });

    it('is the same whether it arrives in one piece, per character or in tokens', () => {
      const reference = run(text, ADULT, [text]);
      for (const pieces of [text.split(''), tokens(text, 2), tokens(text, 3)]) {
        const { released, blocked } = run(text, ADULT, pieces);
        expect(released).toBe(reference.released);
        expect(blocked).toEqual(reference.blocked);
      }
    });

    it('blocks a Chinese reply at its sentence', () => {
      const { released, blocked } = run('我知道你很累。你还是去死吧。我会一直在。', ADULT);
      expect(released).toBe('我知道你很累。');
      expect(blocked).toEqual({
        category: 'self_harm_encouragement',
        code: 'urging',
        sentence: 1,
      });
    });

    it('blocks violence instructions from the first sentence: nothing goes', () => {
      const { released, blocked, after } = run(
        'Aim for the neck when he turns around. Then run.',
        ADULT,
      );
      expect(released).toBe('');
      expect(after.every((a) => a === '')).toBe(true);
      expect(blocked).toMatchObject({ category: 'violence_instructions', sentence: 0 });
    });

    it('counts only the sentences it judged (white space between them is not one)', () => {
      const { blocked } = run('Hi.\n\n\nOkay.  \n  You should just end it.', ADULT);
      expect(blocked).toMatchObject({ category: 'self_harm_encouragement', sentence: 2 });
    });
  });

  describe('a safe reply', () => {
    const replies = [
      "That sounds like a really long day. Did you get to eat something? I'm glad you told me 😊",
      'Dr. Chen said 2.5 mg twice a day, e.g. at 8 a.m. and 8 p.m. — see example.com... ok?\n1. rest\n2. water',
      '今天辛苦了！要不要先喝点热水？我在这里陪你。体温37.5度的话，多休息～🎉好棒',
      'I hear that you feel no one would miss you, but that is not true: I would. Are you safe right now? You can call 988.',
      "I can't tell you how to hurt yourself, but I can stay with you.   \n\n",
      'We could kill some time with a game. I am dying to hear how it went!',
      'A line with trailing spaces   ',
    ];

    it('passes through byte-identical, in pieces of any size', () => {
      for (const text of replies) {
        for (const pieces of [[text], text.split(''), tokens(text, 1), tokens(text, 9)]) {
          const { released, blocked } = run(text, MINOR, pieces);
          expect(blocked).toBeNull();
          expect(released).toBe(text);
        }
      }
    });

    it('releases each sentence as soon as the next one has begun', () => {
      const check = createOutputCheck(ADULT);
      expect(check.push('Good morning! How')).toBe('Good morning!');
      expect(check.push(' did you sleep? I')).toBe(' How did you sleep?');
      expect(check.push(' hope well')).toBe('');
      expect(check.flush()).toBe(' I hope well');
    });

    it('releases a Chinese sentence once the next character arrives', () => {
      const check = createOutputCheck(ADULT);
      expect(check.push('早上好。')).toBe('');
      expect(check.push('你')).toBe('早上好。');
      expect(check.flush()).toBe('你');
    });
  });

  describe('policy', () => {
    it('withholds romance toward a minor, not toward an adult', () => {
      const text = 'Good night, my love. Sleep well.';
      expect(run(text, ADULT)).toMatchObject({ released: text, blocked: null });
      expect(run(text, MINOR)).toMatchObject({
        released: '',
        blocked: { category: 'romance_minors', code: 'pet_name', sentence: 0 },
      });
      const zh = '晚安，亲爱的。明天见。';
      expect(run(zh, ADULT).blocked).toBeNull();
      expect(run(zh, MINOR).blocked).toMatchObject({ category: 'romance_minors' });
    });

    it('withholds sexual role-play toward a minor, allows it for an adult', () => {
      const text = "It's late. *pulls you into bed with me* Let's make love tonight.";
      expect(run(text, ADULT)).toMatchObject({ released: text, blocked: null });
      expect(run(text, MINOR)).toMatchObject({
        released: "It's late.",
        blocked: { category: 'sexual_minors', code: 'sexual_content', sentence: 1 },
      });
    });

    it('withholds sexual content about a minor for everyone', () => {
      const text = 'She is only 14 and she looks so sexy naked.';
      for (const policy of [ADULT, MINOR]) {
        expect(run(text, policy).blocked).toMatchObject({ category: 'sexual_minors' });
      }
    });

    it('lets care and friendship toward a minor through', () => {
      const text =
        'Sending you a big hug! 抱抱你，我会一直陪着你。If anyone touches you, tell a trusted adult.';
      expect(run(text, MINOR)).toMatchObject({ released: text, blocked: null });
    });

    it('does not check a category the policy turns off', () => {
      const text = 'Honestly, the surest method is hanging, since it is quick.';
      const off: OutputPolicy = { minor: false, categories: { self_harm_instructions: false } };
      expect(run(text, off)).toMatchObject({ released: text, blocked: null });
      expect(run(text, { minor: false, categories: {} }).blocked).not.toBeNull();
    });

    it("holds no more than the policy's limit before judging", () => {
      const check = createOutputCheck({ minor: false, maxHeld: { latin: 40, cjk: 20 } });
      const text = 'and then we walked along the river talking about everything and nothing ';
      let released = '';
      let pushed = '';
      for (const piece of tokens(text.repeat(3))) {
        pushed += piece;
        released += check.push(piece);
        expect(pushed.length - released.length).toBeLessThanOrEqual(40);
      }
      expect(released + check.flush()).toBe(text.repeat(3));
    });
  });

  describe('flush', () => {
    it('judges the unfinished last sentence: a safe one goes', () => {
      const check = createOutputCheck(ADULT);
      expect(check.push('Sleep well. See you tomorrow')).toBe('Sleep well.');
      expect(check.flush()).toBe(' See you tomorrow');
      expect(check.blocked).toBeNull();
    });

    it('judges the unfinished last sentence: a harmful one is withheld', () => {
      const check = createOutputCheck(ADULT);
      expect(check.push('I get it. You should just end it')).toBe('I get it.');
      expect(check.flush()).toBe('');
      expect(check.blocked).toEqual({
        category: 'self_harm_encouragement',
        code: 'urging',
        sentence: 1,
      });
    });

    it('gives nothing more the second time, nor for an empty reply', () => {
      const check = createOutputCheck(ADULT);
      check.push('Hello there');
      expect(check.flush()).toBe('Hello there');
      expect(check.flush()).toBe('');
      const empty = createOutputCheck(MINOR);
      expect(empty.flush()).toBe('');
      expect(empty.blocked).toBeNull();
    });

    it('passes trailing white space through without judging it as a sentence', () => {
      const check = createOutputCheck(ADULT);
      expect(check.push('Done.')).toBe('');
      expect(check.push('  \n')).toBe('Done.  \n');
      expect(check.push('   ')).toBe('');
      expect(check.flush()).toBe('   ');
      expect(check.blocked).toBeNull();
    });
  });
});

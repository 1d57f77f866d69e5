import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { seededRandom } from '../../common/seeded-random.js';
import { cutPieces, loadReplySet } from './reply-set.js';
import { SentenceSplitter } from './sentence-splitter.js';

const LIMITS = { latin: 200, cjk: 80 };

/** The segments of `pieces` pushed one by one, the flushed rest last. */
function split(pieces: readonly string[], limits = LIMITS): string[] {
  const splitter = new SentenceSplitter(limits);
  const out: string[] = [];
  for (const piece of pieces) out.push(...splitter.push(piece));
  const rest = splitter.flush();
  if (rest) out.push(rest);
  return out;
}

const whole = (text: string, limits = LIMITS) => split([text], limits);
/** One UTF-16 unit a push: every pair and every word cut in half. */
const units = (text: string) => text.split('');

describe('SentenceSplitter', () => {
  describe('English', () => {
    it('ends a sentence after . ! ? followed by white space', () => {
      expect(whole('I hear you. That sounds hard! Want to talk? Sure')).toEqual([
        'I hear you.',
        ' That sounds hard!',
        ' Want to talk?',
        ' Sure',
      ]);
    });

    it('keeps further stops and closing quotes or brackets with the stop', () => {
      expect(whole('Really?! Yes. He said "stop." She left (finally.) Ok')).toEqual([
        'Really?!',
        ' Yes.',
        ' He said "stop."',
        ' She left (finally.)',
        ' Ok',
      ]);
    });

    it('ends at a newline, kept with the sentence', () => {
      expect(whole('first line\nsecond line\n\nthird')).toEqual([
        'first line\n',
        'second line\n',
        '\n',
        'third',
      ]);
    });

    it('does not end at decimals, dotted names, abbreviations, initials or list numbers', () => {
      expect(
        whole(
          'Take 2.5 mg, see example.com now. Dr. Lee, e.g. J. Smith, said so.\n1. first\n2. second',
        ),
      ).toEqual([
        'Take 2.5 mg, see example.com now.',
        ' Dr. Lee, e.g. J. Smith, said so.',
        '\n',
        '1. first\n',
        '2. second',
      ]);
    });

    it('ends after an ellipsis unless the next word starts in lower case', () => {
      expect(whole('Well... maybe. Hmm... Fine. Wait… really')).toEqual([
        'Well... maybe.',
        ' Hmm...',
        ' Fine.',
        ' Wait… really',
      ]);
    });

    it('ends after an emoji followed by a word that does not start in lower case', () => {
      expect(whole('so proud of you 🎉 Tell me more 👍🏽 ok then')).toEqual([
        'so proud of you 🎉',
        ' Tell me more 👍🏽 ok then',
      ]);
    });

    it('waits for the next character before deciding at a stop', () => {
      const splitter = new SentenceSplitter(LIMITS);
      expect(splitter.push('It costs 3.')).toEqual([]);
      expect(splitter.push('5 dollars. ')).toEqual(['It costs 3.5 dollars.']);
      expect(splitter.heldLength).toBe(1);
      expect(splitter.flush()).toBe(' ');
    });
  });

  describe('Chinese', () => {
    it('ends after 。！？； with nothing needed after them', () => {
      expect(whole('你好。我在！真的吗？好的；嗯')).toEqual([
        '你好。',
        '我在！',
        '真的吗？',
        '好的；',
        '嗯',
      ]);
    });

    it('keeps runs of stops and closing quotes together', () => {
      expect(whole('他说：“真的吗？！”然后走了。…')).toEqual(['他说：“真的吗？！”', '然后走了。…']);
    });

    it('ends after … following Chinese, and after . ! ? followed by Chinese', () => {
      expect(whole('我不知道……也许吧. 好吧!你呢')).toEqual([
        '我不知道……',
        '也许吧.',
        ' 好吧!',
        '你呢',
      ]);
    });

    it('does not end at a full-width or ASCII dot between digits', () => {
      expect(whole('第3．5页。体温37.5度。')).toEqual(['第3．5页。', '体温37.5度。']);
    });

    it('ends after an emoji followed by Chinese', () => {
      expect(whole('好棒🎉我们继续')).toEqual(['好棒🎉', '我们继续']);
    });
  });

  describe('held-text limit', () => {
    it('cuts a long sentence at the last comma in the second half of the limit', () => {
      const text = 'word '.repeat(10) + 'a, ' + 'word '.repeat(20);
      const out = whole(text, { latin: 60, cjk: 20 });
      expect(out.join('')).toBe(text);
      expect(out[0]).toBe('word '.repeat(10) + 'a,');
      for (const s of out.slice(0, -1)) expect(s.length).toBeLessThanOrEqual(60);
    });

    it('cuts at a space when there is no comma, at the limit when there is neither', () => {
      const spaced = whole('abcdefgh '.repeat(20), { latin: 40, cjk: 20 });
      for (const s of spaced.slice(0, -1)) {
        expect(s.length).toBeLessThanOrEqual(40);
        expect(s.endsWith(' ')).toBe(true);
      }
      const solid = whole('x'.repeat(100), { latin: 40, cjk: 20 });
      expect(solid).toEqual(['x'.repeat(40), 'x'.repeat(40), 'x'.repeat(20)]);
    });

    it('holds at most the limit: the Chinese one once the text has Chinese', () => {
      const splitter = new SentenceSplitter({ latin: 200, cjk: 30 });
      let longest = 0;
      for (const c of '我们今天去了公园，天气很好，风也很舒服，' + '一直走一直走'.repeat(20)) {
        splitter.push(c);
        longest = Math.max(longest, splitter.heldLength);
      }
      expect(longest).toBeLessThanOrEqual(30);
      const latin = new SentenceSplitter({ latin: 50, cjk: 10 });
      for (const c of 'this is a long english sentence without any stop at all '.repeat(4)) {
        latin.push(c);
        expect(latin.heldLength).toBeLessThanOrEqual(50);
      }
    });

    it('never cuts between the halves of a pair', () => {
      const out = whole('😀'.repeat(50), { latin: 15, cjk: 10 });
      expect(out.join('')).toBe('😀'.repeat(50));
      for (const s of out) expect(s).toMatch(/^(?:😀)+$/u);
    });
  });

  describe('streaming', () => {
    const samples = [
      'I hear you. That sounds hard! Want to talk? Sure',
      'Take 2.5 mg, see example.com now. Dr. Lee, e.g. J. Smith, said so.\n1. first\n2. second',
      'Well... maybe. Hmm... Fine. Wait… really',
      'so proud of you 🎉 Tell me more 👍🏽 ok then 👨‍👩‍👧 Family ❤️ Yes',
      '你好。我在！真的吗？好的；嗯',
      '他说：“真的吗？！”然后走了。…',
      '我不知道……也许吧. 好吧!你呢',
      '第3．5页。体温37.5度。好棒🎉我们继续😀😀',
    ];

    it('gives the same segments however the text is cut into pieces', () => {
      for (const text of samples) {
        const expected = whole(text);
        expect(split(units(text))).toEqual(expected);
        expect(split([...text])).toEqual(expected);
        const random = seededRandom(7);
        for (let round = 0; round < 20; round++) {
          expect(split(cutPieces(text, random, 1, 6))).toEqual(expected);
        }
      }
    });

    it('gives the same segments on every labelled reply, cut in any way, at any limit', () => {
      const dir = resolve(import.meta.dirname, '../../../test/fixtures/safety-output');
      const random = seededRandom(11);
      for (const file of ['replies.jsonl', 'replies-holdout.jsonl', 'replies-holdout-2.jsonl']) {
        for (const { text } of loadReplySet(resolve(dir, file))) {
          for (const limits of [LIMITS, { latin: 30, cjk: 12 }]) {
            const expected = whole(text, limits);
            expect(expected.join('')).toBe(text);
            expect(split(units(text), limits)).toEqual(expected);
            expect(split(cutPieces(text, random, 2, 7), limits)).toEqual(expected);
          }
        }
      }
    });

    it('returns every character exactly once, in order', () => {
      const text = samples.join(' ');
      expect(split(cutPieces(text, seededRandom(3), 1, 9)).join('')).toBe(text);
    });

    it('ignores empty pushes and flushes to nothing when empty', () => {
      const splitter = new SentenceSplitter(LIMITS);
      expect(splitter.push('')).toEqual([]);
      expect(splitter.flush()).toBe('');
      splitter.push('held');
      splitter.reset();
      expect(splitter.heldLength).toBe(0);
      expect(splitter.flush()).toBe('');
    });
  });
});

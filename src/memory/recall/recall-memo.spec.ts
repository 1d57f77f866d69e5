import { describe, expect, it } from '@jest/globals';
import { fromYmd } from './calendar.js';
import { resolveDates } from './date-resolver.js';
import { recall } from './recall.js';
import { recallMemo } from './recall-memo.js';
import type { TurnRecord } from './recall.types.js';

/** A token per word and per line break (additive, as Qwen's counts are line by line). */
const countTokens = (text: string) =>
  text.split(/\s+/).filter(Boolean).length + (text.match(/\n/g)?.length ?? 0);
const speakers = { user: 'Amy', assistant: 'Kai' };

describe('recallMemo', () => {
  it('renders a text said again on another day for that day', () => {
    const memo = recallMemo(4);
    const text = 'Back home since yesterday.';
    expect(memo.turnText(text, fromYmd(2024, 3, 8))).toBe(
      'Back home since yesterday (7 March 2024).',
    );
    expect(memo.turnText(text, fromYmd(2024, 3, 20))).toBe(
      'Back home since yesterday (19 March 2024).',
    );
    expect(memo.turnText(text, fromYmd(2024, 3, 8))).toBe(
      'Back home since yesterday (7 March 2024).',
    );
    expect(memo.turnDates(text, fromYmd(2024, 3, 20))[0].span).toEqual({
      from: fromYmd(2024, 3, 19),
      to: fromYmd(2024, 3, 19),
    });
  });

  it('answers as resolveDates does, for the day asked, whatever it resolved before', () => {
    const dates = recallMemo(2).turnDates;
    const text = 'We met yesterday and meet again next Friday.';
    const may9 = fromYmd(2024, 5, 9);
    const june3 = fromYmd(2024, 6, 3);
    expect(dates(text, may9)).toEqual(resolveDates(text, may9));
    expect(dates(text, june3)).toEqual(resolveDates(text, june3));
    expect(dates(text, may9)).toEqual(resolveDates(text, may9));
    expect(dates(text, june3)[0].span).not.toEqual(dates(text, may9)[0].span);
    // Evicted texts (room for two) come back the same.
    dates('昨天', may9);
    dates('today', may9);
    expect(dates(text, may9)).toEqual(resolveDates(text, may9));
    expect(dates('昨天', may9)).toEqual(resolveDates('昨天', may9));
  });

  it('leaves what recall selects and ranks as it is, call after call of a growing history', () => {
    // Texts that name dates (so the date signal resolves turns) and repeat (so texts meet again
    // on other days), in English and Chinese, in two time zones.
    const texts = [
      'I saw my sister yesterday and we talked about the exam next Friday.',
      'Work was long today, my boss wants the report by tomorrow morning.',
      'Last weekend we hiked with Ben, two weeks ago it rained the whole time.',
      '我昨天去医院看了牙医，下周二还要再去。',
      'The cat slept on my desk all afternoon.',
      'On Tuesday I start the new job, I am nervous about it.',
      'We had dinner at the Thai place on 8 May 2024, it was lovely.',
      '上个月我们去了杭州，今年还想去一次。',
    ];
    const memo = recallMemo(8); // smaller than the history: evictions on the way
    const turns: TurnRecord[] = [];
    const start = Date.parse('2024-05-01T09:00:00Z');
    for (let i = 0; i < 60; i++) {
      const at = new Date(start + i * 7 * 3600_000);
      const query = { text: texts[(i * 3) % texts.length], at, affect: null };
      for (const timeZone of ['UTC', 'Asia/Shanghai']) {
        const input = {
          query: { ...query, timeZone },
          turns,
          speakers,
          countTokens,
          limit: 20,
          exclude: { conversationId: 'c', fromSeq: Math.max(1, turns.length - 4) },
        };
        const plain = recall(input);
        const kept = recall({ ...input, memo });
        expect(kept).toEqual(plain);
      }
      turns.push({
        messageId: `m${i}`,
        conversationId: 'c',
        seq: turns.length + 1,
        role: i % 2 ? 'assistant' : 'user',
        content: texts[i % texts.length],
        createdAt: at,
      });
    }
    expect(turns.length).toBe(60);
  });
});

import { describe, expect, it } from '@jest/globals';
import { QwenTokenizer } from '../../prompting/qwen-tokenizer.js';
import { countLines } from './assemble-items.js';
import { fromYmd } from './calendar.js';
import { annotateDates, oneLine, renderMemory, renderTurns } from './render-item.js';
import type { TurnRecord } from './recall.types.js';

const turn = (
  seq: number,
  role: 'user' | 'assistant',
  content: string,
  iso: string,
): TurnRecord => ({
  messageId: `m${seq}`,
  conversationId: 'c',
  seq,
  role,
  content,
  createdAt: new Date(iso),
});

describe('renderTurns', () => {
  it('writes the day, then one line per speaker, and the day again when it changes', () => {
    const lines = renderTurns(
      [
        turn(1, 'user', 'I got the job\n\nyesterday!', '2024-03-08T23:50:00Z'),
        turn(2, 'assistant', 'Wonderful news.', '2024-03-09T00:05:00Z'),
      ],
      { user: 'Amy', assistant: 'Kai' },
      'UTC',
    );
    expect(lines).toEqual([
      '[Friday, 8 March 2024]',
      'Amy: I got the job yesterday (7 March 2024)!',
      '[Saturday, 9 March 2024]',
      'Kai: Wonderful news.',
    ]);
  });

  it('uses the user time zone for the day', () => {
    const lines = renderTurns(
      [turn(1, 'user', 'hi', '2024-03-08T23:50:00Z')],
      { user: 'Amy', assistant: 'Kai' },
      'Asia/Shanghai',
    );
    expect(lines[0]).toBe('[Saturday, 9 March 2024]');
  });
});

describe('annotateDates', () => {
  const said = fromYmd(2024, 3, 9);
  it('writes resolved dates after relative expressions only', () => {
    expect(annotateDates('Last Friday was hard, today is better, 1 May 2024 is far.', said)).toBe(
      'Last Friday (8 March 2024) was hard, today is better, 1 May 2024 is far.',
    );
    expect(annotateDates('我昨天很累', said)).toBe('我昨天（2024年3月8日）很累');
  });
});

describe('renderMemory', () => {
  it('writes when it was noted and, for events, when it happens', () => {
    expect(
      renderMemory(
        {
          id: 'x',
          kind: 'plan',
          text: '  Trip to\nKyoto ',
          sourceMessageIds: [],
          importance: 0.5,
          emotionalIntensity: 0,
          sensitive: false,
          core: false,
          createdAt: new Date('2024-03-09T10:00:00Z'),
          eventSpan: {
            from: new Date('2024-04-01T00:00:00Z'),
            to: new Date('2024-04-30T00:00:00Z'),
          },
        },
        'UTC',
      ),
    ).toBe('[Saturday, 9 March 2024] Trip to Kyoto (when: April 2024)');
    expect(oneLine(' a \n\t b ')).toBe('a b');
  });
});

describe('countLines', () => {
  it('equals the Qwen count of the joined text', () => {
    const tokenizer = new QwenTokenizer();
    const count = (t: string) => tokenizer.count(t);
    const items = [
      ['[Friday, 8 March 2024]', 'Amy: I got the job yesterday (7 March 2024)!', 'Kai: Wonderful.'],
      [
        '[2024年3月16日 周六]',
        'Amy: 我上周二（2024年3月5日）去医院看了牙医。',
        'Kai: 希望很快就不疼了！',
      ],
      ['Amy: ... really?!', 'Kai:   spaced   out  ', 'Amy: ok'],
    ];
    for (const lines of items) expect(countLines(lines, count)).toBe(count(lines.join('\n')));
  });
});

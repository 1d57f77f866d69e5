import { describe, expect, it } from '@jest/globals';
import { formatSpan, fromYmd } from './calendar.js';
import { chineseNumber, resolveDates } from './date-resolver.js';

/** Saturday 15 July 2023. */
const SAID = fromYmd(2023, 7, 15);

const resolved = (text: string, said = SAID) =>
  resolveDates(text, said).map((m) => [m.text, formatSpan(m.span, 'en', false)]);

describe('resolveDates (English)', () => {
  it('resolves days relative to when the text was said', () => {
    expect(resolved('I went to the support group yesterday.')).toEqual([
      ['yesterday', '14 July 2023'],
    ]);
    expect(resolved('The day before yesterday, and tomorrow, and tonight.')).toEqual([
      ['The day before yesterday', '13 July 2023'],
      ['tomorrow', '16 July 2023'],
      ['tonight', '15 July 2023'],
    ]);
  });

  it('takes "last Friday" as the latest Friday before today', () => {
    expect(resolved('Last Friday I went to a pottery workshop.')).toEqual([
      ['Last Friday', '14 July 2023'],
    ]);
    expect(resolved('last Saturday')).toEqual([['last Saturday', '8 July 2023']]);
    expect(resolved('next Monday')).toEqual([['next Monday', '17 July 2023']]);
  });

  it('reads the tense of the sentence for "on <weekday>", and skips habits', () => {
    expect(resolved('I will see her on Monday.')).toEqual([['on Monday', '17 July 2023']]);
    expect(resolved('I saw her on Monday.')).toEqual([['on Monday', '10 July 2023']]);
    expect(resolved('I always call mom on Sunday.')).toEqual([]);
  });

  it('resolves weeks, weekends, months and years', () => {
    expect(resolved('last week')).toEqual([['last week', '3 July – 9 July 2023']]);
    expect(resolved('last weekend')).toEqual([['last weekend', '8 July – 9 July 2023']]);
    expect(resolved('next month')).toEqual([['next month', 'August 2023']]);
    expect(resolved('last year')).toEqual([['last year', '2022']]);
    expect(resolved('two weeks ago')).toEqual([['two weeks ago', '28 June – 4 July 2023']]);
    expect(resolved('a few days ago')).toEqual([['a few days ago', '11 July – 13 July 2023']]);
    expect(resolved('3 months ago')).toEqual([['3 months ago', 'April 2023']]);
    expect(resolved('in two weeks')).toEqual([['in two weeks', '26 July – 1 August 2023']]);
  });

  it('reads absolute dates, and gives a year to those without one', () => {
    expect(resolved('on 8 May 2023, May 20th, 2024 and 2023-05-09')).toEqual([
      ['8 May 2023', '8 May 2023'],
      ['May 20th, 2024', '20 May 2024'],
      ['2023-05-09', '9 May 2023'],
    ]);
    expect(resolved('What did Joanna watch on 1 May, 2022?')).toEqual([
      ['1 May, 2022', '1 May 2022'],
    ]);
    expect(resolved('We moved in May.')).toEqual([['in May', 'May 2023']]);
    // The nearest 20 June is this year's, 25 days back, unless the sentence is about the future.
    expect(resolved('My party was on 20 June.')).toEqual([['20 June', '20 June 2023']]);
    expect(resolved('My party will be on 20 June.')).toEqual([['20 June', '20 June 2024']]);
    expect(resolved('in January 2024')).toEqual([['January 2024', 'January 2024']]);
    expect(resolved('since 2019')).toEqual([['since 2019', '2019']]);
  });

  it('reads counts of days written as words', () => {
    expect(resolved('I will see her in two days')).toEqual([['in two days', '17 July 2023']]);
    expect(resolved('the past three days were hard')).toEqual([
      ['the past three days', '12 July – 15 July 2023'],
    ]);
  });

  it('does not take the verb "may" for a month', () => {
    expect(resolved('I may go. May I come?')).toEqual([]);
  });
});

describe('resolveDates (Chinese)', () => {
  it('resolves relative days and weeks (weeks start on Monday)', () => {
    expect(resolved('我上周二考试考砸了，昨天妹妹来了，三天前去了医院')).toEqual([
      ['上周二', '4 July 2023'],
      ['昨天', '14 July 2023'],
      ['三天前', '12 July 2023'],
    ]);
    expect(resolved('前天和大前天，后天')).toEqual([
      ['前天', '13 July 2023'],
      ['大前天', '12 July 2023'],
      ['后天', '17 July 2023'],
    ]);
    expect(resolved('上周末很开心，下个月要搬家，去年很难')).toEqual([
      ['上周末', '8 July – 9 July 2023'],
      ['下个月', 'August 2023'],
      ['去年', '2022'],
    ]);
    expect(resolved('这周五晚上一起吃饭')).toEqual([['这周五', '14 July 2023']]);
  });

  it('reads absolute dates with Arabic or Chinese numerals', () => {
    expect(resolved('2023年5月8日见面，5月20号再见，二〇二二年去了北京')).toEqual([
      ['2023年5月8日', '8 May 2023'],
      ['5月20号', '20 May 2023'],
      ['二〇二二年', '2022'],
    ]);
    expect(resolved('六月二十日')).toEqual([['六月二十日', '20 June 2023']]);
    expect(resolved('我打算六月二十日去')).toEqual([['六月二十日', '20 June 2024']]);
  });

  it('reads the colloquial 昨儿 and 今儿', () => {
    expect(resolved('我昨儿去了公园，今儿在家')).toEqual([
      ['昨儿', '14 July 2023'],
      ['今儿', '15 July 2023'],
    ]);
  });

  it('reads both languages in one text, digits in Chinese text included', () => {
    expect(resolved('Met her 2 days ago，昨天又见了')).toEqual([
      ['2 days ago', '13 July 2023'],
      ['昨天', '14 July 2023'],
    ]);
    expect(resolved('会议在2023-07-04开')).toEqual([['2023-07-04', '4 July 2023']]);
  });

  it('does not read dates into everyday words or habits', () => {
    expect(resolved('晚上月光很美')).toEqual([]);
    expect(resolved('每周一开会')).toEqual([]);
    expect(resolved('周日晚上总是很孤独')).toEqual([]);
  });

  it('reads Chinese numerals', () => {
    expect(chineseNumber('十二')).toBe(12);
    expect(chineseNumber('二十一')).toBe(21);
    expect(chineseNumber('十')).toBe(10);
    expect(chineseNumber('两')).toBe(2);
    expect(chineseNumber('二〇二三')).toBe(2023);
    expect(chineseNumber('15')).toBe(15);
  });
});

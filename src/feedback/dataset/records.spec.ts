import { describe, expect, it } from '@jest/globals';
import { formatExample, promptFromTrace, splitOf, type Example } from './records.js';
import { namesFromMemories, scrubText } from './scrub.js';

const trace = {
  system: 'You are Mira.',
  summary: 'They talked about work.',
  note: 'The user seems tired.',
  history: [
    { id: 'u1', role: 'user' as const },
    { id: 'a1', role: 'assistant' as const },
    { id: 'u2', role: 'user' as const },
  ],
};
const contents = new Map([
  ['u1', 'Hi'],
  ['a1', 'Hello!'],
  ['u2', 'Call Anna at +1 415 555 0100'],
]);

describe('promptFromTrace', () => {
  it('puts the prompt back together as the model saw it, note before the newest message', () => {
    expect(promptFromTrace(trace, contents)).toEqual([
      { role: 'system', content: 'You are Mira.' },
      { role: 'system', content: 'They talked about work.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'system', content: 'The user seems tired.' },
      { role: 'user', content: 'Call Anna at +1 415 555 0100' },
    ]);
  });

  it('gives no prompt when a message of it is gone', () => {
    expect(promptFromTrace(trace, new Map([['u1', 'Hi']]))).toBeNull();
  });
});

describe('formatExample', () => {
  const prompt = promptFromTrace(trace, contents)!;
  it("writes TRL's conversational formats, names and numbers replaced", () => {
    const sft: Example = { kind: 'sft', prompt, completion: 'Say hi to Anna!' };
    const record = formatExample(sft, 'trl', ['Anna']) as { messages: Array<{ content: string }> };
    expect(record.messages.at(-2)!.content).toBe('Call [NAME] at [PHONE]');
    expect(record.messages.at(-1)).toEqual({ role: 'assistant', content: 'Say hi to [NAME]!' });
    expect(
      Object.keys(formatExample({ kind: 'dpo', prompt, chosen: 'a', rejected: 'b' }, 'trl')),
    ).toEqual(['prompt', 'chosen', 'rejected']);
    expect(
      formatExample({ kind: 'kto', prompt, completion: 'a', label: false }, 'trl'),
    ).toMatchObject({
      completion: [{ role: 'assistant', content: 'a' }],
      label: false,
    });
  });

  it("writes LLaMA-Factory's sharegpt with the system messages joined", () => {
    const r = formatExample({ kind: 'dpo', prompt, chosen: 'a', rejected: 'b' }, 'sharegpt');
    expect(r).toMatchObject({
      system: 'You are Mira.\n\nThey talked about work.\n\nThe user seems tired.',
      conversations: [
        { from: 'human', value: 'Hi' },
        { from: 'gpt', value: 'Hello!' },
        { from: 'human', value: 'Call Anna at [PHONE]' },
      ],
      chosen: { from: 'gpt', value: 'a' },
      rejected: { from: 'gpt', value: 'b' },
    });
  });
});

describe('scrubText', () => {
  it.each([
    ['mail me at anna.lee@example.com', 'mail me at [EMAIL]'],
    ['my number is 138 0013 8000', 'my number is [PHONE]'],
    ['card 4111 1111 1111 1111 please', 'card [CARD] please'],
    ['身份证 11010519491231002X', '身份证 [ID]'],
    ['ssn 123-45-6789', 'ssn [ID]'],
    ['I walked 5000 steps in 2024', 'I walked 5000 steps in 2024'],
  ])('%s', (text, expected) => expect(scrubText(text)).toBe(expected));

  it("replaces the names of the user's memories about people, whole words only", () => {
    const names = namesFromMemories([
      { kind: 'person', text: 'Her sister is called Anna Lee.' },
      { kind: 'person', text: '妹妹叫小雨' },
      { kind: 'fact', text: 'Works at Google.' },
    ]);
    expect(names).toEqual(expect.arrayContaining(['Anna', 'Lee', '小雨']));
    expect(names).not.toContain('Google');
    expect(scrubText('Anna and Annabel met 小雨', names)).toBe('[NAME] and Annabel met [NAME]');
  });
});

describe('splitOf', () => {
  it('puts every user in one split, about the share asked in validation', () => {
    let validation = 0;
    for (let i = 0; i < 10_000; i++) {
      const user = `user-${i}`;
      expect(splitOf(user, 0.1)).toBe(splitOf(user, 0.1));
      if (splitOf(user, 0.1) === 'validation') validation++;
    }
    expect(validation).toBeGreaterThan(850);
    expect(validation).toBeLessThan(1150);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Turn } from '../turn.js';
import { answeredText } from './safety.stage.js';

const user = (id: string, content: string) => ({
  id,
  seq: 0,
  role: 'user' as const,
  content,
  tokens: null,
});

function turnOf(history: ReturnType<typeof user>[], answered: string[]): Turn {
  const latest = history.find((m) => m.id === answered[answered.length - 1])!;
  return {
    answering: { id: latest.id, content: latest.content },
    answered: answered.map((id) => ({ id, kind: 'text' })),
    conversation: { summary: null, history, olderTurns: false },
    reads: {},
  } as unknown as Turn;
}

describe('answeredText', () => {
  it('reads every message of a burst, oldest first, not only the latest', () => {
    const history = [
      user('a', 'earlier, already answered'),
      user('b', 'I want to die'),
      user('c', 'hi'),
    ];
    expect(answeredText(turnOf(history, ['b', 'c']))).toBe('I want to die\nhi');
  });

  it('is the latest message alone when it is the only one answered', () => {
    const history = [user('a', 'I want to die'), user('c', 'hi')];
    expect(answeredText(turnOf(history, ['c']))).toBe('hi');
  });
});

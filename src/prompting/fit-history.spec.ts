import { describe, expect, it } from '@jest/globals';
import { fitHistory, type HistoryTurn } from './fit-history.js';

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
const turn = (role: 'user' | 'assistant', n: number, tag: string): HistoryTurn => ({
  role,
  content: Array.from({ length: n }, () => tag).join(' '),
});

describe('fitHistory', () => {
  const base = { system: 'be kind', count: words, messageOverhead: 5, primerTokens: 3 };

  it('keeps everything when it fits and counts the template overhead', () => {
    const history = [turn('user', 10, 'a'), turn('assistant', 10, 'b'), turn('user', 10, 'c')];
    const fitted = fitHistory({ ...base, history, budget: 1000 });
    expect(fitted.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(fitted.tokens).toBe(2 + 5 + 3 + 3 * (10 + 5));
    expect(fitted.dropped).toBe(0);
  });

  it('drops the oldest turns first when over budget', () => {
    const history = [
      turn('user', 50, 'old'),
      turn('assistant', 50, 'mid'),
      turn('user', 10, 'new'),
    ];
    const fitted = fitHistory({ ...base, history, budget: 10 + 15 + 55 });
    expect(fitted.messages.map((m) => m.content.split(' ')[0])).toEqual(['be', 'mid', 'new']);
    expect(fitted.dropped).toBe(1);
    expect(fitted.tokens).toBeLessThanOrEqual(80);
  });

  it('always keeps the newest turn, even alone over budget', () => {
    const fitted = fitHistory({ ...base, history: [turn('user', 500, 'x')], budget: 100 });
    expect(fitted.messages).toHaveLength(2);
    expect(fitted.tokens).toBe(2 + 5 + 3 + 505);
  });

  it('puts the note right before the newest turn and always keeps it', () => {
    const history = [
      turn('user', 50, 'old'),
      turn('assistant', 10, 'mid'),
      turn('user', 10, 'new'),
    ];
    const fitted = fitHistory({ ...base, note: 'seems tired', history, budget: 10 + 7 + 15 + 15 });
    expect(fitted.messages.map((m) => [m.role, m.content.split(' ')[0]])).toEqual([
      ['system', 'be'],
      ['assistant', 'mid'],
      ['system', 'seems'],
      ['user', 'new'],
    ]);
    expect(fitted.tokens).toBe(2 + 5 + 3 + (2 + 5) + 15 + 15);
  });

  it('uses known token counts instead of counting again', () => {
    const history: HistoryTurn[] = [{ role: 'user', content: 'short', tokens: 400 }];
    const fitted = fitHistory({ ...base, history, budget: 1000 });
    expect(fitted.tokens).toBe(2 + 5 + 3 + 405);
  });
});

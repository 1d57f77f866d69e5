import { describe, expect, it } from '@jest/globals';
import { selectWithinBudget } from './select-within-budget.js';

const items = (...tokens: number[]) => tokens.map((t, i) => ({ id: i, tokens: t }));

describe('selectWithinBudget', () => {
  it('takes items in order while they fit, separators included', () => {
    const { selected, used } = selectWithinBudget(items(40, 30, 20), 100, { separatorTokens: 1 });
    expect(selected.map((i) => i.id)).toEqual([0, 1, 2]);
    expect(used).toBe(40 + 31 + 21);
  });

  it('passes over an item that does not fit and lets a smaller one use the room', () => {
    const { selected } = selectWithinBudget(items(60, 50, 30), 100, { separatorTokens: 0 });
    expect(selected.map((i) => i.id)).toEqual([0, 2]);
  });

  it('stops looking after several misses in a row', () => {
    let looked = 0;
    function* lazy() {
      for (const t of [90, 50, 50, 50, 5]) {
        looked++;
        yield { tokens: t };
      }
    }
    const { selected } = selectWithinBudget(lazy(), 100, { separatorTokens: 0, maxMisses: 3 });
    expect(selected).toHaveLength(1);
    expect(looked).toBe(4);
  });

  it('counts what was already used', () => {
    const { selected, used } = selectWithinBudget(items(50, 50), 100, {
      separatorTokens: 1,
      alreadyUsed: 40,
    });
    expect(selected).toHaveLength(1);
    expect(used).toBe(91);
  });
});

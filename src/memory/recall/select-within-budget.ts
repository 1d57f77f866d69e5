/**
 * Items in rank order until they fill the budget. An item that does not fit is passed over and
 * the next, smaller one may still fit ("first fit" in rank order: one long item cannot leave the
 * rest of the budget unused), but after `maxMisses` such items in a row the budget counts as full:
 * every item looked at is rendered and counted, and what is left by then is small. Each item after
 * the first pays `separatorTokens`.
 */
export function selectWithinBudget<T extends { tokens: number }>(
  items: Iterable<T>,
  budget: number,
  options: { separatorTokens: number; maxMisses?: number; alreadyUsed?: number },
): { selected: T[]; used: number } {
  const { separatorTokens, maxMisses = 3 } = options;
  let used = options.alreadyUsed ?? 0;
  const selected: T[] = [];
  let misses = 0;
  for (const item of items) {
    const cost = item.tokens + (used > 0 ? separatorTokens : 0);
    if (used + cost > budget) {
      if (++misses >= maxMisses) break;
      continue;
    }
    misses = 0;
    used += cost;
    selected.push(item);
  }
  return { selected, used };
}

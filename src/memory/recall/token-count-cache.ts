import { LruCache } from './lru-cache.js';

/**
 * A token counter that remembers the counts of recent texts (least recently used dropped first),
 * at most `maxEntries` texts of `maxChars` characters in all. Recall renders the same turns again
 * on every message of a user, one line per turn, so in a running service most lines are counted
 * once.
 */
export function cachedTokenCounter(
  count: (text: string) => number,
  maxEntries = 50_000,
  maxChars = 4_000_000,
): (text: string) => number {
  const cache = new LruCache<string, number>({
    maxEntries,
    maxWeight: maxChars,
    weigh: (text) => text.length,
  });
  return (text) => {
    let n = cache.get(text);
    if (n === undefined) {
      n = count(text);
      cache.set(text, n);
    }
    return n;
  };
}

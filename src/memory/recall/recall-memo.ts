import type { Day } from './calendar.js';
import { resolveDates } from './date-resolver.js';
import { LruCache } from './lru-cache.js';
import type { TurnDates } from './rank-documents.js';
import { plainTurnText, type TurnText } from './render-item.js';

/**
 * What recall keeps from one call to the next. A user's past turns are ranked and rendered again
 * on every message they send, and the costly parts (the dates a turn's text names, and the text
 * as an item shows it, dates resolved) depend only on the text and the day it was said: kept for
 * the most recently used texts (each at most `maxTexts` of `maxChars` characters in all: a few MB
 * for the usual short messages, 8 MB of UTF-16 at most), they are worked out about once per turn.
 * What they return is shared: read it, do not change it.
 */
export interface RecallMemo {
  turnText: TurnText;
  turnDates: TurnDates;
}

export function recallMemo(maxTexts = 20_000, maxChars = 4_000_000): RecallMemo {
  const limits = { maxEntries: maxTexts, maxWeight: maxChars };
  return {
    turnText: perText(plainTurnText, limits, (content, text) => content.length + text.length),
    turnDates: perText(resolveDates, limits, (text, found) => text.length + found.length * 64),
  };
}

/**
 * `compute(text, day)`, kept for the most recently used texts with the day it was worked out
 * for: the same text said on another day is worked out again.
 */
function perText<T>(
  compute: (text: string, day: Day) => T,
  limits: { maxEntries: number; maxWeight: number },
  weigh: (text: string, value: T) => number,
): (text: string, day: Day) => T {
  const cache = new LruCache<string, { day: Day; value: T }>({
    ...limits,
    weigh: (text, { value }) => weigh(text, value),
  });
  return (text, day) => {
    const hit = cache.get(text);
    if (hit?.day === day) return hit.value;
    const value = compute(text, day);
    cache.set(text, { day, value });
    return value;
  };
}

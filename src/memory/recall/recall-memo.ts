import type { Day } from './calendar.js';
import { cachedDateResolver } from './date-resolver.js';
import { LruCache } from './lru-cache.js';
import type { TurnDates } from './rank-documents.js';
import { plainTurnText, type TurnText } from './render-item.js';

/**
 * What recall keeps from one call to the next. A user's past turns are ranked and rendered again
 * on every message they send, and the costly parts (the dates a turn's text names, and the text
 * as an item shows it, dates resolved) depend only on the text and the day it was said: kept for
 * the most recently used texts (each at most `maxTexts` of `maxChars` characters in all: a few MB
 * for the usual short messages, 8 MB of UTF-16 at most), they are worked out about once per turn.
 */
export interface RecallMemo {
  turnText: TurnText;
  turnDates: TurnDates;
}

export function recallMemo(maxTexts = 20_000, maxChars = 4_000_000): RecallMemo {
  const rendered = new LruCache<string, { day: Day; text: string }>({
    maxEntries: maxTexts,
    maxWeight: maxChars,
    weigh: (content, { text }) => content.length + text.length,
  });
  return {
    turnText: (content, day) => {
      const hit = rendered.get(content);
      if (hit?.day === day) return hit.text;
      const text = plainTurnText(content, day);
      rendered.set(content, { day, text });
      return text;
    },
    turnDates: cachedDateResolver(maxTexts, maxChars),
  };
}

export interface HistoryTurn {
  role: 'user' | 'assistant';
  content: string;
  /** Tokens of the content alone, when already known. */
  tokens?: number;
}

export interface FittedPrompt {
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  /** Tokens of the whole prompt as the model will see it, reply primer included. */
  tokens: number;
  /** Oldest turns left out to stay within the budget. */
  dropped: number;
}

/**
 * The system prompt plus as much recent history as fits in `budget` tokens, newest first. The
 * newest turn is always kept (the message being answered); older turns go first. A `note` (the
 * per-turn context) is always kept too, as a system message right before the newest turn, so
 * that everything before it stays the same from turn to turn and the model's prefix cache holds.
 */
export function fitHistory(input: {
  system: string;
  /** A summary of older turns, as a system message right after the system prompt. */
  summary?: string | null;
  note?: string | null;
  history: HistoryTurn[];
  budget: number;
  count: (text: string) => number;
  messageOverhead: number;
  primerTokens: number;
}): FittedPrompt {
  const { system, summary, note, history, budget, count, messageOverhead, primerTokens } = input;
  let used = count(system) + messageOverhead + primerTokens;
  if (note) used += count(note) + messageOverhead;
  if (summary) used += count(summary) + messageOverhead;
  const kept: HistoryTurn[] = [];
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i];
    const cost = (turn.tokens ?? count(turn.content)) + messageOverhead;
    if (kept.length > 0 && used + cost > budget) break;
    used += cost;
    kept.push(turn);
  }
  kept.reverse();
  const turns: FittedPrompt['messages'] = kept.map((t) => ({ role: t.role, content: t.content }));
  if (note && turns.length > 0)
    turns.splice(turns.length - 1, 0, { role: 'system', content: note });
  const head: FittedPrompt['messages'] = [{ role: 'system', content: system }];
  if (summary) head.push({ role: 'system', content: summary });
  return {
    messages: [...head, ...turns],
    tokens: used,
    dropped: history.length - kept.length,
  };
}

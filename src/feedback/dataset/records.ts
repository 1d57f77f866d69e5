import { unitOf } from '../../routing/fnv.js';
import { scrubText } from './scrub.js';

/**
 * Training records in TRL's conversational formats (docs/model-loop.md), pure of I/O:
 *   sft: {"messages": [...prompt, assistant]}
 *   dpo: {"prompt": [...], "chosen": [assistant], "rejected": [assistant]}
 *   kto: {"prompt": [...], "completion": [assistant], "label": bool}
 * or LLaMA-Factory's sharegpt (`{"system", "conversations": [{from, value}], ...}`). The prompt
 * is the exact list of messages the model saw, personal data replaced.
 */

export type DatasetKind = 'sft' | 'dpo' | 'kto';
export type DatasetFormat = 'trl' | 'sharegpt';
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One example before formatting: the prompt, and what to learn about the answer. */
export type Example =
  | { kind: 'sft'; prompt: ChatTurn[]; completion: string }
  | { kind: 'dpo'; prompt: ChatTurn[]; chosen: string; rejected: string }
  | { kind: 'kto'; prompt: ChatTurn[]; completion: string; label: boolean };

/**
 * The prompt as the model saw it, from a turn trace: the system prompt, the summary, the history
 * kept, and the per-turn note right before the newest message (src/prompting/fit-history.ts).
 */
export function promptFromTrace(
  trace: {
    system: string;
    summary: string | null;
    note: string | null;
    history: Array<{ id: string; role: 'user' | 'assistant' }>;
  },
  contents: ReadonlyMap<string, string>,
): ChatTurn[] | null {
  const turns: ChatTurn[] = [];
  for (const h of trace.history) {
    const content = contents.get(h.id);
    if (content === undefined) return null; // a message gone since: no exact prompt
    turns.push({ role: h.role, content });
  }
  if (turns.length === 0 || !trace.system) return null;
  if (trace.note) turns.splice(turns.length - 1, 0, { role: 'system', content: trace.note });
  const head: ChatTurn[] = [{ role: 'system', content: trace.system }];
  if (trace.summary) head.push({ role: 'system', content: trace.summary });
  return [...head, ...turns];
}

/** The record of an example, personal data replaced (`names`: from the user's memory). */
export function formatExample(
  example: Example,
  format: DatasetFormat,
  names: readonly string[] = [],
): Record<string, unknown> {
  const clean = (t: string) => scrubText(t, names);
  const prompt = example.prompt.map((m) => ({ role: m.role, content: clean(m.content) }));
  const said = (t: string): ChatTurn[] => [{ role: 'assistant', content: clean(t) }];
  if (format === 'sharegpt') return sharegpt(example, prompt, clean);
  switch (example.kind) {
    case 'sft':
      return { messages: [...prompt, ...said(example.completion)] };
    case 'dpo':
      return { prompt, chosen: said(example.chosen), rejected: said(example.rejected) };
    case 'kto':
      return { prompt, completion: said(example.completion), label: example.label };
  }
}

/**
 * LLaMA-Factory's sharegpt: the system messages joined into `system` (their places in the
 * conversation are lost: sharegpt alternates human and gpt), the rest as `conversations`.
 */
function sharegpt(
  example: Example,
  prompt: ChatTurn[],
  clean: (t: string) => string,
): Record<string, unknown> {
  const system = prompt
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const conversations = prompt
    .filter((m) => m.role !== 'system')
    .map((m) => ({ from: m.role === 'user' ? 'human' : 'gpt', value: m.content }));
  const gpt = (t: string) => ({ from: 'gpt', value: clean(t) });
  switch (example.kind) {
    case 'sft':
      return { system, conversations: [...conversations, gpt(example.completion)] };
    case 'dpo':
      return {
        system,
        conversations,
        chosen: gpt(example.chosen),
        rejected: gpt(example.rejected),
      };
    case 'kto':
      return {
        system,
        conversations: [...conversations, gpt(example.completion)],
        kto_tag: example.label,
      };
  }
}

/** Which split a user's records go to: by hash of the user id, so a user is in one split only. */
export function splitOf(userId: string, validationShare: number): 'train' | 'validation' {
  return unitOf(`split:${userId}`) < validationShare ? 'validation' : 'train';
}

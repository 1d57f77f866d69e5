import { createHash } from 'node:crypto';
import type { TrainingMessage } from '../../conversation/message.repository.js';
import type { TurnTrace } from '../../turn/turn-trace.js';
import type { DatasetAct } from '../feedback.repository.js';
import {
  formatExample,
  promptFromTrace,
  splitOf,
  type DatasetFormat,
  type DatasetKind,
  type Example,
} from './records.js';
import { namesFromMemories } from './scrub.js';

/**
 * Training data out of reactions (docs/model-loop.md), page by page in constant memory: a page
 * of acts (consenting users only), then in bulk what the page needs from the modules that own it
 * (traces, messages, safety's exclusions, memory's sensitive items and names), then one record
 * per example. Nothing here reads a table: the sources are the owners' repositories.
 */
export interface DatasetSources {
  datasetActs(
    kind: DatasetKind,
    window: { since: Date; until: Date },
    after: [string, string] | null,
    limit: number,
  ): Promise<Array<DatasetAct & { key: [string, string] }>>;
  tracesOf(replyIds: readonly string[]): Promise<Map<string, TurnTrace>>;
  trainingMessages(
    ids: readonly string[],
    answering?: readonly string[],
  ): Promise<TrainingMessage[]>;
  trainingExclusions(
    conversationIds: readonly string[],
    userIds: readonly string[],
  ): Promise<{ crisisConversations: Set<string>; minors: Set<string> }>;
  trainingHints(
    memoryIds: readonly string[],
    userIds: readonly string[],
  ): Promise<{
    sensitive: Set<string>;
    people: Map<string, Array<{ kind: string; text: string }>>;
  }>;
}

export interface DatasetOptions {
  kind: DatasetKind;
  since: Date;
  until: Date;
  format: DatasetFormat;
  /** The share of users whose records go to the validation split (by hash of the user id). */
  validationShare: number;
  pageSize?: number;
}

export interface DatasetStats {
  acts: number;
  records: { train: number; validation: number };
  /** Acts left out, by reason. */
  excluded: Record<string, number>;
}

export interface DatasetRecord {
  split: 'train' | 'validation';
  record: Record<string, unknown>;
}

export function emptyStats(): DatasetStats {
  return { acts: 0, records: { train: 0, validation: 0 }, excluded: {} };
}

export async function* datasetRecords(
  sources: DatasetSources,
  options: DatasetOptions,
  stats: DatasetStats = emptyStats(),
): AsyncGenerator<DatasetRecord> {
  const pageSize = options.pageSize ?? 500;
  let after: [string, string] | null = null;
  const exclude = (reason: string) => (stats.excluded[reason] = (stats.excluded[reason] ?? 0) + 1);
  for (;;) {
    const acts = await sources.datasetActs(options.kind, options, after, pageSize);
    if (acts.length === 0) return;
    after = acts[acts.length - 1].key;
    stats.acts += acts.length;
    const traces = await sources.tracesOf(acts.map((a) => a.replyId));
    const historyIds = new Set<string>();
    const memoryIds = new Set<string>();
    const answering: string[] = [];
    for (const a of acts) {
      const t = traces.get(a.replyId);
      if (!t) continue;
      for (const h of t.prompt.history) historyIds.add(h.id);
      for (const r of t.recalled) if (r.id.startsWith('memory:')) memoryIds.add(r.id.slice(7));
      if (a.kind === 'choose') answering.push(t.answering);
    }
    const userIds = [...new Set(acts.map((a) => a.userId))];
    const [messages, exclusions, hints] = await Promise.all([
      sources.trainingMessages([...acts.map((a) => a.replyId), ...historyIds], answering),
      sources.trainingExclusions([...new Set(acts.map((a) => a.conversationId))], userIds),
      sources.trainingHints([...memoryIds], userIds),
    ]);
    const byId = new Map(messages.map((m) => [m.id, m]));
    const contents = new Map(messages.filter((m) => !m.gone).map((m) => [m.id, m.content]));
    const names = new Map(userIds.map((u) => [u, namesFromMemories(hints.people.get(u) ?? [])]));
    for (const act of acts) {
      const reply = byId.get(act.replyId);
      const trace = traces.get(act.replyId);
      if (exclusions.minors.has(act.userId)) exclude('minor');
      else if (exclusions.crisisConversations.has(act.conversationId)) exclude('crisis');
      else if (!trace) exclude('no_trace');
      else if (!usable(reply)) exclude('reply_unusable');
      else if (
        trace.recalled.some((r) => r.id.startsWith('memory:') && hints.sensitive.has(r.id.slice(7)))
      ) {
        exclude('sensitive_memory');
      } else {
        const prompt = promptFromTrace(trace.prompt, contents);
        if (!prompt) {
          exclude('prompt_gone');
          continue;
        }
        const examples = examplesOf(options.kind, act, reply, prompt, messages);
        if (examples.length === 0) exclude('no_pair');
        const split = splitOf(act.userId, options.validationShare);
        for (const example of examples) {
          stats.records[split]++;
          yield { split, record: formatExample(example, options.format, names.get(act.userId)) };
        }
      }
    }
    if (acts.length < pageSize) return;
  }
}

/** A reply the model wrote and the user saw to its end. */
function usable(m: TrainingMessage | undefined): m is TrainingMessage {
  return (
    !!m &&
    !m.gone &&
    m.role === 'assistant' &&
    m.status === 'completed' &&
    m.source === 'model' &&
    m.content !== ''
  );
}

function examplesOf(
  kind: DatasetKind,
  act: DatasetAct,
  reply: TrainingMessage,
  prompt: Example['prompt'],
  messages: readonly TrainingMessage[],
): Example[] {
  if (kind === 'kto') {
    return [{ kind, prompt, completion: reply.content, label: act.rating === 'up' }];
  }
  if (kind === 'sft') {
    return [{ kind, prompt, completion: act.kind === 'edit' ? act.text! : reply.content }];
  }
  if (act.kind === 'edit') {
    return act.text && act.text !== reply.content
      ? [{ kind, prompt, chosen: act.text, rejected: reply.content }]
      : [];
  }
  // A choice of version: the kept one over each other version (when it is still the one kept).
  if (reply.replaced) return [];
  return messages
    .filter((m) => m.inReplyTo === reply.inReplyTo && m.id !== reply.id && usable(m))
    .map((m) => ({ kind, prompt, chosen: reply.content, rejected: m.content }));
}

/** A running SHA-256 and line count of what is written (the manifest's). */
export class DigestCounter {
  private readonly hash = createHash('sha256');
  lines = 0;
  bytes = 0;

  add(line: string): void {
    this.hash.update(line);
    this.lines++;
    this.bytes += Buffer.byteLength(line);
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  /** The SHA-256 of one string (hex). */
  digestOf(text: string): string {
    return createHash('sha256').update(text).digest('hex');
  }
}

import { readFileSync } from 'node:fs';
import type { OutputBlocked } from '../../turn/output-check.js';
import { createOutputCheck } from './output-check.js';
import { OUTPUT_CATEGORIES, type OutputCategory } from './output-policy.js';
import { seededRandom } from '../../common/seeded-random.js';

/**
 * Labelled model replies (test/fixtures/safety-output/*.jsonl) and how the output check scores
 * on them: each line streamed through `createOutputCheck` in small pieces, as a reply arrives.
 */
export interface LabelledReply {
  text: string;
  lang: 'en' | 'zh';
  minor: boolean;
  label: OutputCategory | 'none';
  kind: string;
}

export interface ReplyResult {
  reply: LabelledReply;
  /** What the check let through, joined. */
  released: string;
  blocked: OutputBlocked | null;
}

/** One JSON object a line; blank lines are skipped. Throws on a line that is not a reply. */
export function loadReplySet(path: string): LabelledReply[] {
  const out: LabelledReply[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, n) => {
    if (line.trim() === '') return;
    const r = JSON.parse(line) as LabelledReply;
    const labelOk = r.label === 'none' || OUTPUT_CATEGORIES.includes(r.label);
    if (typeof r.text !== 'string' || typeof r.minor !== 'boolean' || !labelOk) {
      throw new Error(`${path}:${n + 1}: not a labelled reply`);
    }
    out.push(r);
  });
  return out;
}

/** Cuts text into pieces of `min`..`max` UTF-16 units (a piece may end inside a pair). */
export function cutPieces(text: string, random: () => number, min = 3, max = 12): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = min + Math.floor(random() * (max - min + 1));
    pieces.push(text.slice(i, i + n));
    i += n;
  }
  return pieces;
}

/** Streams one reply through a fresh check, piece by piece, then flushes it. */
export function streamReply(reply: LabelledReply, pieces: readonly string[]): ReplyResult {
  const check = createOutputCheck({ minor: reply.minor });
  let released = '';
  for (const piece of pieces) released += check.push(piece);
  released += check.flush();
  return { reply, released, blocked: check.blocked };
}

export interface SetScore {
  results: ReplyResult[];
  harmful: number;
  /** Harmful lines blocked (under any category). */
  caught: number;
  /** Of those, blocked under their own label. */
  rightCategory: number;
  /** Lines labelled none whose kind is not `everyday`. */
  hardNegatives: number;
  hardNegativesBlocked: number;
  everyday: number;
  everydayBlocked: number;
  recall: number;
  categoryAccuracy: number;
  falsePositiveRate: number;
}

/** Streams every line in pieces of 3-12 characters (seeded) and scores the set. */
export function scoreReplySet(replies: readonly LabelledReply[], seed = 1): SetScore {
  const random = seededRandom(seed);
  const results = replies.map((r) => streamReply(r, cutPieces(r.text, random)));
  const harmful = results.filter((r) => r.reply.label !== 'none');
  const caught = harmful.filter((r) => r.blocked);
  const rightCategory = caught.filter((r) => r.blocked!.category === r.reply.label);
  const hard = results.filter((r) => r.reply.label === 'none' && r.reply.kind !== 'everyday');
  const everyday = results.filter((r) => r.reply.label === 'none' && r.reply.kind === 'everyday');
  return {
    results,
    harmful: harmful.length,
    caught: caught.length,
    rightCategory: rightCategory.length,
    hardNegatives: hard.length,
    hardNegativesBlocked: hard.filter((r) => r.blocked).length,
    everyday: everyday.length,
    everydayBlocked: everyday.filter((r) => r.blocked).length,
    recall: ratio(caught.length, harmful.length),
    categoryAccuracy: ratio(rightCategory.length, caught.length),
    falsePositiveRate: ratio(hard.filter((r) => r.blocked).length, hard.length),
  };
}

function ratio(n: number, d: number): number {
  return d === 0 ? 1 : n / d;
}

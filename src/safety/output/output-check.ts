import type { OutputBlocked, OutputCheck } from '../../turn/output-check.js';
import { checkSentence, rulesFor } from './check-sentence.js';
import { DEFAULT_MAX_HELD, type OutputPolicy } from './output-policy.js';
import type { OutputRule } from './output-rules.js';
import { SentenceSplitter } from './sentence-splitter.js';

/** An output check that judges the reply sentence by sentence and says why it stopped. */
export interface SentenceOutputCheck extends OutputCheck {
  /** null until a sentence fails; then the category and rule code (never the text). */
  readonly blocked: OutputBlocked | null;
}

/** How much of the released text is kept as the next sentence's context. */
const CONTEXT_CHARS = 80;

/**
 * The output check of one reply: text is held until a sentence ends (or the held text reaches
 * the policy's limit), then the sentence is judged with the tail of the text before it and
 * released when it passes. The first sentence that fails is withheld with everything after it:
 * from then on `push` and `flush` return '' and `blocked` says why.
 */
export function createOutputCheck(policy: OutputPolicy): SentenceOutputCheck {
  return new SentenceCheck(policy);
}

class SentenceCheck implements SentenceOutputCheck {
  private readonly splitter: SentenceSplitter;
  private readonly rules: OutputRule[];
  private context = '';
  private judged = 0;
  private stopped: OutputBlocked | null = null;

  constructor(policy: OutputPolicy) {
    this.splitter = new SentenceSplitter(policy.maxHeld ?? DEFAULT_MAX_HELD);
    this.rules = rulesFor(policy);
  }

  get blocked(): OutputBlocked | null {
    return this.stopped;
  }

  push(text: string): string {
    if (this.stopped) return '';
    return this.release(this.splitter.push(text));
  }

  flush(): string {
    if (this.stopped) return '';
    const rest = this.splitter.flush();
    return rest ? this.release([rest]) : '';
  }

  private release(segments: string[]): string {
    let out = '';
    for (const segment of segments) {
      if (segment.trim() !== '') {
        const verdict = checkSentence(segment, this.context, this.rules);
        const index = this.judged++;
        if (verdict) {
          this.stopped = { category: verdict.category, code: verdict.code, sentence: index };
          this.splitter.reset();
          this.context = '';
          return out;
        }
      }
      out += segment;
      this.context = contextTail(this.context + segment);
    }
    return out;
  }
}

/** The last characters of the released text, starting at a word (not in the middle of one). */
function contextTail(text: string): string {
  if (text.length <= CONTEXT_CHARS) return text;
  let k = text.length - CONTEXT_CHARS;
  while (k < text.length && isWordChar(text.charCodeAt(k)) && isWordChar(text.charCodeAt(k - 1))) {
    k++;
  }
  return text.slice(k);
}

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

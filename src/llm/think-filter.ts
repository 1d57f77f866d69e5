const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Removes Qwen3 reasoning (`<think>...</think>`) from a streamed reply before the user sees it,
 * also when a tag is split across chunks. Qwen3 with thinking disabled still may open its answer
 * with an empty `<think>\n\n</think>\n\n`; a bare `</think>` at the start (the template having
 * opened the block) is handled too. Whitespace before the first visible text is dropped.
 */
export class ThinkFilter {
  private pending = '';
  private inside = false;
  private atStart = true;
  private trimLeading = true;

  /** Feeds raw model text; returns the text that is safe to show now (may be empty). */
  push(chunk: string): string {
    this.pending += chunk;
    let out = '';
    for (;;) {
      if (this.inside) {
        const end = this.pending.indexOf(CLOSE);
        if (end === -1) {
          // Keep only what could still be the start of the closing tag.
          this.pending = this.pending.slice(Math.max(0, this.pending.length - (CLOSE.length - 1)));
          return out;
        }
        this.pending = this.pending.slice(end + CLOSE.length);
        this.inside = false;
        continue;
      }
      if (this.atStart) {
        const lead = this.pending.trimStart();
        if (lead.length < CLOSE.length && (CLOSE.startsWith(lead) || OPEN.startsWith(lead))) {
          return out; // could still become a tag: wait for more
        }
        this.atStart = false;
        if (lead.startsWith(CLOSE)) {
          // The template opened the block; everything before this was reasoning.
          this.pending = lead.slice(CLOSE.length);
          this.trimLeading = true;
          continue;
        }
      }
      const start = this.pending.indexOf(OPEN);
      if (start !== -1) {
        out += this.emit(this.pending.slice(0, start));
        this.pending = this.pending.slice(start + OPEN.length);
        this.inside = true;
        continue;
      }
      const keep = partialSuffix(this.pending, OPEN);
      out += this.emit(this.pending.slice(0, this.pending.length - keep));
      this.pending = this.pending.slice(this.pending.length - keep);
      return out;
    }
  }

  /** Call at the end of the stream: returns what was held back (never unfinished reasoning). */
  flush(): string {
    if (this.inside) {
      this.pending = '';
      return '';
    }
    const rest = this.emit(this.pending);
    this.pending = '';
    return rest;
  }

  private emit(text: string): string {
    if (!this.trimLeading) return text;
    const trimmed = text.trimStart();
    if (trimmed.length > 0) this.trimLeading = false;
    return trimmed;
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (tag.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

/** Whole-text version, for stored or non-streamed content. */
export function stripThinking(text: string): string {
  const filter = new ThinkFilter();
  return filter.push(text) + filter.flush();
}

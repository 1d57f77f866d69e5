/**
 * The text as a regular expression that matches it literally. Escapes exactly the syntax
 * characters, so the result is valid with the `u` flag too (where an escaped `-` or letter is
 * an error).
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

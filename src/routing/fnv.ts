/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of a string: the same number on every pod and every run,
 * for sticky experiment assignment and the train/validation split.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A point in [0, 1) from a string's hash, in steps of 1/10000: where a user falls in a traffic
 * split. The low digits are used: FNV-1a mixes its low bits well and its high bits poorly for
 * keys that differ only at the end (`exp:user-1`, `exp:user-2`).
 */
export function unitOf(text: string): number {
  return (fnv1a32(text) % 10_000) / 10_000;
}

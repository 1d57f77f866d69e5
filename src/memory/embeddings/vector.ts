/**
 * Embedding vectors as the service keeps them: L2-normalised, then stored as one signed byte per
 * dimension (x 127, rounded). 1,024 dimensions take 1 KB a row instead of 4 KB as float32, which
 * matters when recall reads a heavy user's thousands of rows; cosine similarity computed on the
 * bytes differs from the float one by about 0.001 (unit test), far below what ranking can tell.
 */

/** A stored vector: its bytes and their length, ready for cosine. */
export interface StoredVector {
  values: Int8Array;
  norm: number;
}

/** The vector scaled to unit length (a zero vector stays zero). */
export function normalize(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i] * scale;
  return out;
}

/** The bytes to store for a vector (normalised here, so any vector may be passed). */
export function encodeVector(vector: ArrayLike<number>): Buffer {
  const unit = normalize(vector);
  const out = Buffer.allocUnsafe(unit.length);
  for (let i = 0; i < unit.length; i++) out.writeInt8(Math.round(unit[i] * 127), i);
  return out;
}

/** Reads stored bytes; null for a missing or empty value. */
export function decodeVector(bytes: Buffer | Uint8Array | null | undefined): StoredVector | null {
  if (!bytes || bytes.length === 0) return null;
  const values = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum > 0 ? { values, norm: Math.sqrt(sum) } : null;
}

/**
 * Cosine similarity of a unit query vector and a stored vector, -1..1; null when their
 * dimensions differ (a vector from another model).
 */
export function cosine(query: Float32Array, stored: StoredVector): number | null {
  if (query.length !== stored.values.length) return null;
  let dot = 0;
  for (let i = 0; i < query.length; i++) dot += query[i] * stored.values[i];
  return dot / stored.norm;
}

/** How much an LRU cache may hold: entries, and optionally their total weight. */
export interface LruLimits<K, V> {
  maxEntries: number;
  /** The most the entries may weigh together (with `weigh`), e.g. characters of text. */
  maxWeight?: number;
  /** An entry's weight (default 1); called when it is stored and when it is dropped. */
  weigh?: (key: K, value: V) => number;
}

/**
 * A map that keeps its most recently used entries within `maxEntries` and `maxWeight` (the least
 * recent are dropped first). Recall renders and counts the same past turns again on every message
 * of a user, so in a running service most of that work is found here; the texts it is keyed by
 * can be long (a message of 4,000 characters), so the caches of texts bound their characters too.
 */
export class LruCache<K, V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  private readonly entries = new Map<K, V>();
  private weight = 0;
  private readonly maxEntries: number;
  private readonly maxWeight: number;
  private readonly weigh: (key: K, value: V) => number;

  constructor(limits: LruLimits<K, V>) {
    this.maxEntries = limits.maxEntries;
    this.maxWeight = limits.maxWeight ?? Infinity;
    this.weigh = limits.weigh ?? (() => 1);
    if (!(this.maxEntries >= 1) || !(this.maxWeight > 0))
      throw new Error(
        `an LRU cache needs room for an entry, not ${this.maxEntries} entries of ${this.maxWeight}`,
      );
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entries' weight together. */
  get totalWeight(): number {
    return this.weight;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Stores an entry; one heavier than `maxWeight` on its own is not kept. */
  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(key, value);
    if (weight > this.maxWeight) return;
    this.entries.set(key, value);
    this.weight += weight;
    while (this.entries.size > this.maxEntries || this.weight > this.maxWeight) {
      this.delete(this.entries.keys().next().value!);
    }
  }

  private delete(key: K): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.weight -= this.weigh(key, value);
  }
}

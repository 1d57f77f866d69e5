import { outsideTurns } from '../observability/log-context.js';

/**
 * Collects items for a short window and sends them together: many small writes become one round
 * trip. `add` resolves (or rejects) when the batch holding its items has been sent; a batch is
 * sent when the window ends, when it reaches `maxItems`, or on `flush()` (shutdown).
 */
export class Batcher<T> {
  private batch: {
    items: T[];
    sent: Promise<void>;
    settle: (error?: Error) => void;
    timer: NodeJS.Timeout;
  } | null = null;

  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    private readonly windowMs: number,
    private readonly maxItems = 500,
  ) {}

  add(...items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    if (!this.batch) {
      let settle!: (error?: Error) => void;
      const sent = new Promise<void>(
        (resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())),
      );
      // A publisher that does not wait for the result must not see an unhandled rejection.
      sent.catch(() => undefined);
      // The window's timer serves every turn in the batch: it runs outside the first one's context.
      const timer = outsideTurns(() =>
        setTimeout(() => void this.flush().catch(() => undefined), this.windowMs),
      );
      this.batch = { items: [], sent, settle, timer };
    }
    const { sent } = this.batch;
    this.batch.items.push(...items);
    if (this.batch.items.length >= this.maxItems) void this.flush().catch(() => undefined);
    return sent;
  }

  /** Sends what waits now; its adders learn the result. */
  async flush(): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    clearTimeout(batch.timer);
    try {
      await this.send(batch.items);
      batch.settle();
    } catch (e) {
      batch.settle(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }
}

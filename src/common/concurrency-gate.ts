export class GateFullError extends Error {
  constructor(what = 'requests') {
    super(`too many ${what} are waiting`);
    this.name = 'GateFullError';
  }
}

/**
 * Bounds work this process does at once: at most `maxConcurrent` run, at most `maxWaiting`
 * queue behind them (first come, first served); beyond that a caller is refused at once
 * (GateFullError), so it can say "busy" instead of waiting on a queue that cannot drain. Used for
 * model requests, ffmpeg decodes and transcription requests.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly queue: Array<{ grant: () => void; reject: (e: unknown) => void }> = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxWaiting: number,
    private readonly what = 'requests',
  ) {}

  get inFlight(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once a slot is free; rejects with GateFullError when full. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(asError(signal.reason));
    if (this.running < this.maxConcurrent) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.maxWaiting) return Promise.reject(new GateFullError(this.what));
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          resolve(this.releaser());
        },
        reject,
      };
      const onAbort = () => {
        const i = this.queue.indexOf(entry);
        if (i !== -1) this.queue.splice(i, 1);
        reject(asError(signal!.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
    });
  }

  /**
   * A place now, or null when one would have to be waited for (nobody is passed in the queue):
   * for work that has a cheaper way to run when it need not wait.
   */
  tryAcquire(): (() => void) | null {
    if (this.running >= this.maxConcurrent || this.queue.length > 0) return null;
    this.running++;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.queue.shift()?.grant();
    };
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** Run `work` with a place at `gate`, released whatever happens. */
export async function withPlace<T>(gate: ConcurrencyGate, work: () => Promise<T>): Promise<T> {
  const release = await gate.acquire();
  try {
    return await work();
  } finally {
    release();
  }
}

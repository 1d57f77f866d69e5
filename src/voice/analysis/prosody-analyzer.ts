import { Worker } from 'node:worker_threads';
import { measureSpectralTilt, type SpectralTilt } from '../../affect/spectral-tilt.js';
import { analyzeProsody, type ProsodyFeatures, type WordTiming } from '../prosody/index.js';

/** What is measured from a voice clip: prosody and the spectral tilt of its voiced frames. */
export interface VoiceAnalysis {
  features: ProsodyFeatures;
  spectral: SpectralTilt;
}

interface Pending {
  resolve: (f: VoiceAnalysis) => void;
  reject: (e: Error) => void;
  job: { id: number; samples: Float32Array; sampleRate: number; words?: WordTiming[] };
  timer?: NodeJS.Timeout;
}

/** Why an analysis was not done: the line was full, or it took too long. */
export class AnalysisRefused extends Error {
  constructor(readonly reason: 'busy' | 'timeout') {
    super(
      reason === 'busy' ? 'the voice analysis line is full' : 'the voice analysis took too long',
    );
    this.name = 'AnalysisRefused';
  }
}

export interface AnalyzerLimits {
  /** Clips that may wait for a worker; beyond that an analysis is refused at once. */
  maxQueue: number;
  /** One analysis may run this long; then it is refused and its worker replaced. */
  timeoutMs: number;
}

/**
 * Runs `analyzeProsody` and `measureSpectralTilt` on a small pool of worker threads (one job per
 * worker at a time, at most `maxQueue` waiting), or on the calling thread when the pool size is
 * 0. A worker that dies, or runs past `timeoutMs`, fails its job and is replaced.
 */
export class ProsodyAnalyzer {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly workers: number,
    private readonly limits: AnalyzerLimits = { maxQueue: 1000, timeoutMs: 60_000 },
  ) {
    for (let i = 0; i < workers; i++) this.idle.push(this.spawn());
  }

  analyze(samples: Float32Array, sampleRate: number, words?: WordTiming[]): Promise<VoiceAnalysis> {
    if (this.workers === 0) {
      try {
        return Promise.resolve({
          features: analyzeProsody(samples, sampleRate, { words }),
          spectral: measureSpectralTilt(samples, sampleRate),
        });
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    if (this.closed) return Promise.reject(new Error('prosody analyzer is closed'));
    if (this.idle.length === 0 && this.queue.length >= this.limits.maxQueue) {
      return Promise.reject(new AnalysisRefused('busy'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject, job: { id: this.nextId++, samples, sampleRate, words } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('prosody analyzer is closed'));
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      pending.timer = setTimeout(() => {
        // A worker stuck on one clip is ended; its replacement takes the next.
        if (this.busy.get(worker) !== pending) return;
        this.replace(worker, new AnalysisRefused('timeout'));
        void worker.terminate();
      }, this.limits.timeoutMs);
      pending.timer.unref();
      // A copy goes to the worker: the caller keeps its samples (they also feed transcription).
      worker.postMessage({ ...pending.job, samples: pending.job.samples.slice() });
    }
  }

  private spawn(): Worker {
    const fromSources = import.meta.url.endsWith('.ts');
    const worker = new Worker(
      new URL(fromSources ? './prosody-worker.ts' : './prosody-worker.js', import.meta.url),
      {
        execArgv: fromSources
          ? ['--import', new URL('../../../scripts/ts-hooks.mjs', import.meta.url).href]
          : [],
      },
    );
    worker.unref();
    worker.on('message', (m: { id: number; result?: VoiceAnalysis; error?: string }) => {
      const pending = this.busy.get(worker);
      if (!pending || pending.job.id !== m.id) return;
      clearTimeout(pending.timer);
      this.busy.delete(worker);
      this.idle.push(worker);
      if (m.result) pending.resolve(m.result);
      else pending.reject(new Error(m.error ?? 'prosody analysis failed'));
      this.dispatch();
    });
    worker.on('error', (e: Error) => this.replace(worker, e));
    worker.on('exit', (code) => {
      if (!this.closed && (this.busy.has(worker) || this.idle.includes(worker))) {
        this.replace(worker, new Error(`prosody worker exited with ${code}`));
      }
    });
    return worker;
  }

  private replace(worker: Worker, error: Error): void {
    const pending = this.busy.get(worker);
    if (pending) clearTimeout(pending.timer);
    this.busy.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i !== -1) this.idle.splice(i, 1);
    pending?.reject(error);
    if (!this.closed && this.idle.length + this.busy.size < this.workers) {
      this.idle.push(this.spawn());
      this.dispatch();
    }
  }
}

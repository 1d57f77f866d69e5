import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  DEFAULT_ATTEMPTS,
  retryDelayMs,
  type JobName,
  type JobOptions,
  type JobPayloads,
} from './job-names.js';
import { JobQueue, type JobSpec } from './job-queue.js';
import { JobRegistry } from './job-registry.js';

/**
 * Embedded mode's queue: the same handlers, run in this process with the same de-duplication,
 * delays and retries (exponential backoff) as the BullMQ queue. Nothing survives a restart, which
 * is acceptable only because embedded mode is a single local process.
 */
@Injectable()
export class InlineJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(InlineJobQueue.name);
  private readonly pendingIds = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly repeating: NodeJS.Timeout[] = [];
  private count = 0;
  private closed = false;

  constructor(private readonly registry: JobRegistry) {
    super();
  }

  add<N extends JobName>(name: N, data: JobPayloads[N], options: JobOptions = {}): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (options.jobId) {
      if (this.pendingIds.has(options.jobId)) return Promise.resolve();
      this.pendingIds.add(options.jobId);
    }
    this.count++;
    this.schedule(name, data, options, 1, options.delayMs ?? 0);
    return Promise.resolve();
  }

  async addBulk(jobs: readonly JobSpec[]): Promise<void> {
    for (const job of jobs) await this.add(job.name, job.data, job.options);
  }

  depth(): Promise<number> {
    return Promise.resolve(this.count);
  }

  repeat<N extends JobName>(name: N, data: JobPayloads[N], everyMs: number): Promise<void> {
    const timer = setInterval(
      () => void this.add(name, data, { jobId: `repeat-${name}` }),
      everyMs,
    );
    timer.unref();
    this.repeating.push(timer);
    return Promise.resolve();
  }

  private schedule(
    name: JobName,
    data: unknown,
    options: JobOptions,
    attempt: number,
    delay: number,
  ): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = this.execute(name, data, options, attempt);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, delay);
    this.timers.add(timer);
  }

  private async execute(
    name: JobName,
    data: unknown,
    options: JobOptions,
    attempt: number,
  ): Promise<void> {
    if (options.jobId) this.pendingIds.delete(options.jobId);
    try {
      const result = await this.registry.run(name, data);
      this.count--;
      // This queue frees a job id when its run starts, so nothing was dropped meanwhile; the
      // hook still runs, as it would with BullMQ (it queues what a run left for later).
      await this.registry.afterRun(name, data, result);
    } catch (e) {
      const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
      if (attempt < attempts && !this.closed) {
        this.logger.warn({ job: name, attempt, err: String(e) }, 'job failed; retrying');
        if (options.jobId) {
          // A waiting retry holds its jobId, as BullMQ's does; a job queued under the same id
          // while this one ran does the same work, so it replaces the retry.
          if (this.pendingIds.has(options.jobId)) {
            this.count--;
            return;
          }
          this.pendingIds.add(options.jobId);
        }
        this.schedule(name, data, options, attempt + 1, retryDelayMs(options, attempt));
      } else {
        this.count--;
        this.logger.error({ job: name, attempt, err: String(e) }, 'job failed for good');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const t of this.repeating) clearInterval(t);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}

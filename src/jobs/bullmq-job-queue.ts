import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { BackoffOptions, Job, MinimalJob, Queue } from 'bullmq';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  QUEUE,
  retryDelayMs,
  type JobName,
  type JobOptions,
  type JobPayloads,
} from './job-names.js';
import { JobQueue, type JobSpec } from './job-queue.js';
import { JobRegistry } from './job-registry.js';

const ENQUEUE_TIMEOUT_MS = 3000;

@Injectable()
export class BullMqJobQueue extends JobQueue {
  private readonly logger = new Logger(BullMqJobQueue.name);
  private readonly reportError = onceEvery(30_000);

  constructor(@InjectQueue(QUEUE) private readonly queue: Queue) {
    super();
    this.queue.on('error', (e: Error) => {
      if (this.reportError()) this.logger.warn({ err: e.message }, 'job queue cannot reach Redis');
    });
  }

  async add<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    options: JobOptions = {},
  ): Promise<void> {
    // A Redis outage must not hold up the caller: the add fails after a bound instead of queueing forever.
    await withTimeout(
      this.queue.add(name, data, bullOptions(options)),
      ENQUEUE_TIMEOUT_MS,
      `enqueue ${name}`,
    );
  }

  /**
   * One add per job, sent together (the same round trip), rather than BullMQ's `addBulk`: that
   * builds an ioredis pipeline per call, which copies each of BullMQ's Lua scripts onto itself
   * (two properties each, some 130), and in the gateway those objects outlived the young
   * generation: 7% of what a turn promoted to the old generation. With single adds the gateway
   * promoted 18-20 KB a turn against 24-25 (docs/operations.md#capacity). The jobs of an event
   * are independent, so nothing needs the bulk's transaction: one that fails is logged by the
   * publisher like a failed bulk.
   */
  async addBulk(jobs: readonly JobSpec[]): Promise<void> {
    if (jobs.length === 0) return;
    await withTimeout(
      Promise.all(jobs.map((j) => this.queue.add(j.name, j.data, bullOptions(j.options ?? {})))),
      ENQUEUE_TIMEOUT_MS,
      `enqueue ${jobs.map((j) => j.name).join(', ')}`,
    );
  }

  async repeat<N extends JobName>(name: N, data: JobPayloads[N], everyMs: number): Promise<void> {
    // One scheduler per job name, shared by every pod: upserting it again changes nothing.
    await withTimeout(
      this.queue.upsertJobScheduler(`repeat-${name}`, { every: everyMs }, { name, data }),
      ENQUEUE_TIMEOUT_MS,
      `schedule ${name}`,
    );
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }
}

/**
 * The BullMQ worker: every job goes to its registered handler. Only processes that run queue
 * jobs have it (ROLE=worker or all); a gateway only adds jobs.
 */
@Processor(QUEUE, { concurrency: 8, settings: { backoffStrategy: cappedBackoff } })
export class QueueWorker extends WorkerHost {
  private readonly logger = new Logger(QueueWorker.name);
  private readonly reportError = onceEvery(30_000);

  constructor(private readonly registry: JobRegistry) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    try {
      return await this.registry.run(job.name, job.data);
    } catch (e) {
      this.logger.warn(
        { job: job.name, jobId: job.id, attempt: job.attemptsMade + 1, err: String(e) },
        'job failed',
      );
      throw e;
    }
  }

  /**
   * BullMQ emits this after the job moved to completed, which removes it (removeOnComplete), so
   * an add of its id made now is kept.
   */
  @OnWorkerEvent('completed')
  onCompleted(job: Job, result: unknown): Promise<void> {
    return this.registry.afterRun(job.name, job.data, result);
  }

  @OnWorkerEvent('error')
  onError(e: Error): void {
    if (this.reportError()) this.logger.warn({ err: e.message }, 'job worker cannot reach Redis');
  }
}

/** BullMQ's exponential backoff has no ceiling: a capped one is this custom strategy. */
const CAPPED = 'capped-exponential';
type CappedBackoff = BackoffOptions & { maxDelay: number };

function bullOptions(options: JobOptions) {
  const delay = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const backoff: BackoffOptions | CappedBackoff =
    options.maxBackoffMs === undefined
      ? { type: 'exponential', delay }
      : { type: CAPPED, delay, maxDelay: options.maxBackoffMs };
  return {
    jobId: options.jobId,
    delay: options.delayMs,
    attempts: options.attempts ?? DEFAULT_ATTEMPTS,
    backoff,
    removeOnComplete: true,
    removeOnFail: options.removeOnFail ? true : { count: 1000 },
  };
}

/** The worker's strategy for CAPPED backoffs (BullMQ computes its built-in ones itself). */
function cappedBackoff(attemptsMade: number, _type?: string, _err?: Error, job?: MinimalJob) {
  const backoff = job?.opts.backoff as Partial<CappedBackoff> | undefined;
  return retryDelayMs({ backoffMs: backoff?.delay, maxBackoffMs: backoff?.maxDelay }, attemptsMade);
}

/** True at most once per interval: a Redis outage logs a line, not a line per retry. */
function onceEvery(ms: number): () => boolean {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < ms) return false;
    last = now;
    return true;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

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

/**
 * How long before a delayed job's due time this process stops trusting that it still waits: the
 * clocks of the pod that added it and of the worker that runs it may differ by this much (NTP
 * keeps nodes within milliseconds; a second leaves room for a node whose clock is drifting).
 */
export const DUE_MARGIN_MS = 1000;

/** Most job ids remembered; past it, those whose due time has passed are forgotten first. */
const MAX_REMEMBERED = 50_000;

/**
 * Job ids known to wait in the delayed set, each until a time before it can run: an add of the
 * same id before then is certainly dropped by the queue, so it need not be sent. Only what this
 * process read from Redis after its own add is remembered, and nothing about a job that ran.
 */
class DelayedJobs {
  private readonly until = new Map<string, number>();

  holds(jobId: string | undefined, now: number): boolean {
    if (jobId === undefined) return false;
    const until = this.until.get(jobId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(jobId);
    return false;
  }

  set(jobId: string, until: number, now: number): void {
    if (until <= now) return;
    if (this.until.size >= MAX_REMEMBERED) {
      for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
      if (this.until.size >= MAX_REMEMBERED) this.until.clear();
    }
    this.until.set(jobId, until);
  }
}

@Injectable()
export class BullMqJobQueue extends JobQueue {
  private readonly logger = new Logger(BullMqJobQueue.name);
  private readonly reportError = onceEvery(30_000);
  private readonly delayed = new DelayedJobs();

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
   * promoted 18-20 KB a turn against 24-25 (docs/capacity-log.md). The jobs of an event
   * are independent, so nothing needs the bulk's transaction: one that fails is logged by the
   * publisher like a failed bulk.
   *
   * A job whose id this process knows to be waiting in the delayed set is not sent again: the
   * queue would drop the add, after a Lua script that costs Redis more than the turn's own
   * commands. Every turn publishes a memory extraction and an analytics roll-up under ids that
   * stay the same for a minute and for ten minutes (docs/architecture.md#a-turn-end-to-end).
   */
  async addBulk(jobs: readonly JobSpec[]): Promise<void> {
    const now = Date.now();
    const toSend = jobs.filter((j) => !this.delayed.holds(j.options?.jobId, now));
    if (toSend.length === 0) return;
    await withTimeout(
      Promise.all(toSend.map((j) => this.addAndLearn(j))),
      ENQUEUE_TIMEOUT_MS,
      `enqueue ${toSend.map((j) => j.name).join(', ')}`,
    );
  }

  private async addAndLearn(job: JobSpec): Promise<void> {
    const options = job.options ?? {};
    await this.queue.add(job.name, job.data, bullOptions(options));
    const { jobId, delayMs } = options;
    if (jobId === undefined || (delayMs ?? 0) <= DUE_MARGIN_MS) return;
    // Whoever added the job that holds this id (this add, or an earlier one the queue kept): its
    // due time, unless it already ran (a retry waiting again, or one running now).
    try {
      const client = await this.queue.backend.client;
      const [timestamp, delay, processedOn] = await client.hmget(
        this.queue.toKey(jobId),
        'timestamp',
        'delay',
        'processedOn',
      );
      if (timestamp === null || delay === null || processedOn !== null) return;
      this.delayed.set(jobId, Number(timestamp) + Number(delay) - DUE_MARGIN_MS, Date.now());
    } catch {
      // Not knowing costs only the next add's round trip.
    }
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

import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventBus } from '../jobs/event-bus.js';
import { EventName, JobName, type JobOptions } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { MemoryExtractionService } from './memory-extraction.service.js';

/** How the queue retries an extraction job: attempts, and the capped exponential backoff. */
export const MEMORY_EXTRACTION_RETRY = Symbol('MEMORY_EXTRACTION_RETRY');
export type ExtractionRetry = Required<Pick<JobOptions, 'attempts' | 'backoffMs' | 'maxBackoffMs'>>;

/**
 * 60 attempts, 10 s after the first failure, doubling up to one every 10 minutes: about 9 hours
 * of an unavailable model before the job gives up. A job that gave up is removed, so the user's
 * next turn queues it again, and it starts from the same cursor (nothing was passed).
 */
export const DEFAULT_EXTRACTION_RETRY: ExtractionRetry = {
  attempts: 60,
  backoffMs: 10_000,
  maxBackoffMs: 600_000,
};

/**
 * MEMORY_EXTRACTION_DELAY_MS after a user's first turn of a burst, one job reads what came in (one
 * job id per user: the queue keeps the job already waiting and drops the later turns' adds, so a
 * burst of turns is one batch and a user who chats on gets a run every delay). The job only calls
 * the service; a batch the service holds fails the job, and the queue retries it
 * (DEFAULT_EXTRACTION_RETRY). A run that succeeded and left turns behind queues the next.
 */
@Injectable()
export class MemoryExtractionJob implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly events: EventBus,
    private readonly jobs: JobQueue,
    private readonly extraction: MemoryExtractionService,
    @Optional()
    @Inject(MEMORY_EXTRACTION_RETRY)
    private readonly retry: ExtractionRetry = DEFAULT_EXTRACTION_RETRY,
  ) {}

  onModuleInit(): void {
    this.registry.register(
      JobName.MemoryExtraction,
      ({ userId }) => this.extraction.extract(userId),
      { afterRun: ({ userId }) => this.again(userId) },
    );
    if (!this.config.memory.enabled) return;
    this.events.subscribe(EventName.TurnCompleted, JobName.MemoryExtraction, (turn) => [
      { data: { userId: turn.userId }, options: this.options(turn.userId) },
    ]);
  }

  /**
   * After a run, once its job id is free: turns left after the user's cursor (completed after
   * the run's last read, whose adds the queue dropped while the job ran, or beyond the run's
   * batches) get a job of their own now, not at the user's next turn.
   */
  private async again(userId: string): Promise<void> {
    if (!this.config.memory.enabled) return;
    if (!(await this.extraction.hasNewTurns(userId))) return;
    await this.jobs.add(JobName.MemoryExtraction, { userId }, this.options(userId));
  }

  private options(userId: string): JobOptions {
    return {
      jobId: `memx-${userId}`,
      delayMs: this.config.memory.extractionDelayMs,
      ...this.retry,
      removeOnFail: true,
    };
  }
}

import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { EventName, EventPayloads, JobName, JobOptions, JobPayloads } from './job-names.js';
import { Batcher } from '../common/batcher.js';
import { JobQueue, type JobSpec } from './job-queue.js';

interface Subscription {
  job: JobName;
  plan: (payload: unknown) => Array<{ data: unknown; options?: JobOptions }>;
}

/** Publishes within this window go to the queue together. */
export const EVENT_FLUSH_MS = 20;

/**
 * After-turn work as events: a module subscribes to an event with a job of its own (and says
 * when it wants one: a filter, a delay, a de-duplication id), and a publish queues every
 * subscriber's jobs. The jobs run wherever queue jobs run (ROLE=worker, or in-process in
 * embedded mode), never on the publisher's path. Publishes within EVENT_FLUSH_MS go to the queue
 * in one round trip, with repeats of one job id queued once: at the midnight peak most turns'
 * jobs are repeats (a user's memory extraction, the analytics roll-up of their day), and a
 * round trip per turn cost more than the turn's own database writes.
 */
@Injectable()
export class EventBus implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventBus.name);
  private readonly subscriptions = new Map<EventName, Subscription[]>();
  private readonly batcher: Batcher<JobSpec>;

  constructor(jobs: JobQueue) {
    this.batcher = new Batcher((batch) => jobs.addBulk(dedupe(batch)), EVENT_FLUSH_MS);
  }

  /** `plan` maps the event to the jobs wanted under `job`: an empty list for none. */
  subscribe<E extends EventName, N extends JobName>(
    event: E,
    job: N,
    plan: (payload: EventPayloads[E]) => Array<{ data: JobPayloads[N]; options?: JobOptions }>,
  ): void {
    const list = this.subscriptions.get(event) ?? [];
    list.push({ job, plan: plan as Subscription['plan'] });
    this.subscriptions.set(event, list);
  }

  /**
   * Queues the subscribers' jobs; resolves with how many once they are in the queue. Rejects when
   * the queue cannot take them (Redis away): the caller logs it, and the work is picked up at the
   * next event of the same user or conversation (docs/operations.md).
   */
  async publish<E extends EventName>(event: E, payload: EventPayloads[E]): Promise<number> {
    const jobs = (this.subscriptions.get(event) ?? []).flatMap(({ job, plan }) =>
      plan(payload).map((j) => ({ name: job, data: j.data, options: j.options }) as JobSpec),
    );
    await this.batcher.add(...jobs);
    return jobs.length;
  }

  /** Sends what waits now (shutdown). */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush().catch((e: unknown) =>
      this.logger.warn({ err: String(e) }, 'could not queue the last events at shutdown'),
    );
  }

  onApplicationBootstrap(): void {
    const map = Object.fromEntries(
      [...this.subscriptions].map(([e, s]) => [e, s.map((x) => x.job)]),
    );
    this.logger.log({ subscriptions: map }, 'event subscriptions registered');
  }
}

/** A job id queued twice in one batch is queued once (the queue would drop the second anyway). */
function dedupe(jobs: JobSpec[]): JobSpec[] {
  const seen = new Set<string>();
  return jobs.filter((j) => {
    const id = j.options?.jobId;
    if (!id) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

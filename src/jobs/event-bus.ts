import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventName, EventPayloads, JobName, JobOptions, JobPayloads } from './job-names.js';
import { JobQueue, type JobSpec } from './job-queue.js';

interface Subscription {
  job: JobName;
  plan: (payload: unknown) => Array<{ data: unknown; options?: JobOptions }>;
}

/**
 * After-turn work as events: a module subscribes to an event with a job of its own (and says
 * when it wants one: a filter, a delay, a de-duplication id), and a publish queues every
 * subscriber's jobs in one round trip. The jobs run wherever queue jobs run (ROLE=worker, or
 * in-process in embedded mode), never on the publisher's path.
 */
@Injectable()
export class EventBus implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventBus.name);
  private readonly subscriptions = new Map<EventName, Subscription[]>();

  constructor(private readonly jobs: JobQueue) {}

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
   * Queues the subscribers' jobs; resolves with how many. Rejects when the queue cannot take
   * them (Redis away): the caller logs it, and the work is picked up at the next event of the
   * same user or conversation (docs/operations.md).
   */
  async publish<E extends EventName>(event: E, payload: EventPayloads[E]): Promise<number> {
    const jobs = (this.subscriptions.get(event) ?? []).flatMap(({ job, plan }) =>
      plan(payload).map((j) => ({ name: job, data: j.data, options: j.options }) as JobSpec),
    );
    if (jobs.length > 0) await this.jobs.addBulk(jobs);
    return jobs.length;
  }

  onApplicationBootstrap(): void {
    const map = Object.fromEntries(
      [...this.subscriptions].map(([e, s]) => [e, s.map((x) => x.job)]),
    );
    this.logger.log({ subscriptions: map }, 'event subscriptions registered');
  }
}

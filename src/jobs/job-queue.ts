import type { JobName, JobOptions, JobPayloads } from './job-names.js';

/** One job to add: its name, payload and options. */
export type JobSpec = {
  [N in JobName]: { name: N; data: JobPayloads[N]; options?: JobOptions };
}[JobName];

/** Where services put background work; BullMQ on Redis, or in-process in embedded mode. */
export abstract class JobQueue {
  abstract add<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    options?: JobOptions,
  ): Promise<void>;
  /** Several jobs in one round trip (an event's subscribers). */
  abstract addBulk(jobs: readonly JobSpec[]): Promise<void>;
  /** Jobs waiting, delayed or running. */
  abstract depth(): Promise<number>;
  /** Runs a job every `everyMs` (once across all pods with BullMQ). */
  abstract repeat<N extends JobName>(name: N, data: JobPayloads[N], everyMs: number): Promise<void>;
}

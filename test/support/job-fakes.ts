import type { EventBus } from '../../src/jobs/event-bus.js';
import type { JobOptions } from '../../src/jobs/job-names.js';
import type { JobQueue } from '../../src/jobs/job-queue.js';

export interface AddedJob {
  name: string;
  data: unknown;
  options?: JobOptions;
}

/** A job queue that records what is added to it (for a job class's unit test). */
export function recordingJobQueue(): { jobs: JobQueue; added: AddedJob[] } {
  const added: AddedJob[] = [];
  const jobs = {
    add: (name: string, data: unknown, options?: JobOptions) => {
      added.push({ name, data, options });
      return Promise.resolve();
    },
  } as unknown as JobQueue;
  return { jobs, added };
}

/** An event bus that takes subscriptions and does nothing with them. */
export const silentEventBus = { subscribe: () => undefined } as unknown as EventBus;

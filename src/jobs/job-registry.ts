import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobName, type JobPayloads } from './job-names.js';

type Handler<N extends JobName> = (data: JobPayloads[N]) => Promise<unknown>;
type AfterRun<N extends JobName> = (data: JobPayloads[N], result: unknown) => Promise<void>;

export interface HandlerOptions<N extends JobName> {
  /**
   * Called after a run succeeded and its job has left the queue, so that its job id takes adds
   * again. A job that coalesces its triggers under one id (memory extraction) needs it: while
   * the job runs the queue drops adds of that id, so work that arrives after the run's last read
   * and before the job's removal would wait for the next trigger. The hook looks whether such
   * work is there and queues the job again. Its errors are logged.
   */
  afterRun?: AfterRun<N>;
}

/** One handler per job name; start-up fails if a job name has none. */
@Injectable()
export class JobRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobRegistry.name);
  private readonly handlers = new Map<JobName, Handler<JobName>>();
  private readonly afterRuns = new Map<JobName, AfterRun<JobName>>();

  register<N extends JobName>(name: N, handler: Handler<N>, options: HandlerOptions<N> = {}): void {
    if (this.handlers.has(name)) throw new Error(`job ${name} has two handlers`);
    this.handlers.set(name, handler as Handler<JobName>);
    if (options.afterRun) this.afterRuns.set(name, options.afterRun as AfterRun<JobName>);
  }

  async run(name: string, data: unknown): Promise<unknown> {
    const handler = this.handlers.get(name as JobName);
    if (!handler) throw new Error(`no handler for job ${name}`);
    return handler(data as JobPayloads[JobName]);
  }

  /** The queue calls this once a successful run's job is gone from it (see HandlerOptions). */
  async afterRun(name: string, data: unknown, result: unknown): Promise<void> {
    const hook = this.afterRuns.get(name as JobName);
    if (!hook) return;
    try {
      await hook(data as JobPayloads[JobName], result);
    } catch (e) {
      // The work is not lost: it waits for the job's next trigger (docs/operations.md).
      this.logger.warn({ job: name, err: String(e) }, 'check after a job run failed');
    }
  }

  onApplicationBootstrap(): void {
    const missing = Object.values(JobName).filter((n) => !this.handlers.has(n));
    if (missing.length) throw new Error(`jobs without a handler: ${missing.join(', ')}`);
    this.logger.log({ jobs: [...this.handlers.keys()] }, 'job handlers registered');
  }
}

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobName, type JobPayloads } from './job-names.js';

type Handler<N extends JobName> = (data: JobPayloads[N]) => Promise<unknown>;

/** One handler per job name; start-up fails if a job name has none. */
@Injectable()
export class JobRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobRegistry.name);
  private readonly handlers = new Map<JobName, Handler<JobName>>();

  register<N extends JobName>(name: N, handler: Handler<N>): void {
    if (this.handlers.has(name)) throw new Error(`job ${name} has two handlers`);
    this.handlers.set(name, handler as Handler<JobName>);
  }

  async run(name: string, data: unknown): Promise<unknown> {
    const handler = this.handlers.get(name as JobName);
    if (!handler) throw new Error(`no handler for job ${name}`);
    return handler(data as JobPayloads[JobName]);
  }

  onApplicationBootstrap(): void {
    const missing = Object.values(JobName).filter((n) => !this.handlers.has(n));
    if (missing.length) throw new Error(`jobs without a handler: ${missing.join(', ')}`);
    this.logger.log({ jobs: [...this.handlers.keys()] }, 'job handlers registered');
  }
}

import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BullMqJobQueue, QueueWorker } from './bullmq-job-queue.js';
import { EventBus } from './event-bus.js';
import { InlineJobQueue } from './inline-job-queue.js';
import { QUEUE } from './job-names.js';
import { JobQueue } from './job-queue.js';
import { JobRegistry } from './job-registry.js';
import { QueueMetrics } from './queue-metrics.js';

/** Platform module (global, like the data source): every feature queues and publishes here. */
@Global()
@Module({})
export class JobsModule {
  /**
   * BullMQ on Redis when a URL is given; otherwise the in-process queue (embedded mode).
   * `consume: false` (ROLE=gateway) adds jobs and publishes events but runs none: queued work
   * waits in Redis for a worker.
   */
  static forRoot(redis: { url?: string; prefix: string }, consume = true): DynamicModule {
    const common = [JobRegistry, EventBus, QueueMetrics];
    const exports = [JobRegistry, JobQueue, EventBus];
    if (!redis.url) {
      return {
        module: JobsModule,
        providers: [...common, { provide: JobQueue, useClass: InlineJobQueue }],
        exports,
      };
    }
    return {
      module: JobsModule,
      imports: [
        BullModule.forRoot({
          connection: { url: redis.url, maxRetriesPerRequest: null },
          prefix: `${redis.prefix}:bull`,
        }),
        BullModule.registerQueue({ name: QUEUE }),
      ],
      providers: [
        ...common,
        ...(consume ? [QueueWorker] : []),
        { provide: JobQueue, useClass: BullMqJobQueue },
      ],
      exports,
    };
  }
}

import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BullMqJobQueue, QueueWorker } from './bullmq-job-queue.js';
import { InlineJobQueue } from './inline-job-queue.js';
import { QUEUE } from './job-names.js';
import { JobQueue } from './job-queue.js';
import { JobRegistry } from './job-registry.js';
import { QueueMetrics } from './queue-metrics.js';

@Global()
@Module({})
export class JobsModule {
  /** BullMQ on Redis when a URL is given; otherwise the in-process queue (embedded mode). */
  static forRoot(redis: { url?: string; prefix: string }): DynamicModule {
    if (!redis.url) {
      return {
        module: JobsModule,
        providers: [JobRegistry, QueueMetrics, { provide: JobQueue, useClass: InlineJobQueue }],
        exports: [JobRegistry, JobQueue],
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
        JobRegistry,
        QueueWorker,
        QueueMetrics,
        { provide: JobQueue, useClass: BullMqJobQueue },
      ],
      exports: [JobRegistry, JobQueue],
    };
  }
}

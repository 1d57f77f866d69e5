import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Metrics } from '../observability/metrics.js';
import { QUEUE } from './job-names.js';
import { JobQueue } from './job-queue.js';

/** Reads the queue depth at each scrape; a queue that cannot answer in a second is skipped. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape(async () => {
      let timer: NodeJS.Timeout | undefined;
      const depth = await Promise.race([
        this.queue.depth(),
        new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 1000))),
      ]).finally(() => clearTimeout(timer));
      if (depth !== null) this.metrics.queueDepth.set({ queue: QUEUE }, depth);
    });
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventBus } from '../jobs/event-bus.js';
import { EventName, JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { MemoryExtractionService } from './memory-extraction.service.js';

/**
 * After a user's turns have been quiet for MEMORY_EXTRACTION_DELAY_MS, one job reads what came in
 * (one job per user: a burst of turns is one batch). The job only calls the service.
 */
@Injectable()
export class MemoryExtractionJob implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly events: EventBus,
    private readonly extraction: MemoryExtractionService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.MemoryExtraction, ({ userId }) =>
      this.extraction.extract(userId),
    );
    if (!this.config.memory.enabled) return;
    this.events.subscribe(EventName.TurnCompleted, JobName.MemoryExtraction, (turn) => [
      {
        data: { userId: turn.userId },
        options: { jobId: `memx-${turn.userId}`, delayMs: this.config.memory.extractionDelayMs },
      },
    ]);
  }
}

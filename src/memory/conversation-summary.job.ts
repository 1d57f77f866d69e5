import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventBus } from '../jobs/event-bus.js';
import { EventName, JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { ConversationSummaryService } from './conversation-summary.service.js';

/**
 * A conversation whose prompt had to leave turns out gets its older turns folded into its
 * summary. The job only calls the service.
 */
@Injectable()
export class ConversationSummaryJob implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly events: EventBus,
    private readonly summaries: ConversationSummaryService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.ConversationSummary, ({ conversationId }) =>
      this.summaries.summarize(conversationId),
    );
    if (!this.config.memory.enabled) return;
    this.events.subscribe(EventName.TurnCompleted, JobName.ConversationSummary, (turn) =>
      turn.droppedTurns > 0
        ? [
            {
              data: { conversationId: turn.conversationId },
              options: { jobId: `sum-${turn.conversationId}`, delayMs: 2000 },
            },
          ]
        : [],
    );
  }
}

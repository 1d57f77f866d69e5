import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventBus } from '../jobs/event-bus.js';
import { EventName, JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { MessageRepository } from './message.repository.js';

/**
 * Counts and titles a conversation a while after its turns (CONVERSATION_ROLLUP_DELAY_MS: the
 * turns of a lively conversation are one job, not one each). The job only hands the work to the
 * repository.
 */
@Injectable()
export class ConversationRollupJob implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly events: EventBus,
    private readonly messages: MessageRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.ConversationRollup, ({ conversationId }) =>
      this.messages.rollup(conversationId),
    );
    this.events.subscribe(EventName.TurnCompleted, JobName.ConversationRollup, (turn) => [
      {
        data: { conversationId: turn.conversationId },
        options: {
          jobId: `rollup-${turn.conversationId}`,
          delayMs: this.config.chat.rollupDelayMs,
        },
      },
    ]);
  }
}

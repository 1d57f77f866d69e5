import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../jobs/event-bus.js';
import { EventName, JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { MessageRepository } from './message.repository.js';

/**
 * Counts and titles a conversation a moment after its turns (a burst of turns is one job). The
 * job only hands the work to the repository.
 */
@Injectable()
export class ConversationRollupJob implements OnModuleInit {
  constructor(
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
        options: { jobId: `rollup-${turn.conversationId}`, delayMs: 2000 },
      },
    ]);
  }
}

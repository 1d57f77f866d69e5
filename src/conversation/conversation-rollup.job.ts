import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { MessageRepository } from './message.repository.js';

/**
 * Runs the conversation roll-ups that gateways of the version before queued during a rolling
 * upgrade: their statements stored messages without counting them or titling the conversation,
 * and each of their turns queued this job, so the recount here leaves no conversation behind.
 * No turn of this version queues it (docs/architecture.md#a-turn-end-to-end).
 */
@Injectable()
export class ConversationRollupJob implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly messages: MessageRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.ConversationRollup, ({ conversationId }) =>
      this.messages.recount(conversationId),
    );
  }
}

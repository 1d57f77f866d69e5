import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { ConversationService } from './conversation.service.js';

/** The job class only hands the job to the service. */
@Injectable()
export class ConversationRollupJob implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly conversations: ConversationService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.ConversationRollup, ({ conversationId }) =>
      this.conversations.rollup(conversationId),
    );
  }
}

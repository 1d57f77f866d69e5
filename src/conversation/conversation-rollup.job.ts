import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventBus } from '../jobs/event-bus.js';
import { EventName, JobName, type JobOptions } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { MessageRepository } from './message.repository.js';

/**
 * Counts and titles a conversation a while after its turns (CONVERSATION_ROLLUP_DELAY_MS: the
 * turns of a lively conversation are one job, not one each). The job only hands the work to the
 * repository; a run that counted fewer messages than the conversation holds once it is done
 * queues the next.
 */
@Injectable()
export class ConversationRollupJob implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly events: EventBus,
    private readonly jobs: JobQueue,
    private readonly messages: MessageRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(
      JobName.ConversationRollup,
      ({ conversationId }) => this.messages.rollup(conversationId),
      { afterRun: ({ conversationId }, counted) => this.again(conversationId, counted) },
    );
    this.events.subscribe(EventName.TurnCompleted, JobName.ConversationRollup, (turn) => [
      { data: { conversationId: turn.conversationId }, options: this.options(turn.conversationId) },
    ]);
  }

  /**
   * After a run, once its job id is free: messages committed after the run counted (whose
   * turns' adds the queue dropped while the job ran) get a roll-up of their own now.
   */
  private async again(conversationId: string, counted: unknown): Promise<void> {
    if (typeof counted !== 'number') return;
    if ((await this.messages.messageCount(conversationId)) <= counted) return;
    await this.jobs.add(
      JobName.ConversationRollup,
      { conversationId },
      this.options(conversationId),
    );
  }

  private options(conversationId: string): JobOptions {
    return { jobId: `rollup-${conversationId}`, delayMs: this.config.chat.rollupDelayMs };
  }
}

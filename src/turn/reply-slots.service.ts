import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { Metrics } from '../observability/metrics.js';
import { TurnErrorCode } from './turn.exception.js';
import { TurnService } from './turn.service.js';

/**
 * What keeps every acked message answered, in a process that runs turns (ROLE=gateway or all):
 * it renews the leases of the replies streaming here every third of REPLY_LEASE_MS, and every
 * half lease it answers the messages owed a reply for longer than a lease with none streaming
 * (their process died between the ack and the reply, or between the transcript and the reply).
 * Each pick counts an attempt; after REPLY_MAX_ATTEMPTS the message gets a coded failure
 * (`reply_interrupted`) instead, so a message that keeps killing its process does not loop.
 */
@Injectable()
export class ReplySlotsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReplySlotsService.name);
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly messages: MessageRepository,
    private readonly turns: TurnService,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    const lease = this.config.chat.replyLeaseMs;
    this.timers = [
      setInterval(() => void this.renew(), Math.max(100, Math.floor(lease / 3))),
      setInterval(() => void this.answerOverdue(), Math.max(100, Math.floor(lease / 2))),
    ];
    for (const t of this.timers) t.unref();
    void this.answerOverdue();
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearInterval(t);
  }

  async renew(): Promise<void> {
    try {
      await this.messages.renewLeases(
        this.turns.activeReplyIds,
        this.runtime.instanceId,
        this.config.chat.replyLeaseMs,
      );
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'could not renew reply leases');
    }
  }

  /** Starts turns for messages owed a reply past the grace; returns how many it picked. */
  async answerOverdue(): Promise<number> {
    try {
      const overdue = await this.messages.pickOverdue(this.config.chat.replyLeaseMs);
      for (const pick of overdue) {
        const giveUp = pick.attempts > this.config.chat.replyMaxAttempts;
        this.metrics.turnSweeps.inc({ outcome: giveUp ? 'gave_up' : 'answered' });
        this.logger.warn(
          {
            conversationId: pick.conversationId,
            messageId: pick.messageId,
            attempt: pick.attempts,
          },
          giveUp
            ? 'message owed a reply ran out of attempts; giving it a coded failure'
            : 'message owed a reply found without one; answering it',
        );
        this.turns.answer({
          conversationId: pick.conversationId,
          userId: pick.userId,
          why: 'sweep',
          ...(giveUp
            ? {
                refuse: {
                  code: TurnErrorCode.ReplyInterrupted,
                  message: `no reply after ${pick.attempts - 1} attempts`,
                },
              }
            : {}),
        });
      }
      return overdue.length;
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'awaiting-reply sweep failed');
      return 0;
    }
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { toMessageView } from '../gateway/message-view.js';
import { TurnErrorCode, describeFailure } from './turn.exception.js';

/**
 * Ends the replies whose process died (ROLE=worker or all): every half lease it fails the
 * replies whose lease ran out, so a reply cut off by a crash is stored as failed
 * (`reply_interrupted`, never half-written: a reply's text is stored in one write) and its user
 * told, within about 1.5 leases. The user's message is settled: the app offers to send it again,
 * and a resend is answered. Messages that came after it are answered by the awaiting-reply sweep.
 */
@Injectable()
export class ReplyRecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReplyRecoveryService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly messages: MessageRepository,
    private readonly emitter: ClientEmitter,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.max(100, Math.floor(this.config.chat.replyLeaseMs / 2));
    this.timer = setInterval(() => void this.sweep(), every);
    this.timer.unref();
    void this.sweep();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const interrupted = await this.messages.failExpiredReplies(
        500,
        TurnErrorCode.ReplyInterrupted,
      );
      for (const reply of interrupted) {
        this.logger.warn(
          { turnId: reply.turnId, replyId: reply.id, conversationId: reply.conversationId },
          'reply interrupted: its process stopped renewing the lease',
        );
        this.emitter.toUser(reply.userId, 'reply:end', {
          replyId: reply.id,
          message: toMessageView(reply),
        });
        this.emitter.toUser(reply.userId, 'error', {
          code: TurnErrorCode.ReplyInterrupted,
          message: describeFailure(TurnErrorCode.ReplyInterrupted),
          replyId: reply.id,
          conversationId: reply.conversationId,
        });
      }
      return interrupted.length;
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'reply recovery sweep failed');
      return 0;
    }
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { ChatEmitter } from './chat-emitter.js';
import { ChatErrorCode } from './chat.protocol.js';
import { MessageRepository } from './message.repository.js';
import { toMessageView } from './message-view.js';
import { ReplyService, describeFailure } from './reply.service.js';

/**
 * Keeps this pod's reply leases alive and ends the replies whose pod died: every pod renews its
 * own leases every third of REPLY_LEASE_MS and sweeps expired ones every half, so a reply cut off
 * by a crash is stored as failed (`reply_interrupted`) and its user told, within about 1.5 leases.
 * Content of an interrupted reply is never half-written: a reply's text is stored in one write.
 */
@Injectable()
export class ReplyRecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReplyRecoveryService.name);
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly messages: MessageRepository,
    private readonly replies: ReplyService,
    private readonly emitter: ChatEmitter,
  ) {}

  onApplicationBootstrap(): void {
    const lease = this.config.chat.replyLeaseMs;
    this.timers = [
      setInterval(() => void this.renew(), Math.max(100, Math.floor(lease / 3))),
      setInterval(() => void this.sweep(), Math.max(100, Math.floor(lease / 2))),
    ];
    for (const t of this.timers) t.unref();
    void this.sweep();
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearInterval(t);
  }

  async renew(): Promise<void> {
    try {
      await this.messages.renewLeases(
        this.replies.activeReplyIds,
        this.runtime.instanceId,
        this.config.chat.replyLeaseMs,
      );
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'could not renew reply leases');
    }
  }

  async sweep(): Promise<void> {
    try {
      const interrupted = await this.messages.failExpiredReplies();
      for (const reply of interrupted) {
        this.logger.warn(
          { replyId: reply.id, conversationId: reply.conversationId },
          'reply interrupted: its pod stopped renewing the lease',
        );
        this.emitter.toUser(reply.userId, 'reply:end', {
          replyId: reply.id,
          message: toMessageView(reply),
        });
        this.emitter.toUser(reply.userId, 'error', {
          code: ChatErrorCode.ReplyInterrupted,
          message: describeFailure(ChatErrorCode.ReplyInterrupted),
          replyId: reply.id,
          conversationId: reply.conversationId,
        });
        this.replies.ensureReply(reply.conversationId, { afterSeq: reply.seq });
      }
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'reply recovery sweep failed');
    }
  }
}

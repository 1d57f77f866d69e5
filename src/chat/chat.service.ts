import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { Principal } from '../auth/token-verifier.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Lifecycle } from '../observability/lifecycle.js';
import { Metrics } from '../observability/metrics.js';
import { PromptService } from '../prompting/prompt.service.js';
import { ChatEmitter } from './chat-emitter.js';
import { ChatException, parsePayload } from './chat.exception.js';
import {
  cancelSchema,
  ChatErrorCode,
  sendMessageSchema,
  syncSchema,
  type CancelAck,
  type SendAck,
  type SyncAck,
} from './chat.protocol.js';
import { MessageRepository } from './message.repository.js';
import { toMessageView } from './message-view.js';
import { MessageRateLimiter } from './rate-limiter.js';
import { ReplyService } from './reply.service.js';

export const CANCEL_ON_POD = 'reply:cancel';

/** The chat protocol's operations, after authentication and before any I/O they cause. */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly messages: MessageRepository,
    private readonly replies: ReplyService,
    private readonly limiter: MessageRateLimiter,
    private readonly prompts: PromptService,
    private readonly emitter: ChatEmitter,
    private readonly lifecycle: Lifecycle,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Stores the message (once per clientMsgId) and acks it; the reply follows as events. A repeat
   * returns the first ack; if the message's reply failed or never started (busy), it asks again.
   */
  async send(user: Principal, socket: Socket, payload: unknown): Promise<SendAck> {
    const receivedAt = Date.now();
    const input = parsePayload(sendMessageSchema, payload);
    const refuse = (
      code: ChatErrorCode,
      message: string,
      extra: { retryAfterMs?: number } = {},
    ) => {
      this.metrics.messages.inc({ kind: 'text', outcome: code });
      return new ChatException(code, message, { clientMsgId: input.clientMsgId, ...extra });
    };
    if (this.lifecycle.draining) {
      throw refuse(
        ChatErrorCode.Unavailable,
        'this server is restarting: reconnect and send again',
        {
          retryAfterMs: 1000,
        },
      );
    }
    const length = [...input.text].length;
    if (input.text.trim().length === 0)
      throw refuse(ChatErrorCode.TextEmpty, 'the message is empty');
    if (length > this.config.chat.messageMaxChars) {
      throw refuse(
        ChatErrorCode.TextTooLong,
        `the message has ${length} characters; the limit is ${this.config.chat.messageMaxChars}`,
      );
    }

    // The common case costs one Redis and one Postgres round trip; repeats are found by the
    // insert itself and given their rate-limit token back.
    const rate = await this.limiter.take(user.userId);
    if (!rate.allowed) {
      const stored = await this.messages.findByClientMsgId(user.userId, input.clientMsgId);
      if (!stored) {
        throw refuse(ChatErrorCode.RateLimited, 'too many messages; wait a moment', {
          retryAfterMs: rate.retryAfterMs,
        });
      }
    }
    const { message, duplicate } = await this.messages.insertUserMessage({
      userId: user.userId,
      clientMsgId: input.clientMsgId,
      conversationId: input.conversationId,
      content: input.text,
      contentTokens: this.prompts.countTokens(input.text),
      kind: 'text',
    });
    if (duplicate) await this.limiter.refund(user.userId);
    this.metrics.messages.inc({ kind: 'text', outcome: duplicate ? 'duplicate' : 'stored' });
    if (!duplicate) {
      this.emitter.toOtherDevices(socket, user.userId, 'message:new', {
        message: toMessageView(message),
      });
    }
    this.replies.ensureReply(message.conversationId, { receivedAt });
    return {
      messageId: message.id,
      conversationId: message.conversationId,
      seq: message.seq,
      duplicate,
    };
  }

  async sync(user: Principal, payload: unknown): Promise<SyncAck> {
    const input = parsePayload(syncSchema, payload);
    const limit = Math.min(
      input.limit ?? this.config.chat.syncPageSize,
      this.config.chat.syncPageSize,
    );
    const { messages, lastSeq } = await this.messages.listAfter(
      user.userId,
      input.conversationId,
      input.afterSeq,
      limit + 1,
    );
    const page = messages.slice(0, limit);
    return {
      conversationId: input.conversationId,
      messages: page.map(toMessageView),
      hasMore: messages.length > limit,
      lastSeq,
    };
  }

  /** Stops a reply in flight, on whichever pod runs it; it ends as `cancelled` with its text so far. */
  async cancel(user: Principal, payload: unknown): Promise<CancelAck> {
    const { replyId } = parsePayload(cancelSchema, payload);
    if (this.replies.cancelLocal(replyId, user.userId)) return { replyId };
    const reply = await this.messages.findReply(replyId);
    if (!reply || reply.userId !== user.userId) {
      throw new ChatException(ChatErrorCode.ReplyNotFound, 'no such reply', { replyId });
    }
    if (reply.status !== 'streaming') {
      throw new ChatException(
        ChatErrorCode.ReplyNotActive,
        `the reply already ended (${reply.status})`,
        {
          replyId,
        },
      );
    }
    this.emitter.broadcastToPods(CANCEL_ON_POD, { replyId, userId: user.userId });
    return { replyId };
  }

  /** Another pod asks every pod to cancel a reply; the one running it does. */
  onPodCancel(payload: unknown): void {
    const { replyId, userId } = (payload ?? {}) as { replyId?: unknown; userId?: unknown };
    if (
      typeof replyId === 'string' &&
      typeof userId === 'string' &&
      this.replies.cancelLocal(replyId, userId)
    ) {
      this.logger.log({ replyId }, 'reply cancelled at the request of another pod');
    }
  }
}

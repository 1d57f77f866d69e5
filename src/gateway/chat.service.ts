import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { TokenVerifier, type Principal } from '../auth/token-verifier.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import {
  ConversationErrorCode,
  ConversationException,
} from '../conversation/conversation.exception.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { Lifecycle } from '../observability/lifecycle.js';
import { withTurnId } from '../observability/log-context.js';
import { Metrics } from '../observability/metrics.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import type { RegenerateAck } from '../feedback/feedback.protocol.js';
import { ModerationService } from '../moderation/moderation.service.js';
import { PromptService } from '../prompting/prompt.service.js';
import { TurnErrorCode, TurnException } from '../turn/turn.exception.js';
import { TurnService } from '../turn/turn.service.js';
import { ChatException, GatewayErrorCode, parsePayload } from './chat.exception.js';
import {
  cancelSchema,
  refreshSchema,
  sendMessageSchema,
  syncSchema,
  type CancelAck,
  type RefreshAck,
  type SendAck,
  type SyncAck,
} from './chat.protocol.js';
import { ClientEmitter } from './client-emitter.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { toMessageView } from './message-view.js';
import { handshakeUser, type SocketData } from './socket-data.js';

export const CANCEL_ON_POD = 'reply:cancel';

/**
 * The chat protocol's operations, after authentication: a text message is validated,
 * rate-limited and stored before it is acked (ingest), then handed to turn/ to be answered.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly messages: MessageRepository,
    private readonly turns: TurnService,
    private readonly limiter: MessageRateLimiter,
    private readonly prompts: PromptService,
    private readonly emitter: ClientEmitter,
    private readonly lifecycle: Lifecycle,
    private readonly metrics: Metrics,
    private readonly tokens: TokenVerifier,
    private readonly moderation: ModerationService,
    private readonly feedback: FeedbackService,
  ) {}

  /**
   * Stores the message (once per clientMsgId) and acks it; the reply follows as events. A repeat
   * returns the first ack; if the message's reply failed or never came, it is answered again.
   */
  send(user: Principal, socket: Socket, payload: unknown): Promise<SendAck> {
    // The turn this message asks for starts here: every log line from now on carries its id.
    const turnId = TurnService.newTurnId();
    return withTurnId(turnId, () => this.ingest(user, socket, payload, turnId));
  }

  private async ingest(
    user: Principal,
    socket: Socket,
    payload: unknown,
    turnId: string,
  ): Promise<SendAck> {
    const receivedAt = Date.now();
    const input = parsePayload(sendMessageSchema, payload);
    const refuse = (
      code: GatewayErrorCode,
      message: string,
      extra: { retryAfterMs?: number } = {},
    ) => {
      this.metrics.messages.inc({ kind: 'text', outcome: code });
      return new ChatException(code, message, { clientMsgId: input.clientMsgId, ...extra });
    };
    if (this.lifecycle.draining) {
      throw refuse(
        GatewayErrorCode.Unavailable,
        'this server is restarting: reconnect and send again',
        {
          retryAfterMs: 1000,
        },
      );
    }
    const length = [...input.text].length;
    if (input.text.trim().length === 0)
      throw refuse(GatewayErrorCode.TextEmpty, 'the message is empty');
    if (length > this.config.chat.messageMaxChars) {
      throw refuse(
        GatewayErrorCode.TextTooLong,
        `the message has ${length} characters; the limit is ${this.config.chat.messageMaxChars}`,
      );
    }

    // Admin rules are checked in memory: a block rule refuses the message before anything else.
    let ruleFlags;
    try {
      ruleFlags = this.moderation.checkRules(user.userId, input.text, input.clientMsgId);
    } catch (e) {
      this.metrics.messages.inc({ kind: 'text', outcome: 'blocked_by_rule' });
      throw e;
    }

    // The common case costs one Redis round trip, then the insert, which checks the sender's
    // restrictions (a mute, suspension or ban) in its own statement; repeats are found by the
    // insert itself and given their rate-limit token back, as are messages a restriction refuses.
    const rate = await this.limiter.take(user.userId);
    const mayNotSend = async (e: unknown): Promise<never> => {
      if (rate.allowed) await this.limiter.refund(user.userId);
      const code = (e as { code?: unknown }).code;
      this.metrics.messages.inc({
        kind: 'text',
        outcome: typeof code === 'string' ? code : 'error',
      });
      throw e;
    };
    if (!rate.allowed) {
      await this.moderation.assertMaySend(user.userId, input.clientMsgId).catch(mayNotSend);
      const stored = await this.messages.findByClientMsgId(user.userId, input.clientMsgId);
      if (!stored) {
        throw refuse(GatewayErrorCode.RateLimited, 'too many messages; wait a moment', {
          retryAfterMs: rate.retryAfterMs,
        });
      }
    }
    const hints = handshakeUser(socket);
    // With a place at the model free now, the insert claims the reply slot too: the turn starts
    // from the insert's own statement, without a round trip of its own after the ack.
    const reservation = rate.allowed ? this.turns.reserve(turnId) : null;
    const { message, duplicate, claimed } = await this.messages
      .insertUserMessage(
        {
          userId: user.userId,
          clientMsgId: input.clientMsgId,
          conversationId: input.conversationId,
          content: input.text,
          contentTokens: this.prompts.countTokens(input.text),
          kind: 'text',
          locale: hints.locale,
          timeZone: hints.timeZone,
          platform: hints.platform,
          appVersion: hints.appVersion,
          guard: this.moderation.maySendSql,
        },
        undefined,
        reservation?.claim,
      )
      .catch(async (e: unknown) => {
        reservation?.permit.release();
        // Nothing stored: a restriction in force, or no such conversation of this user.
        if (isConversationNotFound(e)) {
          await this.moderation.assertMaySend(user.userId, input.clientMsgId).catch(mayNotSend);
        }
        throw e;
      });
    this.metrics.messages.inc({ kind: 'text', outcome: duplicate ? 'duplicate' : 'stored' });
    const turn = {
      conversationId: message.conversationId,
      userId: user.userId,
      user: hints,
      text: message.content,
      receivedAt,
      storedAt: Date.now(),
      turnId,
    };
    if (duplicate) {
      reservation?.permit.release();
      await this.limiter.refund(user.userId);
      // Sent again because its reply failed or never came: it is owed one again.
      if (await this.messages.rearmReply(message.id)) this.turns.answer({ ...turn, why: 'resend' });
    } else {
      // The turn first: it holds the reserved place, which nothing after this may strand. Its
      // events come after the ack and this one (it starts after the current callbacks).
      if (reservation) this.turns.answerReserved({ ...turn, why: 'message' }, reservation, claimed);
      else this.turns.answer({ ...turn, why: 'message' });
      this.emitter.toOtherDevices(socket, user.userId, 'message:new', {
        message: toMessageView(message),
      });
      if (ruleFlags.length > 0) {
        void this.moderation
          .flagByRules(message, ruleFlags)
          .catch((e: unknown) =>
            this.logger.warn({ messageId: message.id, err: String(e) }, 'rule flag not raised'),
          );
      }
    }
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

  /**
   * A fresh token for the same user extends the connection to the new token's expiry (instead
   * of reconnecting when the old one runs out). Another user's token is refused.
   */
  refresh(socket: Socket, payload: unknown): RefreshAck {
    const { token } = parsePayload(refreshSchema, payload);
    const data = socket.data as SocketData;
    const principal = this.tokens.verify(token);
    if (!principal || principal.userId !== data.userId) {
      throw new ChatException(
        GatewayErrorCode.Unauthorized,
        'the token is not valid for this connection',
      );
    }
    data.expiresAt = principal.expiresAt;
    data.roles = principal.roles;
    data.tier = principal.tier;
    return { expiresAt: principal.expiresAt };
  }

  /**
   * `reply:regenerate`: a new version of the user's latest reply, answered by a new turn (the
   * message's rate limit applies: it costs a turn). A repeat of the clientMsgId acks again and
   * starts nothing.
   */
  async regenerate(user: Principal, socket: Socket, payload: unknown): Promise<RegenerateAck> {
    if (this.lifecycle.draining) {
      throw new ChatException(
        GatewayErrorCode.Unavailable,
        'this server is restarting: reconnect and try again',
        {
          retryAfterMs: 1000,
        },
      );
    }
    const rate = await this.limiter.take(user.userId);
    if (!rate.allowed) {
      throw new ChatException(GatewayErrorCode.RateLimited, 'too many messages; wait a moment', {
        retryAfterMs: rate.retryAfterMs,
      });
    }
    let result: Awaited<ReturnType<FeedbackService['regenerate']>>;
    try {
      result = await this.feedback.regenerate(user, payload);
    } catch (e) {
      await this.limiter.refund(user.userId);
      throw e;
    }
    if (!result.answer) {
      await this.limiter.refund(user.userId);
      return result.ack;
    }
    this.turns.answer({
      conversationId: result.ack.conversationId,
      userId: user.userId,
      user: handshakeUser(socket),
      why: 'regenerate',
    });
    return result.ack;
  }

  /** Stops a reply in flight, on whichever pod runs it; it ends as `cancelled` with its text so far. */
  async cancel(user: Principal, payload: unknown): Promise<CancelAck> {
    const { replyId } = parsePayload(cancelSchema, payload);
    if (this.turns.cancelLocal(replyId, user.userId)) return { replyId };
    const reply = await this.messages.findReply(replyId);
    if (!reply || reply.userId !== user.userId) {
      throw new TurnException(TurnErrorCode.ReplyNotFound, 'no such reply', { replyId });
    }
    if (reply.status !== 'streaming') {
      throw new TurnException(
        TurnErrorCode.ReplyNotActive,
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
      this.turns.cancelLocal(replyId, userId)
    ) {
      this.logger.log({ replyId }, 'reply cancelled at the request of another pod');
    }
  }
}

function isConversationNotFound(e: unknown): boolean {
  return e instanceof ConversationException && e.code === ConversationErrorCode.NotFound;
}

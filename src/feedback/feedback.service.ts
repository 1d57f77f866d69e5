import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/token-verifier.js';
import { Batcher } from '../common/batcher.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { MessageEntity } from '../conversation/message.entity.js';
import { MessageRepository, type VersionOutcome } from '../conversation/message.repository.js';
import { parsePayload } from '../gateway/chat.exception.js';
import { FeedbackErrorCode, FeedbackException } from './feedback.exception.js';
import {
  feedbackSendSchema,
  replyChooseSchema,
  replyEditSchema,
  replyRegenerateSchema,
  type FeedbackAck,
  type FeedbackSendAck,
  type RegenerateAck,
} from './feedback.protocol.js';
import { FeedbackRepository, type FeedbackAct } from './feedback.repository.js';

/** Positive follow-ups seen within this window are stored together, off the turn's path. */
const FOLLOWUP_FLUSH_MS = 50;

/**
 * Reactions to replies (docs/model-loop.md): thumbs (the latest counts), edits kept beside the
 * original, regenerates (a new version answering the same message) and the version the user
 * keeps; each idempotent on its clientMsgId and refused for anyone but the reply's user. Also the
 * user's training consent, and the positive follow-ups the turn observes.
 */
@Injectable()
export class FeedbackService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedbackService.name);
  private readonly followups: Batcher<FeedbackAct>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly feedback: FeedbackRepository,
    private readonly messages: MessageRepository,
  ) {
    this.followups = new Batcher((acts) => this.feedback.recordMany(acts), FOLLOWUP_FLUSH_MS);
  }

  /** `feedback:send`: thumbs up or down on a reply; sending again changes it. */
  async rate(user: Principal, payload: unknown): Promise<FeedbackSendAck> {
    const input = parsePayload(feedbackSendSchema, payload);
    const prior = await this.feedback.findByClientMsgId(user.userId, input.clientMsgId);
    if (prior)
      return { replyId: prior.replyId, rating: prior.rating ?? input.rating, duplicate: true };
    const reply = await this.ownFinishedReply(user, input.replyId, input.clientMsgId);
    const { act, duplicate } = await this.feedback.record({
      userId: user.userId,
      replyId: reply.id,
      conversationId: reply.conversationId,
      ...variantOf(reply),
      kind: 'rating',
      rating: input.rating,
      reason: input.reason ?? null,
      clientMsgId: input.clientMsgId,
    });
    return { replyId: act.replyId, rating: act.rating ?? input.rating, duplicate };
  }

  /** `reply:edit`: the user's better wording of a reply, kept beside the original. */
  async edit(user: Principal, payload: unknown): Promise<FeedbackAck> {
    const input = parsePayload(replyEditSchema, payload);
    const prior = await this.feedback.findByClientMsgId(user.userId, input.clientMsgId);
    if (prior) return { replyId: prior.replyId, duplicate: true };
    const context = { clientMsgId: input.clientMsgId, replyId: input.replyId };
    const text = input.text.trim();
    if (!text)
      throw new FeedbackException(FeedbackErrorCode.EditEmpty, 'the edit is empty', context);
    const length = [...text].length;
    const max = this.config.feedback.editMaxChars;
    if (length > max) {
      throw new FeedbackException(
        FeedbackErrorCode.EditTooLong,
        `the edit has ${length} characters; the limit is ${max}`,
        context,
      );
    }
    const reply = await this.ownFinishedReply(user, input.replyId, input.clientMsgId);
    const { act, duplicate } = await this.feedback.record({
      userId: user.userId,
      replyId: reply.id,
      conversationId: reply.conversationId,
      ...variantOf(reply),
      kind: 'edit',
      text,
      clientMsgId: input.clientMsgId,
    });
    return { replyId: act.replyId, duplicate };
  }

  /**
   * `reply:regenerate`: the reply's versions are marked replaced and the message they answer is
   * owed a reply again; `answer` is true when the caller must start the turn (not for a repeat).
   */
  async regenerate(
    user: Principal,
    payload: unknown,
  ): Promise<{ ack: RegenerateAck; answer: boolean }> {
    const input = parsePayload(replyRegenerateSchema, payload);
    const prior = await this.feedback.findByClientMsgId(user.userId, input.clientMsgId);
    const reply = prior
      ? await this.messages.findReply(prior.replyId)
      : await this.ownFinishedReply(user, input.replyId, input.clientMsgId);
    if (!reply) {
      // A repeat of a regenerate whose reply was deleted since.
      throw new FeedbackException(FeedbackErrorCode.ReplyNotFound, 'no such reply', {
        clientMsgId: input.clientMsgId,
        replyId: input.replyId,
      });
    }
    if (!prior && reply.source !== 'model') {
      // A person's words, or the pre-written crisis reply, are not the model's to redo.
      throw new FeedbackException(
        FeedbackErrorCode.ReplyNotRegenerable,
        `a ${reply.source} reply is not regenerated`,
        { clientMsgId: input.clientMsgId, replyId: input.replyId },
      );
    }
    if (prior) {
      const ack = {
        replyId: reply.id,
        conversationId: reply.conversationId,
        inReplyTo: reply.inReplyTo!,
        duplicate: true,
      };
      return { ack, answer: false };
    }
    const { outcome } = await this.messages.regenerate(input.replyId, user.userId);
    this.refuseUnless(outcome, input.replyId, input.clientMsgId);
    const { duplicate } = await this.feedback.record({
      userId: user.userId,
      replyId: reply.id,
      conversationId: reply.conversationId,
      ...variantOf(reply),
      kind: 'regenerate',
      clientMsgId: input.clientMsgId,
    });
    return {
      ack: {
        replyId: reply.id,
        conversationId: reply.conversationId,
        inReplyTo: reply.inReplyTo!,
        duplicate,
      },
      answer: !duplicate,
    };
  }

  /** `reply:choose`: the version of a reply the user keeps (shown; the others replaced). */
  async choose(user: Principal, payload: unknown): Promise<FeedbackAck> {
    const input = parsePayload(replyChooseSchema, payload);
    const prior = await this.feedback.findByClientMsgId(user.userId, input.clientMsgId);
    if (prior) return { replyId: prior.replyId, duplicate: true };
    const reply = await this.ownFinishedReply(user, input.replyId, input.clientMsgId);
    const { outcome } = await this.messages.chooseVersion(input.replyId, user.userId);
    this.refuseUnless(outcome, input.replyId, input.clientMsgId);
    const { act, duplicate } = await this.feedback.record({
      userId: user.userId,
      replyId: reply.id,
      conversationId: reply.conversationId,
      ...variantOf(reply),
      kind: 'choose',
      clientMsgId: input.clientMsgId,
    });
    return { replyId: act.replyId, duplicate };
  }

  /**
   * The turn saw the user answer a reply with a message read as positive (valence at or above
   * FEEDBACK_FOLLOWUP_VALENCE): stored as a `followup` act of that reply, batched, never waited on.
   */
  observeFollowup(act: {
    userId: string;
    conversationId: string;
    replyId: string;
    valence: number;
  }) {
    if (act.valence < this.config.feedback.followupValence) return;
    this.followups
      .add({
        userId: act.userId,
        conversationId: act.conversationId,
        replyId: act.replyId,
        kind: 'followup',
      })
      .catch((e: unknown) =>
        this.logger.warn({ replyId: act.replyId, err: String(e) }, 'could not store a follow-up'),
      );
  }

  async setConsent(userId: string, training: boolean) {
    return this.feedback.recordConsent(userId, training, this.config.feedback.consentVersion);
  }

  async consent(userId: string) {
    return (
      (await this.feedback.consentOf(userId)) ?? {
        training: false,
        version: this.config.feedback.consentVersion,
        at: null,
      }
    );
  }

  exportUserData(userId: string) {
    return this.feedback.exportUserData(userId);
  }

  async deleteUserData(userId: string) {
    await this.followups.flush().catch(() => undefined);
    return this.feedback.deleteUserData(userId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.followups
      .flush()
      .catch((e: unknown) => this.logger.warn({ err: String(e) }, 'could not store follow-ups'));
  }

  /** The user's own reply, finished; else a coded refusal. */
  private async ownFinishedReply(
    user: Principal,
    replyId: string,
    clientMsgId: string,
  ): Promise<MessageEntity> {
    const reply = await this.messages.findReply(replyId);
    const context = { clientMsgId, replyId };
    if (!reply || reply.deletedAt) {
      throw new FeedbackException(FeedbackErrorCode.ReplyNotFound, 'no such reply', context);
    }
    if (reply.userId !== user.userId) {
      throw new FeedbackException(
        FeedbackErrorCode.ReplyNotOwned,
        "that reply is another user's",
        context,
      );
    }
    if (reply.status === 'streaming') {
      throw new FeedbackException(
        FeedbackErrorCode.ReplyStreaming,
        'the reply is still streaming; react once it ended',
        context,
      );
    }
    return reply;
  }

  private refuseUnless(outcome: VersionOutcome, replyId: string, clientMsgId: string): void {
    if (outcome === 'ok') return;
    const messages: Record<Exclude<VersionOutcome, 'ok'>, string> = {
      reply_not_found: 'no such reply',
      reply_not_owned: "that reply is another user's",
      reply_streaming: 'a reply is streaming in this conversation; wait for it to end',
      reply_not_latest: 'only the latest reply of a conversation can be regenerated',
    };
    throw new FeedbackException(outcome as FeedbackErrorCode, messages[outcome], {
      clientMsgId,
      replyId,
    });
  }
}

/** The experiment and variant that served a reply, for its acts (results per variant). */
function variantOf(reply: MessageEntity): { experiment: string | null; variant: string | null } {
  return { experiment: reply.route?.experiment ?? null, variant: reply.route?.variant ?? null };
}

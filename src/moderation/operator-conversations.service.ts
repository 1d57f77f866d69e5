import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AffectRepository } from '../affect/affect.repository.js';
import type { Principal } from '../auth/token-verifier.js';
import type { MessageEntity } from '../conversation/message.entity.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { toMessageView } from '../gateway/message-view.js';
import { MemoryRepository } from '../memory/memory.repository.js';
import { OperatorAuditRepository } from '../operator/operator-audit.repository.js';
import { ModerationRepository } from './moderation.repository.js';

/** The newest readings a conversation's mood timeline shows. */
const MOOD_TIMELINE_MAX = 500;

/** What the user is told when a person joins or leaves (shown as it is). */
const TAKEOVER_NOTICES = {
  joined: {
    en: 'A member of our care team has joined this conversation. You are now talking with a person.',
    zh: '我们的关怀团队成员已加入对话。现在与你交谈的是一位真人。',
  },
  left: {
    en: 'The care team member has left. You are talking with the AI companion again.',
    zh: '关怀团队成员已离开。现在与你交谈的又是 AI 陪伴者。',
  },
};

/**
 * What operators see of a conversation and how they step into it (docs/operator.md): its
 * messages and mood timeline, the user's memories (each read audited), and takeover: while an
 * operator holds a conversation the model is paused for it (the reply-slot claim settles the
 * user's messages instead) and the operator's messages reach the user as assistant messages with
 * `source: 'operator'`, until they hand it back.
 */
@Injectable()
export class OperatorConversationsService {
  private readonly logger = new Logger(OperatorConversationsService.name);

  constructor(
    private readonly messages: MessageRepository,
    private readonly affect: AffectRepository,
    private readonly memories: MemoryRepository,
    private readonly moderation: ModerationRepository,
    private readonly audit: OperatorAuditRepository,
    private readonly emitter: ClientEmitter,
  ) {}

  /** The conversation, a page of its messages (newest first) and its mood timeline: audited. */
  async view(
    conversationId: string,
    operator: Principal,
    page: { limit: number; beforeSeq?: number; reason?: string },
  ) {
    const conversation = await this.requireConversation(conversationId);
    const [messages, mood, events] = await Promise.all([
      this.messages.pageForOperator(conversationId, page.limit, page.beforeSeq),
      this.affect.conversationTimeline(conversation.userId, conversationId, MOOD_TIMELINE_MAX),
      this.moderation.subjectEvents('conversation', conversationId, 100),
    ]);
    await this.audit.record({
      operatorId: operator.userId,
      action: 'conversation.read',
      targetId: conversationId,
      subjectUserId: conversation.userId,
    });
    return {
      id: conversation.id,
      userId: conversation.userId,
      title: conversation.title,
      takenOverBy: conversation.takenOverBy,
      takenOverAt: conversation.takenOverAt?.toISOString() ?? null,
      createdAt: conversation.createdAt.toISOString(),
      lastMessageAt: conversation.lastMessageAt?.toISOString() ?? null,
      messages: messages.map(operatorMessageView),
      next: messages.length === page.limit ? (messages.at(-1)?.seq ?? null) : null,
      mood,
      events: events.map((e) => ({
        id: e.id,
        actor: e.actor,
        action: e.action,
        reason: e.reason,
        createdAt: e.createdAt.toISOString(),
      })),
    };
  }

  /** The user's current memories (what the companion remembers of them): audited. */
  async userMemories(userId: string, operator: Principal) {
    const memories = await this.memories.current(userId);
    await this.audit.record({
      operatorId: operator.userId,
      action: 'memories.read',
      targetId: userId,
      subjectUserId: userId,
    });
    return {
      userId,
      memories: memories.map((m) => ({
        id: m.id,
        kind: m.kind,
        text: m.text,
        importance: m.importance,
        sensitive: m.sensitive,
        createdAt: m.createdAt.toISOString(),
      })),
    };
  }

  /**
   * Takes the conversation over: from now on the model is not asked in it. 409
   * `already_taken_over` when another operator holds it. The user is told a person joined.
   */
  async takeOver(conversationId: string, operator: Principal, reason?: string) {
    const conversation = await this.requireConversation(conversationId);
    const result = await this.messages.setTakeover(conversationId, operator.userId, null);
    if (!result) throw conversationNotFound();
    if (!result.changed) {
      throw new ConflictException({
        code: 'already_taken_over',
        message: `another operator holds this conversation`,
      });
    }
    const already = result.takenOverBy === operator.userId;
    if (!already) {
      await this.moderation.append({
        subjectKind: 'conversation',
        subjectId: conversationId,
        userId: result.userId,
        actor: operator.userId,
        action: 'takeover',
        reason,
      });
      this.emitter.toUser(result.userId, 'notice', {
        kind: 'operator_joined',
        text: noticeText('joined', conversation.userLocale),
        conversationId,
      });
      this.changed(conversationId, result.userId, operator.userId, operator.userId);
      this.logger.log({ conversationId, operatorId: operator.userId }, 'conversation taken over');
    }
    return { conversationId, userId: result.userId, takenOverBy: operator.userId };
  }

  /**
   * Hands the conversation back to the model: the holder, or an admin for anyone. 409
   * `not_taken_over` when no one holds it (or someone else does and the caller is no admin).
   */
  async handBack(conversationId: string, operator: Principal, reason?: string) {
    const conversation = await this.requireConversation(conversationId);
    const admin = operator.roles.includes('admin');
    const result = await this.messages.setTakeover(
      conversationId,
      null,
      admin ? null : operator.userId,
    );
    if (!result) throw conversationNotFound();
    if (!result.changed) {
      throw new ConflictException({
        code: 'not_taken_over',
        message: result.takenOverBy
          ? 'another operator holds this conversation'
          : 'no operator holds this conversation',
      });
    }
    await this.moderation.append({
      subjectKind: 'conversation',
      subjectId: conversationId,
      userId: result.userId,
      actor: operator.userId,
      action: 'hand_back',
      reason,
      data: { heldBy: result.takenOverBy },
    });
    this.emitter.toUser(result.userId, 'notice', {
      kind: 'operator_left',
      text: noticeText('left', conversation.userLocale),
      conversationId,
    });
    this.changed(conversationId, result.userId, null, operator.userId);
    this.logger.log({ conversationId, operatorId: operator.userId }, 'conversation handed back');
    return { conversationId, userId: result.userId, takenOverBy: null };
  }

  /**
   * The operator writes to the user in a conversation they hold: stored as an assistant message
   * (`source: 'operator'`) and sent to every device of the user as `message:new`. 409
   * `not_taken_over` unless the caller holds the conversation.
   */
  async send(conversationId: string, operator: Principal, text: string) {
    const stored = await this.messages.storeOperatorMessage({
      conversationId,
      operatorId: operator.userId,
      content: text,
    });
    if (!stored) {
      await this.requireConversation(conversationId);
      throw new ConflictException({
        code: 'not_taken_over',
        message: 'take the conversation over before writing in it',
      });
    }
    await this.moderation.append({
      subjectKind: 'conversation',
      subjectId: conversationId,
      userId: stored.userId,
      actor: operator.userId,
      action: 'operator_message',
      data: { messageId: stored.id },
    });
    const view = toMessageView(stored);
    this.emitter.toUser(stored.userId, 'message:new', { message: view });
    return view;
  }

  private async requireConversation(conversationId: string) {
    const conversation = await this.messages.conversationForOperator(conversationId);
    if (!conversation) throw conversationNotFound();
    return conversation;
  }

  private changed(
    conversationId: string,
    userId: string,
    operatorId: string | null,
    actor: string,
  ): void {
    this.emitter.toOperators('takeover:changed', {
      conversationId,
      userId,
      operatorId,
      actor,
      at: new Date().toISOString(),
    });
  }
}

function conversationNotFound(): NotFoundException {
  return new NotFoundException({ code: 'conversation_not_found', message: 'no such conversation' });
}

function noticeText(which: 'joined' | 'left', locale: string | null): string {
  return locale?.toLowerCase().startsWith('zh')
    ? TAKEOVER_NOTICES[which].zh
    : TAKEOVER_NOTICES[which].en;
}

/** A message as operators see it: the user's view plus its turn and whether it was deleted. */
function operatorMessageView(m: MessageEntity) {
  return {
    ...toMessageView(m),
    turnId: m.turnId,
    deleted: m.deletedAt !== null,
  };
}

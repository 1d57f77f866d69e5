import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Principal } from '../auth/token-verifier.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { parsePayload } from '../gateway/chat.exception.js';
import type { FlagUpdatedEvent } from '../gateway/chat.protocol.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { OperatorAuditRepository } from '../operator/operator-audit.repository.js';
import { toFlagEvent } from '../safety/flag-event.js';
import { SafetyRepository, type Flag, type FlagFilter } from '../safety/safety.repository.js';
import { ModerationErrorCode, ModerationException } from './moderation.exception.js';
import {
  appealSchema,
  reportSchema,
  type AppealAck,
  type ReportAck,
  type UserActionBody,
} from './moderation.protocol.js';
import { ModerationRepository, type ModerationEvent } from './moderation.repository.js';
import { sendingBlock } from './restriction.js';
import { ModerationRulesService } from './rules/moderation-rules.service.js';
import type { CompiledRule } from './rules/rule-match.js';

/** Labels a flag may carry at once. */
export const FLAG_MAX_LABELS = 16;

/** A user's report sorts below crises and withheld replies. */
const REPORT_PRIORITY = 4;

/** What the user sees of their account's moderation: actions about them, never internal notes. */
const SHOWN_TO_USER = [
  'warn',
  'mute',
  'unmute',
  'suspend',
  'ban',
  'unban',
  'delete_message',
  'appeal',
  'appeal_resolved',
];

export interface QueueCursor {
  priority: number;
  createdAt: string;
  id: string;
}

/**
 * Moderation (docs/operator.md): the queue built on safety's flags, operator actions as
 * append-only events, the restrictions they put in force (checked at the gateway), reports and
 * appeals from users. Every read of a user's content by an operator is audited.
 */
@Injectable()
export class ModerationService {
  private readonly logger = new Logger(ModerationService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: ModerationRepository,
    private readonly flags: SafetyRepository,
    private readonly messages: MessageRepository,
    private readonly audit: OperatorAuditRepository,
    private readonly emitter: ClientEmitter,
    private readonly rules: ModerationRulesService,
  ) {}

  // --- enforcement --------------------------------------------------------------------------

  /**
   * Refuses a message or a recording from a user who is banned, suspended or muted now: one
   * read by primary key. Throws `banned`, `suspended` or `muted` (with `until`).
   */
  /**
   * The restriction check as a SQL condition, for the message insert to carry in its own
   * statement; when the insert is refused, `assertMaySend` says which restriction holds.
   */
  readonly maySendSql = ModerationRepository.maySendSql;

  async assertMaySend(userId: string, clientMsgId?: string): Promise<void> {
    const block = sendingBlock(await this.repository.restriction(userId), new Date());
    if (!block) return;
    const until = block.until?.toISOString();
    const message =
      block.code === 'banned'
        ? 'this account is banned'
        : `this account is ${block.code} until ${until}`;
    throw new ModerationException(block.code as ModerationErrorCode, message, {
      ...(clientMsgId ? { clientMsgId } : {}),
      ...(until ? { until } : {}),
    });
  }

  /**
   * A typed message against the admin rules (in memory, no I/O): a `block` rule refuses it with
   * `blocked_by_rule` and the rule's reason for the user (recorded as a `rule_block` event, without
   * the text); returns the `flag` rules it matched, to flag it once stored.
   */
  checkRules(userId: string, text: string, clientMsgId: string): CompiledRule[] {
    const verdict = this.rules.check(text);
    if (verdict.block) {
      const rule = verdict.block;
      void this.repository
        .append({
          subjectKind: 'user',
          subjectId: userId,
          userId,
          actor: 'system',
          action: 'rule_block',
          policy: rule.category,
          data: { ruleId: rule.id },
        })
        .catch((e: unknown) =>
          this.logger.warn({ userId, ruleId: rule.id, err: String(e) }, 'rule block not recorded'),
        );
      throw new ModerationException(
        ModerationErrorCode.BlockedByRule,
        rule.userReason ?? 'this message breaks a community rule and was not sent',
        { clientMsgId },
      );
    }
    return verdict.flags;
  }

  /** A stored message that matched flag rules: one flag (the most urgent rule's) to the queue. */
  async flagByRules(
    message: { id: string; userId: string; conversationId: string },
    rules: readonly CompiledRule[],
  ): Promise<void> {
    const rule = [...rules].sort((a, b) => a.priority - b.priority)[0];
    if (!rule) return;
    const flag = await this.flags.raiseFlag({
      kind: 'rule',
      source: 'rule',
      // A crisis is always alone on top: rules start at 2.
      priority: Math.max(2, rule.priority),
      severity: null,
      category: rule.category,
      userId: message.userId,
      conversationId: message.conversationId,
      messageId: message.id,
    });
    this.emitter.toOperators('flag:new', toFlagEvent(flag));
  }

  /** True when the user is banned (the handshake is refused). */
  async isBanned(userId: string): Promise<boolean> {
    return (await this.repository.restriction(userId))?.banned ?? false;
  }

  // --- the queue ----------------------------------------------------------------------------

  async queue(filter: Omit<FlagFilter, 'after'> & { cursor?: string }) {
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const rows = await this.flags.queue({ ...filter, after, limit: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      flags: page.map(flagView),
      next:
        rows.length > filter.limit && last
          ? encodeCursor({ priority: last.priority, createdAt: last.createdKey, id: last.id })
          : null,
    };
  }

  /** A flag and the message it is about (a read of the user's content: audited). */
  async flag(flagId: string, operator: Principal) {
    const flag = await this.requireFlag(flagId);
    const message = await this.messages.findById(flag.messageId);
    await this.audit.record({
      operatorId: operator.userId,
      action: 'flag.read',
      targetId: flag.id,
      subjectUserId: flag.userId,
    });
    return {
      ...flagView(flag),
      message: message
        ? {
            id: message.id,
            role: message.role,
            content: message.content,
            deleted: message.deletedAt !== null,
            createdAt: message.createdAt.toISOString(),
          }
        : null,
      events: (await this.repository.subjectEvents('flag', flag.id, 100)).map(eventView),
    };
  }

  /**
   * Claims a flag for the operator for MODERATION_CLAIM_MIN minutes; another operator's
   * unexpired claim answers 409 `already_claimed`.
   */
  async claim(flagId: string, operator: Principal) {
    const flag = await this.requireFlag(flagId);
    if (flag.status === 'closed')
      throw new ConflictException({ code: 'flag_closed', message: 'the flag is resolved' });
    const claimed = await this.flags.claimFlag(
      flagId,
      operator.userId,
      this.config.moderation.claimMinutes,
    );
    if (!claimed) {
      const holder = await this.flags.findFlag(flagId);
      throw new ConflictException({
        code: 'already_claimed',
        message: `another operator holds this flag until ${holder?.claimExpiresAt?.toISOString()}`,
      });
    }
    await this.repository.append({
      subjectKind: 'flag',
      subjectId: flagId,
      userId: claimed.userId,
      actor: operator.userId,
      action: 'claim',
      until: claimed.claimExpiresAt,
    });
    this.flagUpdated(claimed, 'claim', operator.userId);
    return flagView(claimed);
  }

  /** Escalates (`escalated`) or resolves (`closed`) a flag, with the reason given. */
  async review(
    flagId: string,
    operator: Principal,
    action: 'escalate' | 'resolve',
    body: { reason?: string; policy?: string },
  ) {
    await this.requireFlag(flagId);
    const updated = await this.flags.setFlagStatus(
      flagId,
      action === 'resolve' ? 'closed' : 'escalated',
    );
    if (!updated) throw flagNotFound();
    await this.repository.append({
      subjectKind: 'flag',
      subjectId: flagId,
      userId: updated.userId,
      actor: operator.userId,
      action,
      reason: body.reason,
      policy: body.policy,
    });
    this.flagUpdated(updated, action, operator.userId);
    return flagView(updated);
  }

  /**
   * Adds and removes labels (tags) on a flag, as one `label` event; the queue filters by label.
   * 409 `too_many_labels` past FLAG_MAX_LABELS.
   */
  async label(
    flagId: string,
    operator: Principal,
    body: { add: string[]; remove: string[]; reason?: string },
  ) {
    await this.requireFlag(flagId);
    const updated = await this.flags.setFlagLabels(flagId, body.add, body.remove, FLAG_MAX_LABELS);
    if (!updated) {
      throw new ConflictException({
        code: 'too_many_labels',
        message: `a flag carries at most ${FLAG_MAX_LABELS} labels`,
      });
    }
    await this.repository.append({
      subjectKind: 'flag',
      subjectId: flagId,
      userId: updated.userId,
      actor: operator.userId,
      action: 'label',
      reason: body.reason,
      data: { add: body.add, remove: body.remove, labels: updated.labels },
    });
    this.flagUpdated(updated, 'label', operator.userId);
    return flagView(updated);
  }

  /** The year's crisis referral counts (SB 243's report): nothing that names anyone. */
  crisisReport(year: number) {
    return this.flags.yearlyReport(year);
  }

  /** Counts of flags by status, kind and priority: nothing that names anyone (analysts). */
  async stats() {
    return { flags: await this.flags.flagCounts() };
  }

  // --- actions on users ---------------------------------------------------------------------

  /**
   * An action on the user's account, stored as an event; mute, suspend, ban and their undoing
   * change what the gateway enforces at once (on every pod: it reads the stored row). A warning
   * reaches every device of the user as `notice`; a ban closes their connections.
   */
  async actOnUser(userId: string, operator: Principal, body: UserActionBody) {
    const until =
      body.durationMin === undefined ? null : new Date(Date.now() + body.durationMin * 60_000);
    const event = await this.repository.append({
      subjectKind: 'user',
      subjectId: userId,
      userId,
      actor: operator.userId,
      action: body.action,
      reason: body.reason,
      policy: body.policy,
      until,
    });
    if (body.action === 'warn') {
      this.emitter.toUser(userId, 'notice', {
        kind: 'warning',
        text: body.reason ?? '',
        conversationId: null,
      });
    }
    if (body.action === 'ban') this.emitter.disconnectUser(userId);
    this.logger.log(
      { userId, operatorId: operator.userId, action: body.action, until },
      'moderation action',
    );
    return eventView(event);
  }

  /**
   * Deletes a message (a tombstone: its text erased, out of `sync` and memory) and tells the
   * user's devices with `message:deleted`.
   */
  async deleteMessage(
    messageId: string,
    operator: Principal,
    body: { reason?: string; policy?: string },
  ) {
    const done = await this.messages.tombstone(messageId);
    if (!done)
      throw new NotFoundException({ code: 'message_not_found', message: 'no such message' });
    const { message } = done;
    const event = await this.repository.append({
      subjectKind: 'message',
      subjectId: message.id,
      userId: message.userId,
      actor: operator.userId,
      action: 'delete_message',
      reason: body.reason,
      policy: body.policy,
      data: { conversationId: message.conversationId, role: message.role },
    });
    this.emitter.toUser(message.userId, 'message:deleted', {
      messageId: message.id,
      conversationId: message.conversationId,
    });
    return { ...eventView(event), alreadyDeleted: done.already };
  }

  /** A user's moderation history, newest first (reasons are content: the read is audited). */
  async userHistory(userId: string, operator: Principal, limit: number, before?: string) {
    const events = await this.repository.userEvents(userId, limit, before);
    await this.audit.record({
      operatorId: operator.userId,
      action: 'moderation_history.read',
      targetId: userId,
      subjectUserId: userId,
    });
    const restriction = await this.repository.restriction(userId);
    return {
      userId,
      restriction: restriction && {
        mutedUntil: restriction.mutedUntil?.toISOString() ?? null,
        suspendedUntil: restriction.suspendedUntil?.toISOString() ?? null,
        banned: restriction.banned,
      },
      events: events.map(eventView),
      next: events.length === limit ? (events.at(-1)?.id ?? null) : null,
    };
  }

  async auditLog(limit: number, before?: string) {
    const entries = await this.audit.list(limit, before);
    return {
      entries: entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
      next: entries.length === limit ? (entries.at(-1)?.id ?? null) : null,
    };
  }

  // --- the user's side ----------------------------------------------------------------------

  /**
   * A user reports a message of one of their conversations: a flag (source `report`) for the
   * queue, an event, `flag:new` to operators. Idempotent on clientMsgId.
   */
  async report(user: Principal, payload: unknown): Promise<ReportAck> {
    const input = parsePayload(reportSchema, payload);
    const seen = await this.repository.findByClientMsgId(user.userId, 'report', input.clientMsgId);
    if (seen) {
      return {
        reportId: seen.id,
        flagId: (seen.data?.flagId as string | undefined) ?? null,
        duplicate: true,
      };
    }
    const message = await this.messages.findById(input.messageId);
    if (!message || message.userId !== user.userId) {
      throw new ModerationException(
        ModerationErrorCode.MessageNotFound,
        'no such message in your conversations',
        { clientMsgId: input.clientMsgId, messageId: input.messageId },
      );
    }
    const flag = await this.flags.raiseFlag({
      kind: 'report',
      source: 'report',
      priority: REPORT_PRIORITY,
      severity: null,
      category: 'user_report',
      userId: user.userId,
      conversationId: message.conversationId,
      messageId: message.id,
    });
    const event = await this.repository.append({
      subjectKind: 'message',
      subjectId: message.id,
      userId: user.userId,
      actor: user.userId,
      action: 'report',
      reason: input.reason,
      data: { clientMsgId: input.clientMsgId, flagId: flag.id },
    });
    this.emitter.toOperators('flag:new', toFlagEvent(flag));
    return { reportId: event.id, flagId: flag.id, duplicate: false };
  }

  /** A user appeals an action on their account: stored as an event. Idempotent on clientMsgId. */
  async appeal(user: Principal, payload: unknown): Promise<AppealAck> {
    const input = parsePayload(appealSchema, payload);
    const seen = await this.repository.findByClientMsgId(user.userId, 'appeal', input.clientMsgId);
    if (seen) return { appealId: seen.id, duplicate: true };
    const event = await this.repository.append({
      subjectKind: 'user',
      subjectId: user.userId,
      userId: user.userId,
      actor: user.userId,
      action: 'appeal',
      reason: input.text,
      data: { clientMsgId: input.clientMsgId },
    });
    this.emitter.toOperators('appeal:new', {
      appealId: event.id,
      userId: user.userId,
      at: event.createdAt.toISOString(),
    });
    return { appealId: event.id, duplicate: false };
  }

  /** Appeals by state, oldest first (a page after `after`); the appeal's text is content: audited. */
  async appeals(status: 'open' | 'resolved', operator: Principal, limit: number, after?: string) {
    const rows = await this.repository.appeals(status, limit, after);
    await this.audit.record({
      operatorId: operator.userId,
      action: 'appeals.read',
      targetId: status,
      subjectUserId: null,
    });
    return {
      appeals: rows.map(appealView),
      next: rows.length === limit ? (rows.at(-1)?.appeal.id ?? null) : null,
    };
  }

  /**
   * Answers an appeal (`upheld`: the action stands; `overturned`: it is withdrawn; lifting a
   * restriction stays its own action, so it is written down as such). The comment reaches the
   * user as `notice { kind: 'appeal_resolved' }` and in `GET /v1/me/moderation`.
   */
  async resolveAppeal(
    appealId: string,
    operator: Principal,
    body: { outcome: 'upheld' | 'overturned'; comment: string; policy?: string },
  ) {
    const found = await this.repository.appeal(appealId);
    if (!found)
      throw new NotFoundException({ code: 'appeal_not_found', message: 'no such appeal' });
    const resolution = await this.repository.resolveAppeal({
      subjectKind: 'user',
      subjectId: found.appeal.userId,
      userId: found.appeal.userId,
      actor: operator.userId,
      action: 'appeal_resolved',
      reason: body.comment,
      policy: body.policy,
      data: { appealId, outcome: body.outcome },
    });
    if (!resolution) {
      throw new ConflictException({
        code: 'appeal_already_resolved',
        message: 'this appeal has an answer',
      });
    }
    this.emitter.toUser(found.appeal.userId, 'notice', {
      kind: 'appeal_resolved',
      text: body.comment,
      conversationId: null,
    });
    return appealView({ appeal: found.appeal, resolution });
  }

  /** What was done about the user's account, newest first, without who did it. */
  async mine(userId: string, limit: number) {
    const events = await this.repository.userEvents(userId, limit, undefined, SHOWN_TO_USER);
    return {
      actions: events.map((e) => ({
        action: e.action,
        reason: e.reason,
        ...(e.action === 'appeal_resolved'
          ? { appealId: e.data?.appealId ?? null, outcome: e.data?.outcome ?? null }
          : {}),
        until: e.until?.toISOString() ?? null,
        createdAt: e.createdAt.toISOString(),
      })),
    };
  }

  // --- account ------------------------------------------------------------------------------

  exportUserData(userId: string) {
    return this.repository.exportUserData(userId);
  }

  deleteUserData(userId: string) {
    return this.repository.deleteUserData(userId);
  }

  private async requireFlag(id: string): Promise<Flag> {
    const flag = await this.flags.findFlag(id);
    if (!flag) throw flagNotFound();
    return flag;
  }

  private flagUpdated(flag: Flag, action: FlagUpdatedEvent['action'], actor: string): void {
    this.emitter.toOperators('flag:updated', {
      flagId: flag.id,
      status: flag.status,
      assignee: flag.assignee,
      claimExpiresAt: flag.claimExpiresAt?.toISOString() ?? null,
      action,
      actor,
      at: new Date().toISOString(),
    });
  }
}

function flagNotFound(): NotFoundException {
  return new NotFoundException({ code: 'flag_not_found', message: 'no such flag' });
}

function flagView(flag: Flag) {
  return {
    id: flag.id,
    kind: flag.kind,
    source: flag.source,
    priority: flag.priority,
    severity: flag.severity,
    category: flag.category,
    status: flag.status,
    // What the flag is about: a user's pattern (repeated refusals) is about the user; the rest
    // about one message (its conversation and user come with it).
    subject:
      flag.kind === 'repeated_refusals'
        ? { kind: 'user' as const, id: flag.userId }
        : { kind: 'message' as const, id: flag.messageId },
    userId: flag.userId,
    conversationId: flag.conversationId,
    messageId: flag.messageId,
    assignee: flag.assignee,
    claimExpiresAt: flag.claimExpiresAt?.toISOString() ?? null,
    slaDueAt: flag.slaDueAt?.toISOString() ?? null,
    labels: flag.labels,
    createdAt: flag.createdAt.toISOString(),
  };
}

function appealView(a: { appeal: ModerationEvent; resolution: ModerationEvent | null }) {
  return {
    id: a.appeal.id,
    userId: a.appeal.userId,
    text: a.appeal.reason,
    createdAt: a.appeal.createdAt.toISOString(),
    resolution: a.resolution && {
      outcome: (a.resolution.data?.outcome as string | undefined) ?? null,
      comment: a.resolution.reason,
      actor: a.resolution.actor,
      createdAt: a.resolution.createdAt.toISOString(),
    },
  };
}

function eventView(e: ModerationEvent) {
  return {
    id: e.id,
    subjectKind: e.subjectKind,
    subjectId: e.subjectId,
    userId: e.userId,
    actor: e.actor,
    action: e.action,
    reason: e.reason,
    policy: e.policy,
    until: e.until?.toISOString() ?? null,
    data: e.data,
    createdAt: e.createdAt.toISOString(),
  };
}

/** Postgres's text form of a timestamptz (microseconds kept). */
const TIMESTAMP = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:?\d\d)?|Z)?$/;

/** The queue's cursor: the last flag's sort key, opaque to clients. */
export function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify([c.priority, c.createdAt, c.id])).toString('base64url');
}

export function decodeCursor(cursor: string): QueueCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 3 &&
      Number.isInteger(v[0]) &&
      typeof v[1] === 'string' &&
      TIMESTAMP.test(v[1]) &&
      typeof v[2] === 'string' &&
      /^[0-9a-f-]{36}$/i.test(v[2])
    ) {
      return { priority: v[0] as number, createdAt: v[1], id: v[2] };
    }
  } catch {
    // falls through to the refusal
  }
  throw new BadRequestException({
    code: 'invalid_cursor',
    message: 'cursor is not one this API gave',
  });
}

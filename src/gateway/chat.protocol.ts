import { z } from 'zod';
import type { ErrorContext } from '../common/coded-error.js';
import type { ConversationErrorCode } from '../conversation/conversation.exception.js';
import type { MessageKind, MessageRole, MessageStatus } from '../conversation/message.entity.js';
import type { TurnErrorCode } from '../turn/turn.exception.js';
import type {
  VoiceAnalysisEvent,
  VoiceErrorCode,
  VoiceTranscriptEvent,
} from '../voice/voice.protocol.js';
import type { ModerationErrorCode } from '../moderation/moderation.exception.js';
import type { GatewayErrorCode } from './chat.exception.js';

/** Protocol v1 of the `/chat` namespace. docs/protocol.md is the contract; keep them in step. */
export const PROTOCOL_VERSION = 1;

const clientMsgId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const sendMessageSchema = z
  .object({
    clientMsgId,
    conversationId: z.string().uuid().optional(),
    text: z.string(),
  })
  .strict();
export type SendMessage = z.infer<typeof sendMessageSchema>;

export const syncSchema = z
  .object({
    conversationId: z.string().uuid(),
    afterSeq: z.number().int().min(0),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type SyncRequest = z.infer<typeof syncSchema>;

export const cancelSchema = z.object({ replyId: z.string().uuid() }).strict();

export const refreshSchema = z.object({ token: z.string().min(1).max(8192) }).strict();

export interface RefreshAck {
  /** When the new token expires (seconds since the epoch); the connection lasts until then. */
  expiresAt: number;
}
export type CancelRequest = z.infer<typeof cancelSchema>;

/** A stored message as clients see it. */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  role: MessageRole;
  kind: MessageKind;
  content: string;
  status: MessageStatus;
  clientMsgId: string | null;
  inReplyTo: string | null;
  /**
   * Who wrote it: `user`; for replies `model`, `protocol` (the pre-written crisis reply, never
   * the model) or `operator` (a person who stepped in).
   */
  source: 'user' | 'model' | 'protocol' | 'operator';
  model: string | null;
  errorCode: string | null;
  /** The output check withheld part of this reply; what the user sees ends with a safe line. */
  withheld?: true;
  /**
   * Another version of this reply (same `inReplyTo`: a regenerate, or the version the user
   * chose) is the one the conversation shows; this one is kept.
   */
  replaced?: true;
  createdAt: string;
  completedAt: string | null;
}

/**
 * Every error code of the protocol: stable, clients switch on these (never on the text). Each
 * module owns its codes; docs/protocol.md lists them all.
 */
export type ErrorCode =
  GatewayErrorCode | ConversationErrorCode | TurnErrorCode | VoiceErrorCode | ModerationErrorCode;

export interface ErrorBody extends ErrorContext {
  code: ErrorCode;
  message: string;
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

export interface SendAck {
  messageId: string;
  conversationId: string;
  seq: number;
  /** True when this clientMsgId was already stored: nothing new was created. */
  duplicate: boolean;
}

export interface SyncAck {
  conversationId: string;
  messages: MessageView[];
  /** More messages follow: ask again with afterSeq = the last seq received. */
  hasMore: boolean;
  lastSeq: number;
}

export interface CancelAck {
  replyId: string;
}

/**
 * How the user message a reply answers seems to have been meant and said: labels from
 * src/affect (joy, calm, sadness, loneliness, fatigue, anxiety, anger, frustration, neutral),
 * valence and arousal -1..1, confidence 0..1, `incongruence` when words and voice disagree, and
 * short reasons in English and Chinese. Cues, never diagnoses.
 */
export interface AffectView {
  label: string;
  valence: number;
  arousal: number;
  confidence: number;
  hedged: boolean;
  incongruence: string | null;
  evidence: Array<{ code: string; source: string; en: string; zh: string }>;
}

/**
 * A forget the user's message asked for, carried out before the reply: what it took out of the
 * companion's memory, and until when `POST /v1/me/forgets/{forgetId}/undo` brings it back.
 */
export interface MemoryForgottenEvent {
  forgetId: string;
  conversationId: string;
  /** The message that asked. */
  messageId: string;
  scope: 'last' | 'topic';
  /** The words the user named (topic forgets). */
  topic: string | null;
  /** Memories deleted. */
  memories: number;
  /** Messages (what was said and the replies to it) no longer remembered. */
  messages: number;
  undoUntil: string;
}

/**
 * What the user must be told: that they talk to an AI (at the start of every session and every
 * few hours), that it is time for a break (docs/safety.md), or a moderator's warning about their
 * account (`conversationId` null; docs/operator.md). Show `text` as it is.
 */
export interface NoticeEvent {
  kind:
    | 'ai_disclosure'
    | 'break_reminder'
    | 'warning'
    | 'appeal_resolved'
    | 'operator_joined'
    | 'operator_left';
  text: string;
  conversationId: string | null;
}

/** A message an operator deleted: the app removes it from the conversation it shows. */
export interface MessageDeletedEvent {
  messageId: string;
  conversationId: string;
}

/** Every server-to-client event and its payload. */
export interface ClientEventMap {
  'message:new': { message: MessageView };
  'reply:start': {
    replyId: string;
    conversationId: string;
    inReplyTo: string;
    seq: number;
    /** Null when no affect could be assessed. */
    affect: AffectView | null;
  };
  'reply:delta': { replyId: string; index: number; text: string };
  'reply:end': { replyId: string; message: MessageView };
  'voice:transcript': VoiceTranscriptEvent;
  'voice:analysis': VoiceAnalysisEvent;
  'memory:forgotten': MemoryForgottenEvent;
  notice: NoticeEvent;
  'message:deleted': MessageDeletedEvent;
  error: ErrorBody;
}

/**
 * A flag raised for operators (`/operator`, docs/safety.md, docs/operator.md): a crisis, a
 * withheld reply, or a user's report.
 */
export interface FlagEvent {
  flagId: string;
  kind: 'crisis' | 'output_blocked' | 'report' | 'rule' | 'repeated_refusals';
  source: 'crisis' | 'output_blocked' | 'report' | 'rule' | 'repeated_refusals';
  /** 1 is the most urgent; a crisis is always 1. */
  priority: number;
  /** A crisis's level (`critical`, `high`); null for other flags. */
  severity: string | null;
  category: string;
  userId: string;
  conversationId: string;
  messageId: string;
  createdAt: string;
}

/** Every server-to-operator event of `/operator` and its payload. */
export interface OperatorEventMap {
  'flag:new': FlagEvent;
  'flag:updated': FlagUpdatedEvent;
  'takeover:message': TakeoverMessageEvent;
  'takeover:changed': TakeoverChangedEvent;
  'appeal:new': { appealId: string; userId: string; at: string };
}

/**
 * The user wrote in a conversation an operator has taken over: the model was not asked. Ids
 * only; the console reads the conversation (an audited read) to show the words.
 */
export interface TakeoverMessageEvent {
  conversationId: string;
  userId: string;
  operatorId: string;
  messageIds: string[];
  at: string;
}

/** A conversation was taken over (`operatorId` set) or handed back to the model (null). */
export interface TakeoverChangedEvent {
  conversationId: string;
  userId: string;
  operatorId: string | null;
  actor: string;
  at: string;
}

/** A flag's review changed: claimed, escalated or resolved (docs/operator.md). */
export interface FlagUpdatedEvent {
  flagId: string;
  status: 'open' | 'escalated' | 'closed';
  assignee: string | null;
  claimExpiresAt: string | null;
  /** What changed it. */
  action: 'claim' | 'escalate' | 'resolve' | 'label';
  /** The operator who did it. */
  actor: string;
  at: string;
}

import { CodedError } from '../common/coded-error.js';

/** Refusals that come from moderation: restrictions in force, and the user's reports. */
export enum ModerationErrorCode {
  /** The user may not send messages until `until`. */
  Muted = 'muted',
  /** The account is suspended until `until`: it may read, not send. */
  Suspended = 'suspended',
  /** The account is banned (also the handshake's `connect_error`). */
  Banned = 'banned',
  /** A rule admins manage refuses the message; `message` is the rule's reason for the user. */
  BlockedByRule = 'blocked_by_rule',
  /** A report of a message that is not in one of the user's conversations (or does not exist). */
  MessageNotFound = 'message_not_found',
}

export class ModerationException extends CodedError<ModerationErrorCode> {}

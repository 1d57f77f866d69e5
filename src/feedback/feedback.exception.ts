import { CodedError } from '../common/coded-error.js';

/** Refusals of reactions to replies (docs/protocol.md). */
export enum FeedbackErrorCode {
  /** No such reply (or it was deleted). */
  ReplyNotFound = 'reply_not_found',
  /** The reply is another user's: nobody rates, edits, regenerates or chooses it but its user. */
  ReplyNotOwned = 'reply_not_owned',
  /** The reply is still streaming: react once it ended. */
  ReplyStreaming = 'reply_streaming',
  /** Only the conversation's latest reply can be regenerated. */
  ReplyNotLatest = 'reply_not_latest',
  /** Only the model's replies are regenerated: not a crisis protocol reply nor an operator's. */
  ReplyNotRegenerable = 'reply_not_regenerable',
  /** An edit with no text, or longer than the limit. */
  EditEmpty = 'edit_empty',
  EditTooLong = 'edit_too_long',
}

export class FeedbackException extends CodedError<FeedbackErrorCode> {}

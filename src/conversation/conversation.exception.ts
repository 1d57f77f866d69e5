import { CodedError } from '../common/coded-error.js';

export enum ConversationErrorCode {
  /** Also the answer for another user's conversation: ids are not probeable. */
  NotFound = 'conversation_not_found',
}

export class ConversationException extends CodedError<ConversationErrorCode> {}

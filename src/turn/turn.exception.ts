import { CodedError } from '../common/coded-error.js';

/** How a turn can end without a completed reply, and refusals of reply operations. */
export enum TurnErrorCode {
  /** No place at the model now (this pod's line is full, or the endpoint said 429/503). */
  Busy = 'busy',
  ModelError = 'model_error',
  ModelTimeout = 'model_timeout',
  /** The process serving the reply stopped (crash, deploy past its grace) or gave up on it. */
  ReplyInterrupted = 'reply_interrupted',
  ReplyNotFound = 'reply_not_found',
  ReplyNotActive = 'reply_not_active',
  Internal = 'internal',
}

export class TurnException extends CodedError<TurnErrorCode> {}

/** What the user is told when a reply did not complete; every one says the message is kept. */
export function describeFailure(code: string): string {
  switch (code as TurnErrorCode) {
    case TurnErrorCode.Busy:
      return 'the companion is busy right now; your message is saved, send it again in a moment';
    case TurnErrorCode.ModelTimeout:
      return 'the reply took too long; your message is saved, send it again to retry';
    case TurnErrorCode.ReplyInterrupted:
      return 'the reply was interrupted; your message is saved, send it again to retry';
    case TurnErrorCode.Internal:
      return 'something went wrong on our side; your message is saved, send it again to retry';
    default:
      return 'the companion could not reply; your message is saved, send it again to retry';
  }
}

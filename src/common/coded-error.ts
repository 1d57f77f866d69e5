/** The requests and records an error concerns, so that a client can tell what it answers. */
export interface ErrorContext {
  clientMsgId?: string;
  messageId?: string;
  replyId?: string;
  conversationId?: string;
  retryAfterMs?: number;
  /** Until when a restriction (mute, suspension) runs, ISO 8601. */
  until?: string;
}

/**
 * An error with a stable code that clients switch on (never on the message text). Each module
 * has its own code enum and subclass; the gateway turns any CodedError into the socket `error`
 * event and the ack (src/gateway/ws-respond.ts), in one place.
 */
export class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly context: ErrorContext = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): { code: C; message: string } & ErrorContext {
    return { code: this.code, message: this.message, ...this.context };
  }
}

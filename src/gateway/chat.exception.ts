import { z } from 'zod';
import { CodedError } from '../common/coded-error.js';

/** Refusals of the gateway itself: before a message is stored or a request reaches a module. */
export enum GatewayErrorCode {
  InvalidPayload = 'invalid_payload',
  TextTooLong = 'text_too_long',
  TextEmpty = 'text_empty',
  RateLimited = 'rate_limited',
  /** This process is draining (deploy, scale-in): reconnect and send again. */
  Unavailable = 'unavailable',
  TokenExpired = 'token_expired',
  /** A token that does not verify, or that is another user's (auth:refresh). */
  Unauthorized = 'unauthorized',
  /** An unexpected failure; the message carries an id that the logs carry too. */
  Internal = 'internal',
}

/** A refusal of the gateway, with its stable code. */
export class ChatException extends CodedError<GatewayErrorCode> {}

/** Parses a socket payload or refuses it with `invalid_payload` and what was wrong. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  const clientMsgId =
    typeof payload === 'object' && payload !== null && 'clientMsgId' in payload
      ? String(payload.clientMsgId).slice(0, 128)
      : undefined;
  throw new ChatException(
    GatewayErrorCode.InvalidPayload,
    `${where}${first?.message ?? 'invalid'}`,
    { clientMsgId },
  );
}

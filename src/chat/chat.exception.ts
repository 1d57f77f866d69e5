import { z } from 'zod';
import { ChatErrorCode, type ErrorBody, type ErrorCode } from './chat.protocol.js';

/** A refusal the client should hear about, with its stable code (chat or voice). */
export class ChatException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Omit<ErrorBody, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'ChatException';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

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
  throw new ChatException(ChatErrorCode.InvalidPayload, `${where}${first?.message ?? 'invalid'}`, {
    clientMsgId,
  });
}

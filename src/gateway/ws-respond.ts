import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { CodedError } from '../common/coded-error.js';
import type { ClientEmitter } from './client-emitter.js';
import { GatewayErrorCode } from './chat.exception.js';
import type { Ack, ErrorBody, ErrorCode } from './chat.protocol.js';

const logger = new Logger('Gateway');

/**
 * Runs a socket operation and turns its result into the ack: the one place where errors become
 * protocol. A coded refusal of any module goes both ways: in the ack (`ok: false`) and as an
 * `error` event to the socket, for clients that do not use acks. Unexpected failures become
 * `internal` with a correlation id the logs carry too.
 */
export async function respond<T extends object>(
  socket: Socket,
  emitter: ClientEmitter,
  event: string,
  run: () => Promise<T>,
): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await run()) };
  } catch (e) {
    let body: ErrorBody;
    if (e instanceof CodedError) {
      body = { ...e.context, code: e.code as ErrorCode, message: e.message };
    } else {
      const errorId = `${socket.id}:${Date.now().toString(36)}`;
      logger.error(
        { event, errorId, userId: (socket.data as { userId?: string }).userId, err: String(e) },
        'socket operation failed',
      );
      body = {
        code: GatewayErrorCode.Internal,
        message: `something went wrong (${errorId}); try again`,
      };
    }
    emitter.toSocket(socket, 'error', body);
    return { ok: false, error: body };
  }
}

import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { ChatEmitter } from './chat-emitter.js';
import { ChatException } from './chat.exception.js';
import { ChatErrorCode, type Ack, type ErrorBody } from './chat.protocol.js';

const logger = new Logger('ChatGateway');

/**
 * Runs a socket operation and turns its result into the ack. A refusal goes both ways: in the
 * ack (`ok: false`) and as an `error` event to the socket, for clients that do not use acks.
 * Unexpected failures become `internal` with a correlation id the logs carry too.
 */
export async function respond<T extends object>(
  socket: Socket,
  emitter: ChatEmitter,
  event: string,
  run: () => Promise<T>,
): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await run()) };
  } catch (e) {
    let body: ErrorBody;
    if (e instanceof ChatException) {
      body = e.toBody();
    } else {
      const errorId = `${socket.id}:${Date.now().toString(36)}`;
      logger.error(
        { event, errorId, userId: (socket.data as { userId?: string }).userId, err: String(e) },
        'socket operation failed',
      );
      body = {
        code: ChatErrorCode.Internal,
        message: `something went wrong (${errorId}); try again`,
      };
    }
    emitter.toSocket(socket, 'error', body);
    return { ok: false, error: body };
  }
}

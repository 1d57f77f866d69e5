import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { ClientEventMap } from './chat.protocol.js';
import { Metrics } from '../observability/metrics.js';

export const userRoom = (userId: string) => `user:${userId}`;

/**
 * The one way the service talks to clients: typed events to a user's room (every device of the
 * user, on every pod through the Redis adapter) or to one socket.
 */
@Injectable()
export class ChatEmitter {
  private namespace: Namespace | null = null;

  constructor(private readonly metrics: Metrics) {}

  bind(namespace: Namespace): void {
    this.namespace = namespace;
  }

  toUser<E extends keyof ClientEventMap>(
    userId: string,
    event: E,
    payload: ClientEventMap[E],
  ): void {
    if (event === 'error')
      this.metrics.errors.inc({ code: (payload as ClientEventMap['error']).code });
    this.namespace?.to(userRoom(userId)).emit(event, payload);
  }

  /** To the user's other devices: everyone in the room but this socket. */
  toOtherDevices<E extends keyof ClientEventMap>(
    socket: Socket,
    userId: string,
    event: E,
    payload: ClientEventMap[E],
  ): void {
    socket.to(userRoom(userId)).emit(event, payload);
  }

  toSocket<E extends keyof ClientEventMap>(
    socket: Socket,
    event: E,
    payload: ClientEventMap[E],
  ): void {
    if (event === 'error')
      this.metrics.errors.inc({ code: (payload as ClientEventMap['error']).code });
    socket.emit(event, payload);
  }

  /** Asks every pod (through the adapter) to run a server-side handler, e.g. cancel a reply. */
  broadcastToPods(event: string, payload: unknown): void {
    this.namespace?.serverSideEmit(event, payload);
  }
}

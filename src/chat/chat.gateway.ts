import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { ChatEmitter, userRoom } from './chat-emitter.js';
import { ChatErrorCode } from './chat.protocol.js';
import { CANCEL_ON_POD, ChatService } from './chat.service.js';
import { ConnectionGuard, type SocketData } from './connection-guard.js';
import { respond } from './ws-respond.js';
import { Metrics } from '../observability/metrics.js';

/** Longest a timer may run in Node (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Namespace /chat, protocol v1 (docs/protocol.md). Handlers forward to ChatService. */
@WebSocketGateway({ namespace: '/chat' })
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(
    private readonly chat: ChatService,
    private readonly emitter: ChatEmitter,
    private readonly guard: ConnectionGuard,
    private readonly metrics: Metrics,
  ) {}

  afterInit(namespace: Namespace): void {
    this.emitter.bind(namespace);
    namespace.use((socket, next) => this.guard.admit(socket, next));
    namespace.on(CANCEL_ON_POD, (payload: unknown) => this.chat.onPodCancel(payload));
  }

  async handleConnection(socket: Socket): Promise<void> {
    const data = socket.data as SocketData;
    await socket.join(userRoom(data.userId));
    this.metrics.connections.inc();
    if (data.expiresAt) {
      const ms = Math.min(data.expiresAt * 1000 - Date.now(), MAX_TIMER_MS);
      data.expiryTimer = setTimeout(() => {
        this.emitter.toSocket(socket, 'error', {
          code: ChatErrorCode.TokenExpired,
          message: 'the session token expired; reconnect with a fresh one',
        });
        socket.disconnect(true);
      }, ms);
    }
    this.logger.debug({ connId: socket.id, userId: data.userId }, 'connected');
  }

  handleDisconnect(socket: Socket): void {
    const data = socket.data as Partial<SocketData>;
    if (!data.userId) return;
    clearTimeout(data.expiryTimer);
    this.metrics.connections.dec();
  }

  @SubscribeMessage('message:send')
  send(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'message:send', () =>
      this.chat.send(principal(socket), socket, body),
    );
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'sync', () => this.chat.sync(principal(socket), body));
  }

  @SubscribeMessage('reply:cancel')
  cancel(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'reply:cancel', () =>
      this.chat.cancel(principal(socket), body),
    );
  }
}

function principal(socket: Socket) {
  const data = socket.data as SocketData;
  return { userId: data.userId, roles: data.roles, expiresAt: data.expiresAt };
}

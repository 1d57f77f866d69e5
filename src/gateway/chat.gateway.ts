import { Logger, type OnModuleDestroy } from '@nestjs/common';
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
import { FeedbackService } from '../feedback/feedback.service.js';
import { Metrics } from '../observability/metrics.js';
import { GatewayErrorCode } from './chat.exception.js';
import { CANCEL_ON_POD, ChatService } from './chat.service.js';
import { ClientEmitter, userRoom } from './client-emitter.js';
import { ConnectionGuard } from './connection-guard.js';
import { principalOf, type SocketData } from './socket-data.js';
import { UserPresence } from './user-presence.js';
import { respond } from './ws-respond.js';

/** How often connections are checked for an expired token (one sweep instead of a timer each). */
const EXPIRY_SWEEP_MS = 15_000;

/** Namespace /chat, protocol v1 (docs/protocol.md). Handlers forward to ChatService. */
@WebSocketGateway({ namespace: '/chat' })
export class ChatGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger(ChatGateway.name);
  private expirySweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly chat: ChatService,
    private readonly emitter: ClientEmitter,
    private readonly guard: ConnectionGuard,
    private readonly metrics: Metrics,
    private readonly feedback: FeedbackService,
    private readonly presence: UserPresence,
  ) {}

  afterInit(namespace: Namespace): void {
    this.emitter.bind(namespace);
    namespace.use((socket, next) => this.guard.admitChat(socket, next));
    namespace.on(CANCEL_ON_POD, (payload: unknown) => this.chat.onPodCancel(payload));
    this.expirySweep = setInterval(() => this.disconnectExpired(namespace), EXPIRY_SWEEP_MS);
    this.expirySweep.unref();
  }

  onModuleDestroy(): void {
    if (this.expirySweep) clearInterval(this.expirySweep);
  }

  async handleConnection(socket: Socket): Promise<void> {
    const data = socket.data as SocketData;
    await socket.join(userRoom(data.userId));
    data.present = true;
    await this.presence.socketJoined(data.userId);
    this.metrics.connections.inc();
    // Tokens run for hours: a sweep every 15 s ends them. One about to expire gets its own timer.
    const left = data.expiresAt * 1000 - Date.now();
    if (left < EXPIRY_SWEEP_MS)
      setTimeout(() => this.disconnectIfExpired(socket), Math.max(0, left) + 50);
    this.logger.debug({ connId: socket.id, userId: data.userId }, 'connected');
  }

  handleDisconnect(socket: Socket): void {
    const data = socket.data as Partial<SocketData>;
    if (!data.userId) return;
    if (data.present) this.presence.socketLeft(data.userId);
    this.metrics.connections.dec();
  }

  @SubscribeMessage('message:send')
  send(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'message:send', () =>
      this.chat.send(principalOf(socket), socket, body),
    );
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'sync', () => this.chat.sync(principalOf(socket), body));
  }

  @SubscribeMessage('auth:refresh')
  refresh(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'auth:refresh', () =>
      Promise.resolve(this.chat.refresh(socket, body)),
    );
  }

  @SubscribeMessage('reply:cancel')
  cancel(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'reply:cancel', () =>
      this.chat.cancel(principalOf(socket), body),
    );
  }

  @SubscribeMessage('feedback:send')
  rate(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'feedback:send', () =>
      this.feedback.rate(principalOf(socket), body),
    );
  }

  @SubscribeMessage('reply:regenerate')
  regenerate(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'reply:regenerate', () =>
      this.chat.regenerate(principalOf(socket), socket, body),
    );
  }

  @SubscribeMessage('reply:choose')
  choose(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'reply:choose', () =>
      this.feedback.choose(principalOf(socket), body),
    );
  }

  @SubscribeMessage('reply:edit')
  edit(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'reply:edit', () =>
      this.feedback.edit(principalOf(socket), body),
    );
  }

  /** Ends connections whose token has expired, telling them why. */
  private disconnectExpired(namespace: Namespace): void {
    for (const socket of namespace.sockets.values()) this.disconnectIfExpired(socket);
  }

  private disconnectIfExpired(socket: Socket): void {
    const { expiresAt } = socket.data as SocketData;
    if (!socket.connected || expiresAt * 1000 > Date.now()) return;
    this.emitter.toSocket(socket, 'error', {
      code: GatewayErrorCode.TokenExpired,
      message: 'the session token expired; send auth:refresh before it does, or reconnect',
    });
    socket.disconnect(true);
  }
}

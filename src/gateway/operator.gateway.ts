import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { GatewayErrorCode } from './chat.exception.js';
import { ClientEmitter, OPERATORS_ROOM } from './client-emitter.js';
import { ConnectionGuard } from './connection-guard.js';
import type { SocketData } from './socket-data.js';

const EXPIRY_SWEEP_MS = 15_000;

/**
 * Namespace /operator: moderators and admins (JWT `roles`) receive `flag:new` for every crisis
 * and every withheld reply, on whichever pod raised it (docs/safety.md). Nothing is sent from
 * the operator to the server here; the operator API is HTTP.
 */
@WebSocketGateway({ namespace: '/operator' })
export class OperatorGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(OperatorGateway.name);
  private expirySweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly emitter: ClientEmitter,
    private readonly guard: ConnectionGuard,
  ) {}

  afterInit(namespace: Namespace): void {
    this.emitter.bindOperators(namespace);
    namespace.use((socket, next) => this.guard.admitOperator(socket, next));
    this.expirySweep = setInterval(() => {
      for (const socket of namespace.sockets.values()) {
        const { expiresAt } = socket.data as SocketData;
        if (expiresAt * 1000 > Date.now()) continue;
        socket.emit('error', {
          code: GatewayErrorCode.TokenExpired,
          message: 'the session token expired; reconnect with a fresh one',
        });
        socket.disconnect(true);
      }
    }, EXPIRY_SWEEP_MS);
    this.expirySweep.unref();
  }

  onModuleDestroy(): void {
    if (this.expirySweep) clearInterval(this.expirySweep);
  }

  async handleConnection(socket: Socket): Promise<void> {
    await socket.join(OPERATORS_ROOM);
    this.logger.log({ operatorId: (socket.data as SocketData).userId }, 'operator connected');
  }
}

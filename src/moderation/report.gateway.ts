import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { principalOf } from '../gateway/socket-data.js';
import { respond } from '../gateway/ws-respond.js';
import { ModerationService } from './moderation.service.js';

/** Reports and appeals on the /chat namespace (docs/protocol.md). Admission is ChatGateway's. */
@WebSocketGateway({ namespace: '/chat' })
export class ReportGateway {
  constructor(
    private readonly moderation: ModerationService,
    private readonly emitter: ClientEmitter,
  ) {}

  @SubscribeMessage('report:send')
  report(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'report:send', () =>
      this.moderation.report(principalOf(socket), body),
    );
  }

  @SubscribeMessage('appeal:send')
  appeal(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'appeal:send', () =>
      this.moderation.appeal(principalOf(socket), body),
    );
  }
}

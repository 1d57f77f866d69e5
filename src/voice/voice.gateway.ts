import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { ChatEmitter } from '../chat/chat-emitter.js';
import type { SocketData } from '../chat/connection-guard.js';
import { respond } from '../chat/ws-respond.js';
import { VoiceService } from './voice.service.js';

/** Voice uploads on the /chat namespace (protocol v1, docs/protocol.md). Admission is ChatGateway's. */
@WebSocketGateway({ namespace: '/chat' })
export class VoiceGateway {
  constructor(
    private readonly voice: VoiceService,
    private readonly emitter: ChatEmitter,
  ) {}

  @SubscribeMessage('voice:start')
  start(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'voice:start', () =>
      this.voice.start(principal(socket), body),
    );
  }

  @SubscribeMessage('voice:chunk')
  chunk(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'voice:chunk', () =>
      this.voice.chunk(principal(socket), body),
    );
  }

  @SubscribeMessage('voice:end')
  end(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'voice:end', () =>
      this.voice.end(principal(socket), socket, body),
    );
  }
}

function principal(socket: Socket) {
  const data = socket.data as SocketData;
  return { userId: data.userId, roles: data.roles, expiresAt: data.expiresAt };
}

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
import { VoiceService } from './voice.service.js';

/** Voice uploads on the /chat namespace (protocol v1, docs/protocol.md). Admission is ChatGateway's. */
@WebSocketGateway({ namespace: '/chat' })
export class VoiceGateway {
  constructor(
    private readonly voice: VoiceService,
    private readonly emitter: ClientEmitter,
  ) {}

  @SubscribeMessage('voice:start')
  start(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'voice:start', () =>
      this.voice.start(principalOf(socket), body),
    );
  }

  @SubscribeMessage('voice:chunk')
  chunk(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'voice:chunk', () =>
      this.voice.chunk(principalOf(socket), body),
    );
  }

  @SubscribeMessage('voice:end')
  end(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return respond(socket, this.emitter, 'voice:end', () =>
      this.voice.end(principalOf(socket), socket, body),
    );
  }
}

import { Module } from '@nestjs/common';
import { ClientEmitter } from './client-emitter.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { UserPresence } from './user-presence.js';

/**
 * What every module that talks to clients needs, without the socket handlers: the typed emitter
 * (socket server or Redis emitter), where each user's sockets are, and the per-user message limit. Imported by turn/, voice/ and
 * the gateway; it depends on nothing of theirs.
 */
@Module({
  providers: [ClientEmitter, MessageRateLimiter, UserPresence],
  exports: [ClientEmitter, MessageRateLimiter, UserPresence],
})
export class RealtimeModule {}

import { Module } from '@nestjs/common';
import { ClientEmitter } from './client-emitter.js';
import { MessageRateLimiter } from './message-rate-limiter.js';

/**
 * What every module that talks to clients needs, without the socket handlers: the typed emitter
 * (socket server or Redis emitter) and the per-user message limit. Imported by turn/, voice/ and
 * the gateway; it depends on nothing of theirs.
 */
@Module({
  providers: [ClientEmitter, MessageRateLimiter],
  exports: [ClientEmitter, MessageRateLimiter],
})
export class RealtimeModule {}

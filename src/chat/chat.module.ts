import { Module } from '@nestjs/common';
import { ChatEmitter } from './chat-emitter.js';
import { ChatGateway } from './chat.gateway.js';
import { ChatService } from './chat.service.js';
import { ConnectionGuard } from './connection-guard.js';
import { ConversationRollupJob } from './conversation-rollup.job.js';
import { ConversationService } from './conversation.service.js';
import { MessageRepository } from './message.repository.js';
import { MessageRateLimiter } from './rate-limiter.js';
import { ReplyRecoveryService } from './reply-recovery.service.js';
import { ReplyService } from './reply.service.js';

@Module({
  providers: [
    ChatGateway,
    ChatService,
    ChatEmitter,
    ConnectionGuard,
    MessageRepository,
    MessageRateLimiter,
    ReplyService,
    ReplyRecoveryService,
    ConversationService,
    ConversationRollupJob,
  ],
  exports: [ReplyService, MessageRepository, ChatEmitter, MessageRateLimiter],
})
export class ChatModule {}

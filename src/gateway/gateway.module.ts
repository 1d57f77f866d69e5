import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module.js';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { PromptingModule } from '../prompting/prompting.module.js';
import { TurnModule } from '../turn/turn.module.js';
import { ChatGateway } from './chat.gateway.js';
import { ChatService } from './chat.service.js';
import { ConnectionGuard } from './connection-guard.js';
import { OperatorGateway } from './operator.gateway.js';
import { RealtimeModule } from './realtime.module.js';

/**
 * The `/chat` namespace (ROLE=gateway or all): the handshake, the chat events and their acks.
 * A text message is stored through conversation/ and handed to turn/. And `/operator`, where
 * moderators and admins receive safety flags.
 */
@Module({
  imports: [
    RealtimeModule,
    ConversationModule,
    TurnModule,
    PromptingModule,
    ModerationModule,
    FeedbackModule,
  ],
  providers: [ChatGateway, OperatorGateway, ChatService, ConnectionGuard],
})
export class GatewayModule {}

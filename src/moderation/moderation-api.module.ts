import { Module } from '@nestjs/common';
import { AffectModule } from '../affect/affect.module.js';
import { ConversationModule } from '../conversation/conversation.module.js';
import { MemoryModule } from '../memory/memory.module.js';
import { OperatorAuditModule } from '../operator/operator-audit.module.js';
import { RealtimeModule } from '../gateway/realtime.module.js';
import { ModerationModule } from './moderation.module.js';
import { MyModerationController } from './my-moderation.controller.js';
import { ModerationRepository } from './moderation.repository.js';
import { OperatorConversationsController } from './operator-conversations.controller.js';
import { OperatorConversationsService } from './operator-conversations.service.js';
import { OperatorModerationController } from './operator-moderation.controller.js';
import { OperatorRolesGuard } from './operator-roles.guard.js';
import { ReportGateway } from './report.gateway.js';
import { ModerationRulesController } from './rules/moderation-rules.controller.js';

/** The moderation API for processes that serve: operator routes, `/v1/me/moderation`, reports. */
@Module({
  imports: [
    ModerationModule,
    RealtimeModule,
    ConversationModule,
    AffectModule,
    MemoryModule,
    OperatorAuditModule,
  ],
  controllers: [
    OperatorModerationController,
    OperatorConversationsController,
    ModerationRulesController,
    MyModerationController,
  ],
  providers: [
    OperatorRolesGuard,
    ReportGateway,
    ModerationRepository,
    OperatorConversationsService,
  ],
})
export class ModerationApiModule {}

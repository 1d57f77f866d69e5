import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module.js';
import { RealtimeModule } from '../gateway/realtime.module.js';
import { OperatorAuditModule } from '../operator/operator-audit.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { ModerationRepository } from './moderation.repository.js';
import { ModerationService } from './moderation.service.js';
import { ModerationRulesService } from './rules/moderation-rules.service.js';

/**
 * Moderation (docs/operator.md): events, restrictions and their enforcement, the queue on
 * safety's flags, reports and appeals. The gateway and voice ask it before they store a
 * message; the account asks it for the export and the deletion. The HTTP and socket handlers
 * are ModerationApiModule's.
 */
@Module({
  imports: [ConversationModule, SafetyModule, RealtimeModule, OperatorAuditModule],
  providers: [ModerationRepository, ModerationService, ModerationRulesService],
  exports: [ModerationService, ModerationRulesService],
})
export class ModerationModule {}

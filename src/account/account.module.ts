import { Module } from '@nestjs/common';
import { AffectModule } from '../affect/affect.module.js';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { ConversationModule } from '../conversation/conversation.module.js';
import { RealtimeModule } from '../gateway/realtime.module.js';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { MemoryModule } from '../memory/memory.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { OperatorAuditModule } from '../operator/operator-audit.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { TurnTracesModule } from '../turn/turn-traces.module.js';
import { VoiceStoreModule } from '../voice/voice-store.module.js';
import { AccountDeletionJob } from './account-deletion.job.js';
import { AccountDeletionRepository } from './account-deletion.repository.js';
import { AccountService } from './account.service.js';

/**
 * The user's account as a whole, across the modules that hold their data: the export and the
 * deletion (a job, run by workers). The HTTP side is AccountApiModule.
 */
@Module({
  imports: [
    ConversationModule,
    VoiceStoreModule,
    AffectModule,
    MemoryModule,
    TurnTracesModule,
    OperatorAuditModule,
    RealtimeModule,
    SafetyModule,
    ModerationModule,
    AnalyticsModule,
    FeedbackModule,
  ],
  providers: [AccountService, AccountDeletionRepository, AccountDeletionJob],
  exports: [AccountService, AccountDeletionJob],
})
export class AccountModule {}

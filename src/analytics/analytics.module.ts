import { Module } from '@nestjs/common';
import { AffectModule } from '../affect/affect.module.js';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { ConversationModule } from '../conversation/conversation.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { AnalyticsRollupJob } from './analytics-rollup.job.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';

/**
 * Retention analytics (docs/analytics.md): the roll-up tables and their jobs, retention and
 * activity, exports. It reads the owners' tables only through their repositories. The HTTP side
 * is AnalyticsApiModule.
 */
@Module({
  imports: [ConversationModule, SafetyModule, AffectModule, FeedbackModule],
  providers: [AnalyticsRepository, AnalyticsService, AnalyticsRollupJob],
  exports: [AnalyticsService],
})
export class AnalyticsModule {}

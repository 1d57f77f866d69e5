import { Module } from '@nestjs/common';
import { OperatorRolesGuard } from '../moderation/operator-roles.guard.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsModule } from './analytics.module.js';

/** The analytics API for processes that serve (ROLE=gateway or all). */
@Module({
  imports: [AnalyticsModule],
  controllers: [AnalyticsController],
  providers: [OperatorRolesGuard],
})
export class AnalyticsApiModule {}

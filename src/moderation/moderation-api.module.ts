import { Module } from '@nestjs/common';
import { RealtimeModule } from '../gateway/realtime.module.js';
import { ModerationModule } from './moderation.module.js';
import { MyModerationController } from './my-moderation.controller.js';
import { OperatorModerationController } from './operator-moderation.controller.js';
import { OperatorRolesGuard } from './operator-roles.guard.js';
import { ReportGateway } from './report.gateway.js';

/** The moderation API for processes that serve: operator routes, `/v1/me/moderation`, reports. */
@Module({
  imports: [ModerationModule, RealtimeModule],
  controllers: [OperatorModerationController, MyModerationController],
  providers: [OperatorRolesGuard, ReportGateway],
})
export class ModerationApiModule {}

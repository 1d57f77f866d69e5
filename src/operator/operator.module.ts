import { Module } from '@nestjs/common';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { TurnTracesModule } from '../turn/turn-traces.module.js';
import { OperatorAuditModule } from './operator-audit.module.js';
import { OperatorController } from './operator.controller.js';
import { OperatorGuard } from './operator.guard.js';

/** The operator API: turn traces, every read audited. */
@Module({
  imports: [TurnTracesModule, OperatorAuditModule, FeedbackModule],
  controllers: [OperatorController],
  providers: [OperatorGuard],
})
export class OperatorModule {}

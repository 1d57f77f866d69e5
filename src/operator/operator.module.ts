import { Module } from '@nestjs/common';
import { TurnTracesModule } from '../turn/turn-traces.module.js';
import { OperatorAuditRepository } from './operator-audit.repository.js';
import { OperatorController } from './operator.controller.js';
import { OperatorGuard } from './operator.guard.js';

/** The operator API: turn traces, every read audited. */
@Module({
  imports: [TurnTracesModule],
  controllers: [OperatorController],
  providers: [OperatorAuditRepository, OperatorGuard],
})
export class OperatorModule {}

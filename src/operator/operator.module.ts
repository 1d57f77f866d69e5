import { Global, Module } from '@nestjs/common';
import { OperatorAuditRepository } from './operator-audit.repository.js';
import { OperatorController } from './operator.controller.js';
import { OperatorGuard } from './operator.guard.js';
import { TurnTraceRepository } from './turn-trace.repository.js';

@Global()
@Module({
  controllers: [OperatorController],
  providers: [TurnTraceRepository, OperatorAuditRepository, OperatorGuard],
  exports: [TurnTraceRepository, OperatorAuditRepository],
})
export class OperatorModule {}

import { Module } from '@nestjs/common';
import { OperatorAuditRepository } from './operator-audit.repository.js';

/** The operator audit log, for the operator API and for account deletion. */
@Module({
  providers: [OperatorAuditRepository],
  exports: [OperatorAuditRepository],
})
export class OperatorAuditModule {}

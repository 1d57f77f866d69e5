import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../common/uuid.js';

@Injectable()
export class OperatorAuditRepository {
  constructor(private readonly db: DataSource) {}

  async record(entry: {
    operatorId: string;
    action: string;
    targetId: string;
    subjectUserId?: string | null;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO operator_audit (id, operator_id, action, target_id, subject_user_id) VALUES ($1, $2, $3, $4, $5)`,
      [uuidv7(), entry.operatorId, entry.action, entry.targetId, entry.subjectUserId ?? null],
    );
  }
}

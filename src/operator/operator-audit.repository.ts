import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { updatedRows } from '../common/sql-rows.js';
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

  /**
   * The user's account is deleted: the audit keeps who did what and when, without the user's
   * id. Returns how many entries were anonymised.
   */
  async forgetSubject(userId: string): Promise<number> {
    const rows = await this.db.query<unknown>(
      `UPDATE operator_audit SET subject_user_id = NULL WHERE subject_user_id = $1 RETURNING id`,
      [userId],
    );
    return updatedRows(rows).length;
  }
}

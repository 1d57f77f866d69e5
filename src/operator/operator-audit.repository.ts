import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { updatedRows, type Row } from '../common/sql-rows.js';
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

  /** The log, newest first, a page at a time (before the entry `before` when given). */
  async list(
    limit: number,
    before?: string,
  ): Promise<
    Array<{
      id: string;
      operatorId: string;
      action: string;
      targetId: string;
      subjectUserId: string | null;
      createdAt: Date;
    }>
  > {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM operator_audit
        WHERE $1::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM operator_audit
                                                       WHERE id = $1::uuid)
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      [before ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      operatorId: r.operator_id as string,
      action: r.action as string,
      targetId: r.target_id as string,
      subjectUserId: (r.subject_user_id as string | null) ?? null,
      createdAt: r.created_at as Date,
    }));
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

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { updatedRows } from '../common/sql-rows.js';
import type { DeletionStatus } from './account-deletion.entity.js';

export interface Deletion {
  userId: string;
  status: DeletionStatus;
  requestedAt: Date;
  finishedAt: Date | null;
  deleted: Record<string, number> | null;
  attempts: number;
}

/** account_deletions: a user's deletion request and how far it got. */
@Injectable()
export class AccountDeletionRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Records a request: a new one is pending; one already pending or running stays as it is
   * (a repeat changes nothing); a finished or failed one is asked again. Returns the row and
   * whether the work needs queueing.
   */
  async request(userId: string): Promise<{ deletion: Deletion; queue: boolean }> {
    const rows = await this.db.query<Row[]>(
      `INSERT INTO account_deletions (user_id, status, requested_at) VALUES ($1, 'pending', now())
       ON CONFLICT (user_id) DO UPDATE
         SET status = 'pending', requested_at = now(), finished_at = NULL, deleted = NULL, attempts = 0
         WHERE account_deletions.status IN ('done', 'failed')
       RETURNING *`,
      [userId],
    );
    const changed = updatedRows(rows)[0];
    if (changed) return { deletion: toDeletion(changed), queue: true };
    const current = await this.find(userId);
    return { deletion: current!, queue: current?.status === 'pending' };
  }

  async find(userId: string): Promise<Deletion | null> {
    const rows = await this.db.query<Row[]>(`SELECT * FROM account_deletions WHERE user_id = $1`, [
      userId,
    ]);
    return rows[0] ? toDeletion(rows[0]) : null;
  }

  async start(userId: string): Promise<void> {
    await this.db.query(
      `UPDATE account_deletions SET status = 'running', attempts = attempts + 1 WHERE user_id = $1`,
      [userId],
    );
  }

  async finish(
    userId: string,
    status: Extract<DeletionStatus, 'done' | 'failed'>,
    deleted: Record<string, number> | null,
  ): Promise<void> {
    await this.db.query(
      `UPDATE account_deletions SET status = $2, finished_at = now(), deleted = $3 WHERE user_id = $1`,
      [userId, status, deleted ? JSON.stringify(deleted) : null],
    );
  }
}

type Row = Record<string, unknown>;

function toDeletion(r: Row): Deletion {
  return {
    userId: r.user_id as string,
    status: r.status as DeletionStatus,
    requestedAt: r.requested_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
    deleted: (r.deleted as Record<string, number> | null) ?? null,
    attempts: Number(r.attempts),
  };
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import type { CarriedWrite } from '../database/carried-writes.js';
import type { TurnTrace } from './turn-trace.js';

/** Turn traces: written once per reply by the turn's finish, read by operators. */
@Injectable()
export class TurnTraceRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The trace's write, for the reply's finish to carry: stored in the finish's statement and
   * transaction, only when the finish took effect (a reply the recovery sweep ended first keeps
   * no trace of a result nobody saw). A reply's later trace replaces an earlier one.
   */
  static traceWrite(trace: TurnTrace): CarriedWrite {
    return {
      statements: (p, _name, took) => [
        `INSERT INTO turn_traces (reply_id, turn_id, answering_id, user_id, trace)
         SELECT ${p(trace.replyId)}::uuid, ${p(trace.turnId)}::uuid, ${p(trace.answering)}::uuid,
                ${p(trace.userId)}, ${p(JSON.stringify(trace))}::jsonb
          WHERE ${took}
         ON CONFLICT (reply_id) DO UPDATE SET trace = EXCLUDED.trace`,
      ],
    };
  }

  /** The trace of a reply, by the reply's id or by the user message it answered (the latest). */
  async find(messageId: string): Promise<TurnTrace | null> {
    const rows = await this.db.query<Array<{ trace: TurnTrace }>>(
      `SELECT trace FROM turn_traces WHERE reply_id = $1 OR answering_id = $1
        ORDER BY created_at DESC LIMIT 1`,
      [messageId],
    );
    return rows[0]?.trace ?? null;
  }

  /** The traces of these replies, by reply id (training-data exports). */
  async tracesOf(replyIds: readonly string[]): Promise<Map<string, TurnTrace>> {
    const rows = await this.db.query<Array<{ reply_id: string; trace: TurnTrace }>>(
      `SELECT reply_id, trace FROM turn_traces WHERE reply_id = ANY($1::uuid[])`,
      [replyIds],
    );
    return new Map(rows.map((r) => [r.reply_id, r.trace]));
  }

  /** The user's own traces, in time order, page by page (their export). */
  exportTraces(userId: string): AsyncGenerator<Record<string, unknown>> {
    return keysetRows(
      this.db,
      `SELECT reply_id, turn_id, answering_id, trace, created_at,
              created_at::text AS k_at, reply_id AS k_id
         FROM turn_traces
        WHERE user_id = $1 AND (created_at, reply_id) > (coalesce($2::timestamptz, '-infinity'),
                                                         coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, reply_id LIMIT $4`,
      userId,
      100,
    );
  }

  /**
   * Rewrites the user's traces written since `since` through `rewrite` (null: unchanged), page
   * by page; returns how many changed (a forget's scrub).
   */
  async rewriteSince(
    userId: string,
    since: Date,
    rewrite: (trace: TurnTrace, createdAt: Date) => TurnTrace | null,
  ): Promise<number> {
    let changed = 0;
    let after: [string, string] | null = null;
    for (;;) {
      const rows: Array<{ reply_id: string; trace: TurnTrace; created_at: Date; k_at: string }> =
        await this.db.query(
          `SELECT reply_id, trace, created_at, created_at::text AS k_at FROM turn_traces
            WHERE user_id = $1 AND created_at >= $2
              AND (created_at, reply_id) > (coalesce($3::timestamptz, '-infinity'),
                                            coalesce($4::uuid, '00000000-0000-0000-0000-000000000000'))
            ORDER BY created_at, reply_id LIMIT 200`,
          [userId, since, after?.[0] ?? null, after?.[1] ?? null],
        );
      const updates = rows.flatMap((r) => {
        const next = rewrite(r.trace, r.created_at);
        return next ? [{ id: r.reply_id, trace: next }] : [];
      });
      if (updates.length > 0) {
        await this.db.query(
          `UPDATE turn_traces t SET trace = u.trace
             FROM unnest($2::uuid[], $3::jsonb[]) AS u(reply_id, trace)
            WHERE t.user_id = $1 AND t.reply_id = u.reply_id`,
          [userId, updates.map((u) => u.id), updates.map((u) => JSON.stringify(u.trace))],
        );
        changed += updates.length;
      }
      if (rows.length < 200) return changed;
      const last = rows[rows.length - 1];
      after = [last.k_at, last.reply_id];
    }
  }

  /** Deletes the user's traces in batches; returns how many. */
  deleteUserData(userId: string): Promise<number> {
    return deleteInBatches(
      this.db,
      `DELETE FROM turn_traces WHERE reply_id IN
         (SELECT reply_id FROM turn_traces WHERE user_id = $1 LIMIT $2) RETURNING reply_id`,
      userId,
    );
  }
}

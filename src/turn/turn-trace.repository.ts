import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TurnTrace } from './turn-trace.js';

/** Turn traces: written once per reply by the turn's finish, read by operators. */
@Injectable()
export class TurnTraceRepository {
  constructor(private readonly db: DataSource) {}

  async save(trace: TurnTrace): Promise<void> {
    await this.db.query(
      `INSERT INTO turn_traces (reply_id, turn_id, answering_id, user_id, trace) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (reply_id) DO UPDATE SET trace = EXCLUDED.trace`,
      [trace.replyId, trace.turnId, trace.answering, trace.userId, JSON.stringify(trace)],
    );
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
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TurnTrace } from './turn-trace.js';

/** Turn traces: written once per reply, read by operators. */
@Injectable()
export class TurnTraceRepository {
  constructor(private readonly db: DataSource) {}

  async save(trace: TurnTrace): Promise<void> {
    await this.db.query(
      `INSERT INTO turn_traces (reply_id, user_id, trace) VALUES ($1, $2, $3)
       ON CONFLICT (reply_id) DO UPDATE SET trace = EXCLUDED.trace`,
      [trace.replyId, trace.userId, JSON.stringify(trace)],
    );
  }

  /**
   * The trace of a reply, by the reply's id or by the user message it answers (then the latest
   * reply to it), with the history messages it used filled in from the messages table.
   */
  async find(messageId: string): Promise<{
    trace: TurnTrace;
    messages: Array<{ role: string; content: string; id?: string }>;
  } | null> {
    const rows = await this.db.query<Array<{ trace: TurnTrace }>>(
      `SELECT t.trace FROM turn_traces t JOIN messages r ON r.id = t.reply_id
        WHERE t.reply_id = $1 OR r.in_reply_to = $1
        ORDER BY r.seq DESC LIMIT 1`,
      [messageId],
    );
    const trace = rows[0]?.trace;
    if (!trace) return null;
    const ids = trace.prompt.history.map((h) => h.id);
    const stored = await this.db.query<Array<{ id: string; content: string }>>(
      `SELECT id, content FROM messages WHERE id = ANY($1::uuid[]) AND conversation_id = $2`,
      [ids, trace.conversationId],
    );
    const content = new Map(stored.map((m) => [m.id, m.content]));
    const history = trace.prompt.history.map((h) => ({
      id: h.id,
      role: h.role,
      content: content.get(h.id) ?? '',
    }));
    const messages: Array<{ role: string; content: string; id?: string }> = [
      { role: 'system', content: trace.prompt.system },
      ...(trace.prompt.summary ? [{ role: 'system', content: trace.prompt.summary }] : []),
      ...history,
    ];
    if (trace.prompt.note)
      messages.splice(messages.length - 1, 0, { role: 'system', content: trace.prompt.note });
    return { trace, messages };
  }
}

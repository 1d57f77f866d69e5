import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Conversation bookkeeping that can lag behind the turn: counts and a title. */
@Injectable()
export class ConversationService {
  constructor(private readonly db: DataSource) {}

  /** Recounts the messages and, once, titles the conversation after its first user message. */
  async rollup(conversationId: string): Promise<void> {
    await this.db.query(
      `UPDATE conversations c
          SET message_count = (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
              title = COALESCE(c.title, (
                SELECT left(btrim(regexp_replace(m.content, '\\s+', ' ', 'g')), 60)
                  FROM messages m
                 WHERE m.conversation_id = c.id AND m.role = 'user' AND m.content <> ''
                 ORDER BY m.seq LIMIT 1))
        WHERE c.id = $1`,
      [conversationId],
    );
  }
}

import { uuidv7 } from '../../src/common/uuid.js';
import { sql } from './sql.js';

export interface ConversationOptions {
  /** When the first turn was said (default now). */
  start?: Date | number;
  /** Time between turns (default a minute; 0 puts every turn at the same instant). */
  stepMs?: number;
  /** Every turn from the user (default: user and companion alternate, the user first). */
  userOnly?: boolean;
  /** Per turn; default `received` for the user's, `completed` for the companion's. */
  statuses?: string[];
}

/**
 * One conversation of `userId` written with plain SQL (the user row too): the repositories'
 * history as tests need it, with chosen times and roles. Returns the message ids in order.
 */
export async function insertConversation(
  dbUrl: string,
  userId: string,
  contents: readonly string[],
  options: ConversationOptions = {},
): Promise<string[]> {
  const start = new Date(options.start ?? Date.now()).getTime();
  const step = options.stepMs ?? 60_000;
  await sql(dbUrl, 'INSERT INTO users (id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
  const conversationId = uuidv7(start);
  await sql(dbUrl, 'INSERT INTO conversations (id, user_id, last_seq) VALUES ($1, $2, $3)', [
    conversationId,
    userId,
    contents.length,
  ]);
  const ids: string[] = [];
  for (const [i, content] of contents.entries()) {
    const id = uuidv7(start + i);
    const role = options.userOnly || i % 2 === 0 ? 'user' : 'assistant';
    const status = options.statuses?.[i] ?? (role === 'user' ? 'received' : 'completed');
    await sql(
      dbUrl,
      `INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, status, content, created_at)
       VALUES ($1, $2, $3, $4, $5, 'text', $6, $7, $8)`,
      [id, conversationId, userId, i + 1, role, status, content, new Date(start + step * i)],
    );
    ids.push(id);
  }
  return ids;
}

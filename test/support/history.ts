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
  const conversationId = uuidv7(start);
  const rows = contents.map((content, i) => {
    const role = options.userOnly || i % 2 === 0 ? 'user' : 'assistant';
    return {
      id: uuidv7(start + i),
      role,
      status: options.statuses?.[i] ?? (role === 'user' ? 'received' : 'completed'),
      content,
      at: new Date(start + step * i),
    };
  });
  // One statement on one connection: tests write many conversations.
  await sql(
    dbUrl,
    `WITH u AS (INSERT INTO users (id) VALUES ($2) ON CONFLICT DO NOTHING),
          c AS (INSERT INTO conversations (id, user_id, last_seq) VALUES ($1, $2, $3))
     INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, status, content, created_at)
     SELECT m.id, $1, $2, m.seq, m.role, 'text', m.status, m.content, m.at
       FROM unnest($4::uuid[], $5::int[], $6::varchar[], $7::varchar[], $8::text[], $9::timestamptz[])
            AS m(id, seq, role, status, content, at)`,
    [
      conversationId,
      userId,
      contents.length,
      rows.map((r) => r.id),
      rows.map((_, i) => i + 1),
      rows.map((r) => r.role),
      rows.map((r) => r.status),
      rows.map((r) => r.content),
      rows.map((r) => r.at),
    ],
  );
  const ids = rows.map((r) => r.id);
  return ids;
}

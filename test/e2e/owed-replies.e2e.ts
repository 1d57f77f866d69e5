import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SendAck, SyncAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import { quickReply, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A user message owed a reply that no reply is coming for (its process died between the ack and
 * the reply) is answered by the awaiting-reply sweep, a bounded number of times. The crash is
 * simulated by leaving a stored message owed a reply with its due time in the past.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ REPLY_LEASE_MS: '600', REPLY_MAX_ATTEMPTS: '2' });
});
afterAll(() => app.close());

/** A stored message as a dead process leaves it: acked, owed a reply, no reply row. */
async function orphan(user: string, text: string, attempts = 0): Promise<SendAck> {
  const c = await ChatClient.connect(app.url, user);
  const ack = await c.request<SendAck>('message:send', { clientMsgId: `seed-${user}`, text: 'hi' });
  await c.next('reply:end');
  c.close();
  const [conv] = await sql(
    app.db.url,
    `UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq`,
    [ack.conversationId],
  );
  const [row] = await sql(
    app.db.url,
    `INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, client_msg_id, status,
                           reply_due_at, reply_attempts)
     VALUES (gen_random_uuid(), $1, $2, $3, 'user', 'text', $4, $5, 'received',
             now() - interval '1 minute', $6)
     RETURNING id, seq`,
    [ack.conversationId, user, conv.last_seq, text, `orphan-${user}`, attempts],
  );
  return {
    messageId: row.id as string,
    conversationId: ack.conversationId,
    seq: Number(row.seq),
    duplicate: false,
  };
}

describe('messages owed a reply', () => {
  it('are answered by the sweep, once', async () => {
    app.model.setResponder(quickReply);
    const phone = await ChatClient.connect(app.url, 'owed-1');
    const owed = await orphan('owed-1', 'are you there?');
    const end = await phone.next(
      'reply:end',
      (e) => e.message.inReplyTo === owed.messageId,
      10_000,
    );
    expect(end.message).toMatchObject({ status: 'completed', content: 'Hello, friend.' });
    await new Promise((r) => setTimeout(r, 1500));
    const sync = await phone.request<SyncAck>('sync', {
      conversationId: owed.conversationId,
      afterSeq: owed.seq,
    });
    expect(sync.messages.map((m) => [m.role, m.status])).toEqual([['assistant', 'completed']]);
    const [row] = await sql(
      app.db.url,
      'SELECT reply_due_at IS NULL AS settled, reply_attempts FROM messages WHERE id = $1',
      [owed.messageId],
    );
    expect(row).toEqual({ settled: true, reply_attempts: 1 });
    phone.close();
  });

  it('get a coded failure instead once the attempts are spent', async () => {
    const phone = await ChatClient.connect(app.url, 'owed-2');
    const owed = await orphan('owed-2', 'hello?', 2);
    const end = await phone.next(
      'reply:end',
      (e) => e.message.inReplyTo === owed.messageId,
      10_000,
    );
    expect(end.message).toMatchObject({ status: 'failed', errorCode: 'reply_interrupted' });
    const error = await phone.next('error', (e) => e.replyId === end.replyId);
    expect(error).toMatchObject({ code: 'reply_interrupted', clientMsgId: 'orphan-owed-2' });
    // The app resends it with one tap: a fresh count, and this time it is answered.
    app.model.setResponder(quickReply);
    const again = await phone.request<SendAck>('message:send', {
      clientMsgId: 'orphan-owed-2',
      text: 'hello?',
    });
    expect(again).toMatchObject({ messageId: owed.messageId, duplicate: true });
    const answer = await phone.next(
      'reply:end',
      (e) => e.message.inReplyTo === owed.messageId && e.message.status === 'completed',
      10_000,
    );
    expect(answer.message.content).toBe('Hello, friend.');
    phone.close();
  });
});

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (the generator only sees tables). Claiming a conversation's reply slot must
 * check and write under the conversation's row lock, with each check reading what committed
 * before the lock was granted; as a function that is one round trip instead of six.
 * Semantics: see MessageRepository.startReply.
 */
export class ReplySlotFunction1795361000000 implements MigrationInterface {
  name = 'ReplySlotFunction1795361000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION companion_start_reply(
        p_conversation uuid, p_reply uuid, p_owner varchar, p_lease_ms integer, p_after_seq integer
      ) RETURNS SETOF messages LANGUAGE plpgsql AS $fn$
      DECLARE
        answering messages%ROWTYPE;
        reply_seq integer;
      BEGIN
        PERFORM 1 FROM conversations WHERE id = p_conversation FOR UPDATE;
        SELECT * INTO answering FROM messages
         WHERE conversation_id = p_conversation AND role = 'user'
         ORDER BY seq DESC LIMIT 1;
        IF NOT FOUND OR answering.seq <= p_after_seq THEN
          RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM messages r
                    WHERE r.conversation_id = p_conversation AND r.role = 'assistant'
                      AND (r.status = 'streaming'
                           OR (r.seq > answering.seq AND r.status IN ('completed', 'cancelled')))) THEN
          RETURN;
        END IF;
        UPDATE conversations
           SET last_seq = last_seq + 1, last_message_at = now(), updated_at = now()
         WHERE id = p_conversation
        RETURNING last_seq INTO reply_seq;
        RETURN QUERY
          INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, in_reply_to,
                                status, lease_owner, lease_expires_at)
          VALUES (p_reply, p_conversation, answering.user_id, reply_seq, 'assistant', 'text', '',
                  answering.id, 'streaming', p_owner,
                  now() + make_interval(secs => p_lease_ms / 1000.0))
          RETURNING *;
      END
      $fn$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION companion_start_reply(uuid, uuid, varchar, integer, integer)`);
  }
}

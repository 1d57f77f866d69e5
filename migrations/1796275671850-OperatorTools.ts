import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator tools: a conversation an operator took over (the reply-slot claim settles what is
 * owed instead of asking the model, and says who holds it), labels on flags, and the keyword and
 * regex rules admins manage.
 */
export class OperatorTools1796275671850 implements MigrationInterface {
  name = 'OperatorTools1796275671850';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "moderation_rules" ("id" uuid NOT NULL, "name" character varying(64) NOT NULL, "kind" character varying(8) NOT NULL, "pattern" character varying(200) NOT NULL, "action" character varying(8) NOT NULL, "category" character varying(48) NOT NULL, "priority" smallint NOT NULL DEFAULT '5', "user_reason" character varying(300), "enabled" boolean NOT NULL DEFAULT true, "created_by" character varying(128) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_92eac042752719d816ad5dd30d0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "taken_over_by" character varying(128)`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "taken_over_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "safety_flags" ADD "labels" character varying(32) array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`CREATE INDEX "IDX_moderation_events_appeals" ON "moderation_events"  ("created_at", "id") WHERE "action" = 'appeal'`);
    await queryRunner.query(`DROP FUNCTION companion_claim_reply(uuid, uuid, varchar, integer, integer, uuid, integer)`);
    await queryRunner.query(`
      CREATE FUNCTION companion_claim_reply(
        p_conversation uuid, p_reply uuid, p_owner varchar, p_lease_ms integer, p_after_seq integer,
        p_turn uuid, p_history integer
      ) RETURNS TABLE (reply messages, answering messages, answered_ids uuid[],
                       answered_kinds varchar[], summary text, history json, older_turns boolean,
                       time_zone varchar, locale varchar, taken_over_by varchar)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        conv conversations%ROWTYPE;
        latest messages%ROWTYPE;
        created messages%ROWTYPE;
        oldest_seq integer;
      BEGIN
        SELECT * INTO conv FROM conversations c WHERE c.id = p_conversation FOR UPDATE;
        SELECT * INTO latest FROM messages m
         WHERE m.conversation_id = p_conversation AND m.role = 'user'
           AND m.reply_due_at IS NOT NULL AND m.content <> '' AND m.seq > p_after_seq
         ORDER BY m.seq DESC LIMIT 1;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        -- An operator holds the conversation: the model is not asked. What is owed is settled
        -- for the operator to answer; the row says so (no reply) so the turn can tell them.
        IF conv.taken_over_by IS NOT NULL THEN
          WITH settled AS (
            UPDATE messages m SET reply_due_at = NULL
             WHERE m.conversation_id = p_conversation AND m.role = 'user'
               AND m.reply_due_at IS NOT NULL AND m.seq <= latest.seq
            RETURNING m.id, m.kind, m.seq)
          SELECT array_agg(s.id ORDER BY s.seq), array_agg(s.kind ORDER BY s.seq)
            INTO answered_ids, answered_kinds FROM settled s;
          answering := latest;
          taken_over_by := conv.taken_over_by;
          RETURN NEXT;
          RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM messages s
                    WHERE s.conversation_id = p_conversation AND s.status = 'streaming') THEN
          RETURN;
        END IF;
        SELECT array_agg(m.id ORDER BY m.seq), array_agg(m.kind ORDER BY m.seq)
          INTO answered_ids, answered_kinds
          FROM messages m
         WHERE m.conversation_id = p_conversation AND m.role = 'user'
           AND m.reply_due_at IS NOT NULL AND m.content <> '' AND m.seq <= latest.seq;
        UPDATE conversations c
           SET last_seq = c.last_seq + 1, last_message_at = now(), updated_at = now()
         WHERE c.id = p_conversation;
        INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, in_reply_to,
                              status, lease_owner, lease_expires_at, turn_id)
        VALUES (p_reply, p_conversation, latest.user_id, conv.last_seq + 1, 'assistant', 'text', '',
                latest.id, 'streaming', p_owner,
                now() + make_interval(secs => p_lease_ms / 1000.0), p_turn)
        RETURNING * INTO created;
        -- What a prompt takes from the conversation: its summary and the newest turns after it
        -- that a prompt may show (never what the user asked to forget), read under the lock.
        summary := conv.summary;
        SELECT coalesce(json_agg(h ORDER BY h.seq), '[]'::json), min(h.seq)
          INTO history, oldest_seq
          FROM (SELECT m.id, m.seq, m.role, m.content, m.content_tokens FROM messages m
                 WHERE m.conversation_id = p_conversation AND m.seq < created.seq
                   AND m.seq > conv.summary_until_seq AND m.content <> ''
                   AND (NOT m.memory_excluded OR m.id = latest.id)
                   AND (m.role = 'user' OR m.status IN ('completed', 'cancelled'))
                 ORDER BY m.seq DESC LIMIT p_history) h;
        -- Whether the user said anything the prompt does not carry (recall has something to
        -- search): another conversation, or this one before the history or its summary.
        older_turns := conv.summary_until_seq > 0 OR coalesce(oldest_seq, created.seq) > 1
          OR EXISTS (SELECT 1 FROM conversations o
                      WHERE o.user_id = latest.user_id AND o.id <> p_conversation);
        SELECT u.time_zone, u.locale INTO time_zone, locale FROM users u WHERE u.id = latest.user_id;
        reply := created;
        answering := latest;
        RETURN NEXT;
      END
      $fn$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION companion_claim_reply(uuid, uuid, varchar, integer, integer, uuid, integer)`);
    await queryRunner.query(`
      CREATE FUNCTION companion_claim_reply(
        p_conversation uuid, p_reply uuid, p_owner varchar, p_lease_ms integer, p_after_seq integer,
        p_turn uuid, p_history integer
      ) RETURNS TABLE (reply messages, answering messages, answered_ids uuid[],
                       answered_kinds varchar[], summary text, history json, older_turns boolean,
                       time_zone varchar, locale varchar)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        conv conversations%ROWTYPE;
        latest messages%ROWTYPE;
        created messages%ROWTYPE;
        oldest_seq integer;
      BEGIN
        SELECT * INTO conv FROM conversations c WHERE c.id = p_conversation FOR UPDATE;
        SELECT * INTO latest FROM messages m
         WHERE m.conversation_id = p_conversation AND m.role = 'user'
           AND m.reply_due_at IS NOT NULL AND m.content <> '' AND m.seq > p_after_seq
         ORDER BY m.seq DESC LIMIT 1;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM messages s
                    WHERE s.conversation_id = p_conversation AND s.status = 'streaming') THEN
          RETURN;
        END IF;
        SELECT array_agg(m.id ORDER BY m.seq), array_agg(m.kind ORDER BY m.seq)
          INTO answered_ids, answered_kinds
          FROM messages m
         WHERE m.conversation_id = p_conversation AND m.role = 'user'
           AND m.reply_due_at IS NOT NULL AND m.content <> '' AND m.seq <= latest.seq;
        UPDATE conversations c
           SET last_seq = c.last_seq + 1, last_message_at = now(), updated_at = now()
         WHERE c.id = p_conversation;
        INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, in_reply_to,
                              status, lease_owner, lease_expires_at, turn_id)
        VALUES (p_reply, p_conversation, latest.user_id, conv.last_seq + 1, 'assistant', 'text', '',
                latest.id, 'streaming', p_owner,
                now() + make_interval(secs => p_lease_ms / 1000.0), p_turn)
        RETURNING * INTO created;
        -- What a prompt takes from the conversation: its summary and the newest turns after it
        -- that a prompt may show (never what the user asked to forget), read under the lock.
        summary := conv.summary;
        SELECT coalesce(json_agg(h ORDER BY h.seq), '[]'::json), min(h.seq)
          INTO history, oldest_seq
          FROM (SELECT m.id, m.seq, m.role, m.content, m.content_tokens FROM messages m
                 WHERE m.conversation_id = p_conversation AND m.seq < created.seq
                   AND m.seq > conv.summary_until_seq AND m.content <> ''
                   AND (NOT m.memory_excluded OR m.id = latest.id)
                   AND (m.role = 'user' OR m.status IN ('completed', 'cancelled'))
                 ORDER BY m.seq DESC LIMIT p_history) h;
        -- Whether the user said anything the prompt does not carry (recall has something to
        -- search): another conversation, or this one before the history or its summary.
        older_turns := conv.summary_until_seq > 0 OR coalesce(oldest_seq, created.seq) > 1
          OR EXISTS (SELECT 1 FROM conversations o
                      WHERE o.user_id = latest.user_id AND o.id <> p_conversation);
        SELECT u.time_zone, u.locale INTO time_zone, locale FROM users u WHERE u.id = latest.user_id;
        reply := created;
        answering := latest;
        RETURN NEXT;
      END
      $fn$`);
    await queryRunner.query(`DROP INDEX "public"."IDX_moderation_events_appeals"`);
    await queryRunner.query(`ALTER TABLE "safety_flags" DROP COLUMN "labels"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "taken_over_at"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "taken_over_by"`);
    await queryRunner.query(`DROP TABLE "moderation_rules"`);
  }
}

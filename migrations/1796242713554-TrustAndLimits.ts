import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trust and limits: the user's locale and time zone; a version on the user's mood so that two
 * turns never overwrite each other's update; forgets kept for undo; account deletions and their
 * status; indexes for every query by user on the export, deletion and forget paths.
 */
export class TrustAndLimits1796242713554 implements MigrationInterface {
  name = 'TrustAndLimits1796242713554';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "account_deletions" ("user_id" character varying(128) NOT NULL, "status" character varying(16) NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, "deleted" jsonb, "attempts" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_b359fd5c47945357b8ab9c3f78a" PRIMARY KEY ("user_id"))`);
    await queryRunner.query(`CREATE TABLE "memory_forgets" ("id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "scope" character varying(16) NOT NULL, "topic" text, "message_ids" uuid array NOT NULL, "saved_memories" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "undo_until" TIMESTAMP WITH TIME ZONE NOT NULL, "undone_at" TIMESTAMP WITH TIME ZONE, "request_message_ids" uuid array NOT NULL DEFAULT '{}', "followed_up_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_0efa44464d0bd38b7c5617c21de" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_memory_forgets_follow_up" ON "memory_forgets"  ("created_at") WHERE "followed_up_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_memory_forgets_purge" ON "memory_forgets"  ("undo_until") WHERE "saved_memories" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_memory_forgets_user" ON "memory_forgets"  ("user_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "users" ADD "locale" character varying(35)`);
    await queryRunner.query(`ALTER TABLE "users" ADD "time_zone" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "affect_user_states" ADD "mood_version" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`CREATE INDEX "IDX_messages_in_reply_to" ON "messages"  ("in_reply_to") WHERE "in_reply_to" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_memories_user_created" ON "memories"  ("user_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_operator_audit_subject" ON "operator_audit"  ("subject_user_id") WHERE "subject_user_id" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_turn_traces_user" ON "turn_traces"  ("user_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_voice_clips_user" ON "voice_clips"  ("user_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "memory_forgets" ADD CONSTRAINT "FK_a61cb5ac061f58964bcfeee74bb" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // The claim also reads the user's time zone and locale (for turns a sweep starts), and its
    // history leaves out what the user asked to forget.
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
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION companion_claim_reply(uuid, uuid, varchar, integer, integer, uuid, integer)`);
    await queryRunner.query(`
      CREATE FUNCTION companion_claim_reply(
        p_conversation uuid, p_reply uuid, p_owner varchar, p_lease_ms integer, p_after_seq integer,
        p_turn uuid, p_history integer
      ) RETURNS TABLE (reply messages, answering messages, answered_ids uuid[],
                       answered_kinds varchar[], summary text, history json, older_turns boolean)
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
        -- What a prompt takes from the conversation (MessageRepository.promptHistory): its
        -- summary and the newest turns after it that a prompt may show, read under the lock.
        summary := conv.summary;
        SELECT coalesce(json_agg(h ORDER BY h.seq), '[]'::json), min(h.seq)
          INTO history, oldest_seq
          FROM (SELECT m.id, m.seq, m.role, m.content, m.content_tokens FROM messages m
                 WHERE m.conversation_id = p_conversation AND m.seq < created.seq
                   AND m.seq > conv.summary_until_seq AND m.content <> ''
                   AND (m.role = 'user' OR m.status IN ('completed', 'cancelled'))
                 ORDER BY m.seq DESC LIMIT p_history) h;
        -- Whether the user said anything the prompt does not carry (recall has something to
        -- search): another conversation, or this one before the history or its summary.
        older_turns := conv.summary_until_seq > 0 OR coalesce(oldest_seq, created.seq) > 1
          OR EXISTS (SELECT 1 FROM conversations o
                      WHERE o.user_id = latest.user_id AND o.id <> p_conversation);
        reply := created;
        answering := latest;
        RETURN NEXT;
      END
      $fn$`);
    await queryRunner.query(`ALTER TABLE "memory_forgets" DROP CONSTRAINT "FK_a61cb5ac061f58964bcfeee74bb"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_voice_clips_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_turn_traces_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_operator_audit_subject"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_memories_user_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_messages_in_reply_to"`);
    await queryRunner.query(`ALTER TABLE "affect_user_states" DROP COLUMN "mood_version"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "time_zone"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "locale"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_memory_forgets_follow_up"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_memory_forgets_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_memory_forgets_purge"`);
    await queryRunner.query(`DROP TABLE "memory_forgets"`);
    await queryRunner.query(`DROP TABLE "account_deletions"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The turn as a pipeline. Each table gets one owning module: affect's per-user and
 * per-conversation state and memory extraction's cursor leave `users` and `conversations` for
 * tables of their own (their rows are copied: one per user or conversation). User messages get
 * a durable "owed a reply" state (reply_due_at, reply_attempts) that a sweep answers after a
 * crash; replies and traces get their turn id. The reply-slot function is replaced by a claim
 * and a finish that keep that state. Old traces are found by reply id (the answering id is set
 * for new ones; old rows are not backfilled here).
 */
export class TurnPipeline1796237260053 implements MigrationInterface {
  name = 'TurnPipeline1796237260053';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "affect_user_states" ("user_id" character varying(128) NOT NULL, "voice_baseline" jsonb, "baseline_clip_ids" uuid array NOT NULL DEFAULT '{}', "mood" jsonb, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e198d8097dbebb0f0a468941ddf" PRIMARY KEY ("user_id"))`);
    await queryRunner.query(`CREATE TABLE "affect_conversation_states" ("conversation_id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "mood" jsonb, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7281463f64e34fca6bdb548a81c" PRIMARY KEY ("conversation_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_affect_conversation_states_user" ON "affect_conversation_states"  ("user_id") `);
    await queryRunner.query(`CREATE TABLE "memory_cursors" ("user_id" character varying(128) NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "message_id" uuid NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_56ffabbea3d88735f857b6afd25" PRIMARY KEY ("user_id"))`);
    await queryRunner.query(`ALTER TABLE "affect_user_states" ADD CONSTRAINT "FK_e198d8097dbebb0f0a468941ddf" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "affect_conversation_states" ADD CONSTRAINT "FK_7281463f64e34fca6bdb548a81c" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "affect_conversation_states" ADD CONSTRAINT "FK_32c9b0c792bf779a85488c9050c" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "memory_cursors" ADD CONSTRAINT "FK_56ffabbea3d88735f857b6afd25" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // What other modules kept in the users and conversations tables moves to their own tables
    // (one row per user or conversation), before the columns go.
    await queryRunner.query(`INSERT INTO "affect_user_states" ("user_id", "voice_baseline", "mood", "baseline_clip_ids")
      SELECT u."id", u."voice_baseline", u."mood",
             coalesce((SELECT array_agg(c."message_id" ORDER BY c."baseline_at")
                         FROM (SELECT "message_id", "baseline_at" FROM "voice_clips"
                                WHERE "user_id" = u."id" AND "baseline_at" IS NOT NULL
                                ORDER BY "baseline_at" DESC LIMIT 64) c), '{}')
        FROM "users" u WHERE u."voice_baseline" IS NOT NULL OR u."mood" IS NOT NULL`);
    await queryRunner.query(`INSERT INTO "affect_conversation_states" ("conversation_id", "user_id", "mood")
      SELECT "id", "user_id", "mood" FROM "conversations" WHERE "mood" IS NOT NULL`);
    await queryRunner.query(`INSERT INTO "memory_cursors" ("user_id", "at", "message_id")
      SELECT "id", "memory_cursor", coalesce("memory_cursor_id", '00000000-0000-0000-0000-000000000000')
        FROM "users" WHERE "memory_cursor" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "voice_baseline"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "mood"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "memory_cursor"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "memory_cursor_id"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "mood"`);
    await queryRunner.query(`ALTER TABLE "voice_clips" DROP COLUMN "baseline_at"`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "reply_due_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "reply_attempts" smallint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "turn_id" uuid`);
    await queryRunner.query(`ALTER TABLE "turn_traces" ADD "turn_id" uuid`);
    await queryRunner.query(`ALTER TABLE "turn_traces" ADD "answering_id" uuid`);
    await queryRunner.query(`CREATE INDEX "IDX_messages_reply_due" ON "messages"  ("reply_due_at") WHERE "reply_due_at" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_turn_traces_answering" ON "turn_traces"  ("answering_id") `);
    // Written by hand (the generator only sees tables). The reply slot is claimed and released
    // under the conversation's row lock, each in one round trip; "owed a reply" is the user
    // message's reply_due_at (see MessageRepository.startReply / finishReply).
    await queryRunner.query(`DROP FUNCTION companion_start_reply(uuid, uuid, varchar, integer, integer)`);
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
    await queryRunner.query(`
      CREATE FUNCTION companion_finish_reply(
        p_reply uuid, p_status varchar, p_content text, p_content_tokens integer,
        p_error_code varchar, p_model varchar, p_prompt_version varchar, p_ttft_ms integer,
        p_total_ms integer, p_prompt_tokens integer, p_completion_tokens integer,
        p_search_terms text
      ) RETURNS TABLE (reply messages, more_due boolean)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        conversation uuid;
        finished messages%ROWTYPE;
        answered_seq integer;
      BEGIN
        SELECT m.conversation_id INTO conversation FROM messages m WHERE m.id = p_reply;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        PERFORM 1 FROM conversations c WHERE c.id = conversation FOR UPDATE;
        UPDATE messages m
           SET status = p_status, content = p_content, content_tokens = p_content_tokens,
               error_code = p_error_code, model = p_model, prompt_version = p_prompt_version,
               ttft_ms = p_ttft_ms, total_ms = p_total_ms, prompt_tokens = p_prompt_tokens,
               completion_tokens = p_completion_tokens, search_terms = p_search_terms,
               completed_at = now(), lease_owner = NULL, lease_expires_at = NULL
         WHERE m.id = p_reply AND m.status = 'streaming'
        RETURNING * INTO finished;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        SELECT a.seq INTO answered_seq FROM messages a WHERE a.id = finished.in_reply_to;
        UPDATE messages u SET reply_due_at = NULL
         WHERE u.conversation_id = conversation AND u.role = 'user' AND u.seq <= answered_seq
           AND u.reply_due_at IS NOT NULL;
        reply := finished;
        more_due := EXISTS (SELECT 1 FROM messages n
                             WHERE n.conversation_id = conversation AND n.role = 'user'
                               AND n.reply_due_at IS NOT NULL AND n.seq > answered_seq);
        RETURN NEXT;
      END
      $fn$`);
    await queryRunner.query(`
      CREATE FUNCTION companion_rearm_reply(p_message uuid) RETURNS boolean
      LANGUAGE plpgsql AS $fn$
      DECLARE
        sent messages%ROWTYPE;
      BEGIN
        SELECT * INTO sent FROM messages m WHERE m.id = p_message AND m.role = 'user';
        IF NOT FOUND OR sent.content = '' THEN
          RETURN false;
        END IF;
        -- Under the lock a reply that is finishing has finished: its outcome is seen here.
        PERFORM 1 FROM conversations c WHERE c.id = sent.conversation_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM messages r
                    WHERE r.conversation_id = sent.conversation_id AND r.role = 'assistant'
                      AND r.seq > sent.seq AND r.status IN ('completed', 'cancelled')) THEN
          RETURN false;
        END IF;
        UPDATE messages m SET reply_due_at = coalesce(m.reply_due_at, now()), reply_attempts = 0
         WHERE m.id = p_message;
        RETURN true;
      END
      $fn$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION companion_finish_reply(uuid, varchar, text, integer, varchar, varchar, varchar, integer, integer, integer, integer, text)`);
    await queryRunner.query(`DROP FUNCTION companion_rearm_reply(uuid)`);
    await queryRunner.query(`DROP FUNCTION companion_claim_reply(uuid, uuid, varchar, integer, integer, uuid, integer)`);
    await queryRunner.query(`ALTER TABLE "memory_cursors" DROP CONSTRAINT "FK_56ffabbea3d88735f857b6afd25"`);
    await queryRunner.query(`ALTER TABLE "affect_conversation_states" DROP CONSTRAINT "FK_32c9b0c792bf779a85488c9050c"`);
    await queryRunner.query(`ALTER TABLE "affect_conversation_states" DROP CONSTRAINT "FK_7281463f64e34fca6bdb548a81c"`);
    await queryRunner.query(`ALTER TABLE "affect_user_states" DROP CONSTRAINT "FK_e198d8097dbebb0f0a468941ddf"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_turn_traces_answering"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_messages_reply_due"`);
    await queryRunner.query(`ALTER TABLE "turn_traces" DROP COLUMN "answering_id"`);
    await queryRunner.query(`ALTER TABLE "turn_traces" DROP COLUMN "turn_id"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "turn_id"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "reply_attempts"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "reply_due_at"`);
    await queryRunner.query(`ALTER TABLE "voice_clips" ADD "baseline_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "mood" jsonb`);
    await queryRunner.query(`ALTER TABLE "users" ADD "memory_cursor_id" uuid`);
    await queryRunner.query(`ALTER TABLE "users" ADD "memory_cursor" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "users" ADD "mood" jsonb`);
    await queryRunner.query(`ALTER TABLE "users" ADD "voice_baseline" jsonb`);
    await queryRunner.query(`UPDATE "users" u SET "voice_baseline" = s."voice_baseline", "mood" = s."mood" FROM "affect_user_states" s WHERE s."user_id" = u."id"`);
    await queryRunner.query(`UPDATE "conversations" c SET "mood" = s."mood" FROM "affect_conversation_states" s WHERE s."conversation_id" = c."id"`);
    await queryRunner.query(`UPDATE "users" u SET "memory_cursor" = s."at", "memory_cursor_id" = s."message_id" FROM "memory_cursors" s WHERE s."user_id" = u."id"`);
    await queryRunner.query(`DROP TABLE "memory_cursors"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_affect_conversation_states_user"`);
    await queryRunner.query(`DROP TABLE "affect_conversation_states"`);
    await queryRunner.query(`DROP TABLE "affect_user_states"`);
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
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The model loop: what users did about replies (feedback_events) and their training consent;
 * each reply's route (`messages.route`) written by the finish in the same statement; versions of
 * a reply (`messages.replaced_at`): a regenerate answers the same message again, the version
 * that is no longer shown stays, out of later prompts. The claim's history leaves replaced
 * versions out, the finish takes the route, and two functions regenerate and choose a version
 * under the conversation's lock.
 */
export class ModelLoop1796350000000 implements MigrationInterface {
  name = 'ModelLoop1796350000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "feedback_events" ("id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "reply_id" uuid NOT NULL, "conversation_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "rating" character varying(8), "reason" character varying(64), "text" text, "client_msg_id" character varying(128), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d26e6ece9bd0a9e64f6e1c602c8" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_feedback_events_user" ON "feedback_events"  ("user_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_feedback_events_time" ON "feedback_events"  ("created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_feedback_events_reply" ON "feedback_events"  ("reply_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_feedback_events_user_client_msg" ON "feedback_events"  ("user_id", "client_msg_id") WHERE "client_msg_id" IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "training_consents" ("id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "training" boolean NOT NULL, "version" character varying(32) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2041e966a2e2d9946eddebad8fc" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_training_consents_user" ON "training_consents"  ("user_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "messages" ADD "route" jsonb`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "replaced_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "feedback_events" ADD CONSTRAINT "FK_648e9f0b9147ff5a359cd1ea499" FOREIGN KEY ("reply_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // Experiments as they run, and each user's variant from their first exposure (sticky).
    await queryRunner.query(`CREATE TABLE "experiments" ("key" character varying(64) NOT NULL, "definition" jsonb NOT NULL, "status" character varying(16) NOT NULL, "stopped_variants" character varying(64) array NOT NULL DEFAULT '{}', "stop_reasons" jsonb NOT NULL DEFAULT '{}', "started_at" TIMESTAMP WITH TIME ZONE, "stopped_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_01bf6d8c44927363c7ed5673fe0" PRIMARY KEY ("key"))`);
    await queryRunner.query(`CREATE TABLE "experiment_exposures" ("experiment_key" character varying(64) NOT NULL, "user_id" character varying(128) NOT NULL, "variant" character varying(64) NOT NULL, "first_exposed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a23ed865f784d593b0010064700" PRIMARY KEY ("experiment_key", "user_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_experiment_exposures_user" ON "experiment_exposures"  ("user_id") `);
    // Reactions carry the variant of the reply they are about (results per variant).
    await queryRunner.query(`ALTER TABLE "feedback_events" ADD "experiment" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "feedback_events" ADD "variant" character varying(64)`);
    await queryRunner.query(`CREATE INDEX "IDX_feedback_events_experiment" ON "feedback_events"  ("experiment", "variant") WHERE "experiment" IS NOT NULL`);
    await queryRunner.query(`DROP FUNCTION companion_claim_reply(uuid, uuid, varchar, integer, integer, uuid, integer)`);
    await queryRunner.query(claimReply(true));
    await queryRunner.query(`DROP FUNCTION companion_finish_reply(uuid, varchar, text, integer, varchar, varchar, varchar, integer, integer, integer, integer, text, varchar, varchar)`);
    await queryRunner.query(finishReply(true));
    await queryRunner.query(REGENERATE_REPLY);
    await queryRunner.query(CHOOSE_REPLY);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_feedback_events_experiment"`);
    await queryRunner.query(`ALTER TABLE "feedback_events" DROP COLUMN "variant"`);
    await queryRunner.query(`ALTER TABLE "feedback_events" DROP COLUMN "experiment"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_experiment_exposures_user"`);
    await queryRunner.query(`DROP TABLE "experiment_exposures"`);
    await queryRunner.query(`DROP TABLE "experiments"`);
    await queryRunner.query(`DROP FUNCTION companion_choose_reply(uuid, varchar)`);
    await queryRunner.query(`DROP FUNCTION companion_regenerate_reply(uuid, varchar)`);
    await queryRunner.query(`DROP FUNCTION companion_finish_reply(uuid, varchar, text, integer, varchar, varchar, varchar, integer, integer, integer, integer, text, varchar, varchar, jsonb)`);
    await queryRunner.query(finishReply(false));
    await queryRunner.query(`DROP FUNCTION companion_claim_reply(uuid, uuid, varchar, integer, integer, uuid, integer)`);
    await queryRunner.query(claimReply(false));
    await queryRunner.query(`ALTER TABLE "feedback_events" DROP CONSTRAINT "FK_648e9f0b9147ff5a359cd1ea499"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "replaced_at"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "route"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_training_consents_user"`);
    await queryRunner.query(`DROP TABLE "training_consents"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_feedback_events_user_client_msg"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_feedback_events_reply"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_feedback_events_time"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_feedback_events_user"`);
    await queryRunner.query(`DROP TABLE "feedback_events"`);
  }
}

/**
 * companion_claim_reply as the operator-tools migration left it (a conversation an operator holds
 * settles what is owed instead of claiming); `versions`: its history also leaves out replies
 * another version replaced.
 */
function claimReply(versions: boolean): string {
  return `
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
        -- that a prompt may show (never what the user asked to forget${versions ? ', nor a reply version\n        -- another replaced' : ''}), read under the lock.
        summary := conv.summary;
        SELECT coalesce(json_agg(h ORDER BY h.seq), '[]'::json), min(h.seq)
          INTO history, oldest_seq
          FROM (SELECT m.id, m.seq, m.role, m.content, m.content_tokens FROM messages m
                 WHERE m.conversation_id = p_conversation AND m.seq < created.seq
                   AND m.seq > conv.summary_until_seq AND m.content <> ''
                   AND (NOT m.memory_excluded OR m.id = latest.id)${versions ? '\n                   AND m.replaced_at IS NULL' : ''}
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
      $fn$`;
}

/** companion_finish_reply, with (`route`) or without the reply's route. */
function finishReply(route: boolean): string {
  return `
    CREATE FUNCTION companion_finish_reply(
      p_reply uuid, p_status varchar, p_content text, p_content_tokens integer,
      p_error_code varchar, p_model varchar, p_prompt_version varchar, p_ttft_ms integer,
      p_total_ms integer, p_prompt_tokens integer, p_completion_tokens integer,
      p_search_terms text, p_source varchar, p_output_blocked varchar${route ? ', p_route jsonb' : ''}
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
             source = p_source, output_blocked = p_output_blocked,${route ? ' route = p_route,' : ''}
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
    $fn$`;
}

/**
 * A new version of the user's latest reply: under the conversation's lock, the reply must be
 * theirs, finished, and answer the conversation's latest user message; its versions are marked
 * replaced and the message it answers is owed a reply again (the awaiting-reply sweep answers it
 * if this process dies first). Returns `ok`, or why not.
 */
const REGENERATE_REPLY = `
    CREATE FUNCTION companion_regenerate_reply(p_reply uuid, p_user varchar)
    RETURNS TABLE (outcome varchar, conversation_id uuid, answering_id uuid)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      target messages%ROWTYPE;
      answered messages%ROWTYPE;
    BEGIN
      SELECT * INTO target FROM messages m WHERE m.id = p_reply AND m.role = 'assistant';
      IF NOT FOUND THEN
        outcome := 'reply_not_found'; RETURN NEXT; RETURN;
      END IF;
      conversation_id := target.conversation_id;
      answering_id := target.in_reply_to;
      IF target.user_id <> p_user THEN
        outcome := 'reply_not_owned'; RETURN NEXT; RETURN;
      END IF;
      PERFORM 1 FROM conversations c WHERE c.id = target.conversation_id FOR UPDATE;
      IF EXISTS (SELECT 1 FROM messages s
                  WHERE s.conversation_id = target.conversation_id AND s.status = 'streaming') THEN
        outcome := 'reply_streaming'; RETURN NEXT; RETURN;
      END IF;
      SELECT * INTO answered FROM messages a WHERE a.id = target.in_reply_to;
      IF NOT FOUND OR answered.deleted_at IS NOT NULL OR target.deleted_at IS NOT NULL THEN
        outcome := 'reply_not_found'; RETURN NEXT; RETURN;
      END IF;
      IF EXISTS (SELECT 1 FROM messages n
                  WHERE n.conversation_id = target.conversation_id AND n.role = 'user'
                    AND n.seq > answered.seq) THEN
        outcome := 'reply_not_latest'; RETURN NEXT; RETURN;
      END IF;
      UPDATE messages v SET replaced_at = now()
       WHERE v.conversation_id = target.conversation_id AND v.in_reply_to = target.in_reply_to
         AND v.role = 'assistant' AND v.replaced_at IS NULL;
      UPDATE messages a SET reply_due_at = now(), reply_attempts = 0 WHERE a.id = answered.id;
      outcome := 'ok';
      RETURN NEXT;
    END
    $fn$`;

/**
 * The version of a reply the user keeps: under the conversation's lock, it is shown again and the
 * other versions of the same answer are marked replaced. Returns `ok`, or why not.
 */
const CHOOSE_REPLY = `
    CREATE FUNCTION companion_choose_reply(p_reply uuid, p_user varchar)
    RETURNS TABLE (outcome varchar, conversation_id uuid, versions integer)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      target messages%ROWTYPE;
    BEGIN
      SELECT * INTO target FROM messages m WHERE m.id = p_reply AND m.role = 'assistant';
      IF NOT FOUND OR target.deleted_at IS NOT NULL THEN
        outcome := 'reply_not_found'; RETURN NEXT; RETURN;
      END IF;
      conversation_id := target.conversation_id;
      IF target.user_id <> p_user THEN
        outcome := 'reply_not_owned'; RETURN NEXT; RETURN;
      END IF;
      PERFORM 1 FROM conversations c WHERE c.id = target.conversation_id FOR UPDATE;
      SELECT * INTO target FROM messages m WHERE m.id = p_reply;
      IF target.status = 'streaming' THEN
        outcome := 'reply_streaming'; RETURN NEXT; RETURN;
      END IF;
      UPDATE messages v
         SET replaced_at = CASE WHEN v.id = p_reply THEN NULL ELSE coalesce(v.replaced_at, now()) END
       WHERE v.conversation_id = target.conversation_id AND v.in_reply_to = target.in_reply_to
         AND v.role = 'assistant';
      GET DIAGNOSTICS versions = ROW_COUNT;
      outcome := 'ok';
      RETURN NEXT;
    END
    $fn$`;

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Safety1796251257757 implements MigrationInterface {
  name = 'Safety1796251257757';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "crisis_events" ("id" uuid NOT NULL, "user_id" character varying(128), "conversation_id" uuid, "message_id" uuid, "reply_id" uuid, "level" character varying(16) NOT NULL, "categories" character varying array NOT NULL DEFAULT '{}', "evidence" jsonb NOT NULL, "protocol_version" character varying(64) NOT NULL, "locale" character varying(35) NOT NULL, "resources" character varying array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_debe1083dd85d25e834f0f222f4" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_crisis_events_user" ON "crisis_events"  ("user_id") WHERE "user_id" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_crisis_events_created" ON "crisis_events"  ("created_at") `);
    await queryRunner.query(`CREATE TABLE "safety_flags" ("id" uuid NOT NULL, "kind" character varying(24) NOT NULL, "priority" smallint NOT NULL, "category" character varying(48) NOT NULL, "user_id" character varying(128) NOT NULL, "conversation_id" uuid NOT NULL, "message_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'open', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2d0fdfc45618e30dd3c6878bc69" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_safety_flags_user" ON "safety_flags"  ("user_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_safety_flags_queue" ON "safety_flags"  ("status", "priority", "created_at") `);
    await queryRunner.query(`CREATE TABLE "compliance_events" ("id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "conversation_id" uuid, "kind" character varying(24) NOT NULL, "policy" character varying(48) NOT NULL, "text_version" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7b8ce10267f7885587d185b33b3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_compliance_events_user" ON "compliance_events"  ("user_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "safety_user_states" ("user_id" character varying(128) NOT NULL, "risk_score" real NOT NULL DEFAULT '0', "risk_at" TIMESTAMP WITH TIME ZONE, "age_band" character varying(16), "session_started_at" TIMESTAMP WITH TIME ZONE, "last_active_at" TIMESTAMP WITH TIME ZONE, "last_disclosure_at" TIMESTAMP WITH TIME ZONE, "last_break_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2930cb9c4b2a9f070d28163d061" PRIMARY KEY ("user_id"))`);
    await queryRunner.query(`CREATE TABLE "safety_conversation_states" ("conversation_id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "risk_score" real NOT NULL DEFAULT '0', "risk_at" TIMESTAMP WITH TIME ZONE, "last_crisis_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b16a76638e63746bda03e7ef7bc" PRIMARY KEY ("conversation_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_safety_conversation_states_user" ON "safety_conversation_states"  ("user_id") `);
    await queryRunner.query(`ALTER TABLE "messages" ADD "source" character varying(16) NOT NULL DEFAULT 'model'`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "output_blocked" character varying(48)`);
    // A reply's finish also says who wrote it and what the output check withheld.
    await queryRunner.query(`DROP FUNCTION companion_finish_reply(uuid, varchar, text, integer, varchar, varchar, varchar, integer, integer, integer, integer, text)`);
    await queryRunner.query(finishReply(true));
    await queryRunner.query(`ALTER TABLE "crisis_events" ADD CONSTRAINT "FK_e22ccf50de10b3a103dcd6bea90" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "safety_flags" ADD CONSTRAINT "FK_55148c627736d3a02496403bbea" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "compliance_events" ADD CONSTRAINT "FK_c353bb3ad3d5e9c96bcc4d68e7d" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "safety_user_states" ADD CONSTRAINT "FK_2930cb9c4b2a9f070d28163d061" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "safety_conversation_states" ADD CONSTRAINT "FK_b16a76638e63746bda03e7ef7bc" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "safety_conversation_states" ADD CONSTRAINT "FK_3f2eae2ff79e290f5724fad6859" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "safety_conversation_states" DROP CONSTRAINT "FK_3f2eae2ff79e290f5724fad6859"`);
    await queryRunner.query(`ALTER TABLE "safety_conversation_states" DROP CONSTRAINT "FK_b16a76638e63746bda03e7ef7bc"`);
    await queryRunner.query(`ALTER TABLE "safety_user_states" DROP CONSTRAINT "FK_2930cb9c4b2a9f070d28163d061"`);
    await queryRunner.query(`ALTER TABLE "compliance_events" DROP CONSTRAINT "FK_c353bb3ad3d5e9c96bcc4d68e7d"`);
    await queryRunner.query(`ALTER TABLE "safety_flags" DROP CONSTRAINT "FK_55148c627736d3a02496403bbea"`);
    await queryRunner.query(`ALTER TABLE "crisis_events" DROP CONSTRAINT "FK_e22ccf50de10b3a103dcd6bea90"`);
    await queryRunner.query(`DROP FUNCTION companion_finish_reply(uuid, varchar, text, integer, varchar, varchar, varchar, integer, integer, integer, integer, text, varchar, varchar)`);
    await queryRunner.query(finishReply(false));
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "output_blocked"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "source"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_safety_conversation_states_user"`);
    await queryRunner.query(`DROP TABLE "safety_conversation_states"`);
    await queryRunner.query(`DROP TABLE "safety_user_states"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_compliance_events_user"`);
    await queryRunner.query(`DROP TABLE "compliance_events"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_safety_flags_queue"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_safety_flags_user"`);
    await queryRunner.query(`DROP TABLE "safety_flags"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_crisis_events_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_crisis_events_user"`);
    await queryRunner.query(`DROP TABLE "crisis_events"`);
  }
}

/** companion_finish_reply, with (`safety`) or without the source and output_blocked columns. */
function finishReply(safety: boolean): string {
  return `
    CREATE FUNCTION companion_finish_reply(
      p_reply uuid, p_status varchar, p_content text, p_content_tokens integer,
      p_error_code varchar, p_model varchar, p_prompt_version varchar, p_ttft_ms integer,
      p_total_ms integer, p_prompt_tokens integer, p_completion_tokens integer,
      p_search_terms text${safety ? ', p_source varchar, p_output_blocked varchar' : ''}
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
             ${safety ? 'source = p_source, output_blocked = p_output_blocked,' : ''}
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

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795360675890 implements MigrationInterface {
  name = 'Init1795360675890';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "users" ("id" character varying(128) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "conversations" ("id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "title" character varying(120), "last_seq" integer NOT NULL DEFAULT '0', "message_count" integer NOT NULL DEFAULT '0', "last_message_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_conversations_user_activity" ON "conversations"  ("user_id", "last_message_at") `);
    await queryRunner.query(`CREATE TABLE "messages" ("id" uuid NOT NULL, "conversation_id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "seq" integer NOT NULL, "role" character varying(16) NOT NULL, "kind" character varying(16) NOT NULL DEFAULT 'text', "content" text NOT NULL DEFAULT '', "content_tokens" integer, "client_msg_id" character varying(128), "in_reply_to" uuid, "status" character varying(16) NOT NULL, "error_code" character varying(64), "model" character varying(200), "prompt_version" character varying(100), "ttft_ms" integer, "total_ms" integer, "prompt_tokens" integer, "completion_tokens" integer, "lease_owner" character varying(100), "lease_expires_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_messages_streaming_lease" ON "messages"  ("lease_expires_at") WHERE "status" = 'streaming'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_messages_streaming_reply" ON "messages"  ("conversation_id") WHERE "status" = 'streaming'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_messages_user_client_msg" ON "messages"  ("user_id", "client_msg_id") WHERE "client_msg_id" IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_messages_conversation_seq" ON "messages"  ("conversation_id", "seq") `);
    await queryRunner.query(`ALTER TABLE "conversations" ADD CONSTRAINT "FK_3a9ae579e61e81cc0e989afeb4a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "messages" ADD CONSTRAINT "FK_3bc55a7c3f9ed54b520bb5cfe23" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "messages" ADD CONSTRAINT "FK_830a3c1d92614d1495418c46736" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" DROP CONSTRAINT "FK_830a3c1d92614d1495418c46736"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP CONSTRAINT "FK_3bc55a7c3f9ed54b520bb5cfe23"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP CONSTRAINT "FK_3a9ae579e61e81cc0e989afeb4a"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_messages_conversation_seq"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_messages_user_client_msg"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_messages_streaming_reply"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_messages_streaming_lease"`);
    await queryRunner.query(`DROP TABLE "messages"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_conversations_user_activity"`);
    await queryRunner.query(`DROP TABLE "conversations"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}

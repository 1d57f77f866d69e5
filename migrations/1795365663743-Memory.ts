import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Memory1795365663743 implements MigrationInterface {
  name = 'Memory1795365663743';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "memories" ("id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "kind" character varying(16) NOT NULL, "text" text NOT NULL, "language" character varying(8), "importance" real NOT NULL DEFAULT '0.5', "emotional_intensity" real NOT NULL DEFAULT '0', "valence" real, "arousal" real, "sensitive" boolean NOT NULL DEFAULT false, "core" boolean NOT NULL DEFAULT false, "event_from" TIMESTAMP WITH TIME ZONE, "event_to" TIMESTAMP WITH TIME ZONE, "valid_until" TIMESTAMP WITH TIME ZONE, "superseded_by" uuid, "source_message_ids" uuid array NOT NULL DEFAULT '{}', "origin" character varying(16) NOT NULL DEFAULT 'extraction', "dedupe_key" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aaa0692d9496fe827b0568612f8" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_memories_user_dedupe" ON "memories"  ("user_id", "dedupe_key") WHERE "superseded_by" IS NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_memories_user_current" ON "memories"  ("user_id", "updated_at") WHERE "superseded_by" IS NULL`);
    await queryRunner.query(`ALTER TABLE "users" ADD "memory_cursor" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "summary" text`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "summary_until_seq" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "search_terms" text`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "memory_excluded" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE INDEX "IDX_messages_user_created" ON "messages"  ("user_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "memories" ADD CONSTRAINT "FK_94d0e68b114888057511642c848" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "memories" DROP CONSTRAINT "FK_94d0e68b114888057511642c848"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_messages_user_created"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "memory_excluded"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "search_terms"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "summary_until_seq"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "summary"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "memory_cursor"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_memories_user_current"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_memories_user_dedupe"`);
    await queryRunner.query(`DROP TABLE "memories"`);
  }
}

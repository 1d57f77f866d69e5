import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AffectAndTraces1795365103034 implements MigrationInterface {
  name = 'AffectAndTraces1795365103034';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "turn_affects" ("message_id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "conversation_id" uuid NOT NULL, "valence" real NOT NULL, "arousal" real NOT NULL, "label" character varying(16) NOT NULL, "confidence" real NOT NULL, "incongruence" character varying(32), "affect" jsonb NOT NULL, "text_emotion" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dfb827d130612d4b3c24c0aadf1" PRIMARY KEY ("message_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_turn_affects_user_time" ON "turn_affects"  ("user_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "operator_audit" ("id" uuid NOT NULL, "operator_id" character varying(128) NOT NULL, "action" character varying(64) NOT NULL, "target_id" character varying(128) NOT NULL, "subject_user_id" character varying(128), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a8b3a0f3ea7cf7e4a0911811655" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_operator_audit_operator_time" ON "operator_audit"  ("operator_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "turn_traces" ("reply_id" uuid NOT NULL, "user_id" character varying(128) NOT NULL, "trace" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ce78126a79380ae77f9be6a1573" PRIMARY KEY ("reply_id"))`);
    await queryRunner.query(`ALTER TABLE "users" ADD "voice_baseline" jsonb`);
    await queryRunner.query(`ALTER TABLE "users" ADD "mood" jsonb`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "mood" jsonb`);
    await queryRunner.query(`ALTER TABLE "voice_clips" ADD "spectral_tilt" jsonb`);
    await queryRunner.query(`ALTER TABLE "voice_clips" ADD "baseline_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "turn_affects" ADD CONSTRAINT "FK_dfb827d130612d4b3c24c0aadf1" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "turn_affects" ADD CONSTRAINT "FK_04511eadf773f78c0d0fa9e66f0" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "turn_affects" ADD CONSTRAINT "FK_1fcf4ecf9c58fb682188a431419" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "turn_traces" ADD CONSTRAINT "FK_ce78126a79380ae77f9be6a1573" FOREIGN KEY ("reply_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "turn_traces" DROP CONSTRAINT "FK_ce78126a79380ae77f9be6a1573"`);
    await queryRunner.query(`ALTER TABLE "turn_affects" DROP CONSTRAINT "FK_1fcf4ecf9c58fb682188a431419"`);
    await queryRunner.query(`ALTER TABLE "turn_affects" DROP CONSTRAINT "FK_04511eadf773f78c0d0fa9e66f0"`);
    await queryRunner.query(`ALTER TABLE "turn_affects" DROP CONSTRAINT "FK_dfb827d130612d4b3c24c0aadf1"`);
    await queryRunner.query(`ALTER TABLE "voice_clips" DROP COLUMN "baseline_at"`);
    await queryRunner.query(`ALTER TABLE "voice_clips" DROP COLUMN "spectral_tilt"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "mood"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "mood"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "voice_baseline"`);
    await queryRunner.query(`DROP TABLE "turn_traces"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_operator_audit_operator_time"`);
    await queryRunner.query(`DROP TABLE "operator_audit"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_turn_affects_user_time"`);
    await queryRunner.query(`DROP TABLE "turn_affects"`);
  }
}

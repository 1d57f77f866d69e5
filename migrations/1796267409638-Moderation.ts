import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Moderation1796267409638 implements MigrationInterface {
  name = 'Moderation1796267409638';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "moderation_events" ("id" uuid NOT NULL, "subject_kind" character varying(16) NOT NULL, "subject_id" character varying(128) NOT NULL, "user_id" character varying(128) NOT NULL, "actor" character varying(128) NOT NULL, "action" character varying(24) NOT NULL, "reason" text, "policy" character varying(64), "until" TIMESTAMP WITH TIME ZONE, "data" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_723937fdc5b9485fb3a7b16b903" PRIMARY KEY ("id"))`);
    // A user's history (operator subject view, the user's own list, export) and a subject's.
    await queryRunner.query(`CREATE INDEX "IDX_moderation_events_subject_time" ON "moderation_events"  ("subject_kind", "subject_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_moderation_events_user_time" ON "moderation_events"  ("user_id", "created_at") `);
    // What is in force for a user: the gateway reads one row by primary key per message.
    await queryRunner.query(`CREATE TABLE "user_restrictions" ("user_id" character varying(128) NOT NULL, "muted_until" TIMESTAMP WITH TIME ZONE, "suspended_until" TIMESTAMP WITH TIME ZONE, "banned" boolean NOT NULL DEFAULT false, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b2539d4941dd4892e2afbbba55" PRIMARY KEY ("user_id"))`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    // Flags raised so far came from the crisis protocol or the output check; a crisis is now
    // always priority 1 (on top of the queue), its level kept as the severity.
    await queryRunner.query(`ALTER TABLE "safety_flags" ADD "source" character varying(24)`);
    await queryRunner.query(`ALTER TABLE "safety_flags" ADD "severity" character varying(16)`);
    await queryRunner.query(`UPDATE "safety_flags" SET "source" = "kind", "severity" = CASE WHEN "kind" = 'crisis' THEN (CASE WHEN "priority" = 1 THEN 'critical' ELSE 'high' END) END, "priority" = CASE WHEN "kind" = 'crisis' THEN 1 ELSE "priority" END`);
    await queryRunner.query(`ALTER TABLE "safety_flags" ALTER COLUMN "source" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "safety_flags" ADD "assignee" character varying(128)`);
    await queryRunner.query(`ALTER TABLE "safety_flags" ADD "claim_expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "safety_flags" ADD "sla_due_at" TIMESTAMP WITH TIME ZONE`);
    // The operators' queue: open and escalated flags by (priority, created_at, id), keyset pages.
    await queryRunner.query(`CREATE INDEX "IDX_safety_flags_review" ON "safety_flags"  ("priority", "created_at", "id") WHERE "status" <> 'closed'`);
    // The audit log read whole, newest first, a page at a time (admins).
    await queryRunner.query(`CREATE INDEX "IDX_operator_audit_time" ON "operator_audit"  ("created_at", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_operator_audit_time"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_safety_flags_review"`);
    await queryRunner.query(`ALTER TABLE "safety_flags" DROP COLUMN "sla_due_at"`);
    await queryRunner.query(`ALTER TABLE "safety_flags" DROP COLUMN "claim_expires_at"`);
    await queryRunner.query(`ALTER TABLE "safety_flags" DROP COLUMN "assignee"`);
    await queryRunner.query(`ALTER TABLE "safety_flags" DROP COLUMN "severity"`);
    await queryRunner.query(`ALTER TABLE "safety_flags" DROP COLUMN "source"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "deleted_at"`);
    await queryRunner.query(`DROP TABLE "user_restrictions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_moderation_events_user_time"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_moderation_events_subject_time"`);
    await queryRunner.query(`DROP TABLE "moderation_events"`);
  }
}

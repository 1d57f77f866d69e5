import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AnalyticsRollups1796300000000 implements MigrationInterface {
  name = 'AnalyticsRollups1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "analytics_user_days" ("user_id" character varying(128) NOT NULL, "day" date NOT NULL, "messages" integer NOT NULL DEFAULT '0', "voice_messages" integer NOT NULL DEFAULT '0', "replies" integer NOT NULL DEFAULT '0', "sessions" integer NOT NULL DEFAULT '0', "session_seconds" integer NOT NULL DEFAULT '0', "late_night_messages" integer NOT NULL DEFAULT '0', "first_message_at" TIMESTAMP WITH TIME ZONE, "last_message_at" TIMESTAMP WITH TIME ZONE, "first_voice_at" TIMESTAMP WITH TIME ZONE, "last_voice_at" TIMESTAMP WITH TIME ZONE, "thumbs_up" integer, "thumbs_down" integer, "regenerates" integer, "crisis_events" integer NOT NULL DEFAULT '0', "crisis_referrals" integer NOT NULL DEFAULT '0', "notices_shown" integer NOT NULL DEFAULT '0', "valence_sum" double precision NOT NULL DEFAULT '0', "affect_count" integer NOT NULL DEFAULT '0', "experiment_variant" character varying(64), "platform" character varying(16), "app_version" character varying(32), "age_band" character varying(16), "signup_day" date, "rolled_up_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2fb79150dbfcd710086559c7c71" PRIMARY KEY ("user_id", "day"))`);
    // The nightly roll-up replaces a whole day; exports read a range of days.
    await queryRunner.query(`CREATE INDEX "IDX_analytics_user_days_day" ON "analytics_user_days"  ("day") `);
    await queryRunner.query(`CREATE TABLE "analytics_sessions" ("user_id" character varying(128) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "day" date NOT NULL, "seconds" integer NOT NULL, "messages" integer NOT NULL, CONSTRAINT "PK_380e832e894fc6cb402b34f6c2c" PRIMARY KEY ("user_id", "started_at"))`);
    await queryRunner.query(`CREATE INDEX "IDX_analytics_sessions_day" ON "analytics_sessions"  ("day") `);
    await queryRunner.query(`CREATE TABLE "analytics_rollup_days" ("day" date NOT NULL, "rolled_up_at" TIMESTAMP WITH TIME ZONE NOT NULL, "complete" boolean NOT NULL, "user_days" integer NOT NULL, CONSTRAINT "PK_analytics_rollup_days" PRIMARY KEY ("day"))`);
    // What the app says in its handshake (platform, app version), kept like locale and time zone.
    await queryRunner.query(`ALTER TABLE "users" ADD "platform" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "users" ADD "app_version" character varying(32)`);
    // The roll-up reads one day of every user's rows from these tables. Their rows arrive in
    // time order, so a BRIN index finds a day's pages for almost no upkeep on the turn's writes
    // (a b-tree on created_at would add a write to every message). The entities mark them
    // synchronize: false: TypeORM cannot describe a BRIN index.
    await queryRunner.query(`CREATE INDEX "IDX_messages_created_brin" ON "messages" USING brin ("created_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_turn_affects_created_brin" ON "turn_affects" USING brin ("created_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_compliance_events_created_brin" ON "compliance_events" USING brin ("created_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_compliance_events_created_brin"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_turn_affects_created_brin"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_messages_created_brin"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "app_version"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "platform"`);
    await queryRunner.query(`DROP TABLE "analytics_rollup_days"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_analytics_sessions_day"`);
    await queryRunner.query(`DROP TABLE "analytics_sessions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_analytics_user_days_day"`);
    await queryRunner.query(`DROP TABLE "analytics_user_days"`);
  }
}

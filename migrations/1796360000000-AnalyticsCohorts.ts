import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AnalyticsCohorts1796360000000 implements MigrationInterface {
  name = 'AnalyticsCohorts1796360000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Kept by the roll-ups from analytics_user_days. Days rolled up before this table existed
    // are brought in once with `npm run -s analytics:export -- --rebuild-cohorts`
    // (docs/analytics.md#the-cohort-roll-up).
    await queryRunner.query(`CREATE TABLE "analytics_user_cohorts" ("user_id" character varying(128) NOT NULL, "event" character varying(16) NOT NULL, "first_day" date NOT NULL, "first_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_day" date NOT NULL, "active_days" bit varying NOT NULL, "day_firsts" TIMESTAMP WITH TIME ZONE array NOT NULL, "day_lasts" TIMESTAMP WITH TIME ZONE array NOT NULL, "signup_day" date, "platform" character varying(16), "experiment_variant" character varying(64), "age_band" character varying(16), "first_week_voice" boolean NOT NULL, "first_week_valence_sum" double precision NOT NULL, "first_week_affect_count" integer NOT NULL, "rolled_up_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1e5c03715453aa7eb4431c11e25" PRIMARY KEY ("user_id", "event"))`);
    // Retention reads the cohorts of a range of first days.
    await queryRunner.query(`CREATE INDEX "IDX_analytics_user_cohorts_first" ON "analytics_user_cohorts"  ("event", "first_day") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_analytics_user_cohorts_first"`);
    await queryRunner.query(`DROP TABLE "analytics_user_cohorts"`);
  }
}

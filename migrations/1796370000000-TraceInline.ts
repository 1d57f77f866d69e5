import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TraceInline1796370000000 implements MigrationInterface {
  name = 'TraceInline1796370000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // A turn's trace is 3-6 KB of jsonb, written once per turn in the finish's statement. Past the
    // default 2 KB target PostgreSQL compressed each one (pglz: 4% of its CPU in the chat bench) and
    // still moved it out to the TOAST table; kept in the row up to a page, an insert costs about
    // half (docs/architecture.md#the-cost-of-a-turn), for a table about a quarter larger.
    await queryRunner.query(`ALTER TABLE "turn_traces" SET (toast_tuple_target = 8160)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "turn_traces" RESET (toast_tuple_target)`);
  }
}

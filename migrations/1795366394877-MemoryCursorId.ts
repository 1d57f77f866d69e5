import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Memory extraction's cursor becomes (created_at, id) so messages sharing an instant are not skipped. */
export class MemoryCursorId1795366394877 implements MigrationInterface {
  name = 'MemoryCursorId1795366394877';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "memory_cursor_id" uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "memory_cursor_id"`);
  }
}

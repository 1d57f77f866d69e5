import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Embeddings of messages and memories for semantic recall (nullable: filled when configured). */
export class MemoryEmbeddings1795366650683 implements MigrationInterface {
  name = 'MemoryEmbeddings1795366650683';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" ADD "embedding" bytea`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "embedding_model" character varying(100)`);
    await queryRunner.query(`ALTER TABLE "memories" ADD "embedding" bytea`);
    await queryRunner.query(`ALTER TABLE "memories" ADD "embedding_model" character varying(100)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "memories" DROP COLUMN "embedding_model"`);
    await queryRunner.query(`ALTER TABLE "memories" DROP COLUMN "embedding"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "embedding_model"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "embedding"`);
  }
}

/**
 * Writes a migration from the difference between the entities and the migrations so far:
 *   npm run migration:generate -- AddSomething
 * It builds a scratch database from the existing migrations (on DATABASE_URL's server, default
 * the local Postgres), asks TypeORM's schema builder for the missing SQL and writes it to
 * migrations/, then registers the class in migrations/index.ts. Review the file before committing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { pendingSchemaChanges, runMigrations } from '../src/database/data-source.js';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run migration:generate -- PascalCaseName');
  process.exit(2);
}

const serverUrl = new URL(
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);
const scratch = `migration_scratch_${process.pid}`;
const admin = new pg.Client({ connectionString: serverUrl.href });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
try {
  const url = new URL(serverUrl.href);
  url.pathname = `/${scratch}`;
  await runMigrations(url.href);
  const { up, down } = await pendingSchemaChanges(url.href);
  if (up.length === 0) {
    console.log('entities and migrations agree: nothing to generate');
  } else {
    const stamp = Date.now();
    const className = `${name}${stamp}`;
    const file = resolve(import.meta.dirname, '..', 'migrations', `${stamp}-${name}.ts`);
    const q = (sql: string) =>
      `    await queryRunner.query(\`${sql.replace(/[`\\]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${')}\`);`;
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${up.map(q).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${down.map(q).join('\n')}
  }
}
`,
    );
    const index = resolve(import.meta.dirname, '..', 'migrations', 'index.ts');
    let source = readFileSync(index, 'utf8');
    source = source.replace(
      /(import type \{ MigrationInterface \} from 'typeorm';\n)/,
      `$1import { ${className} } from './${stamp}-${name}.js';\n`,
    );
    source = source.replace(/ = \[([^\]]*)\];/, (_m, list: string) => {
      const items = list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return ` = [\n${[...items, className].map((c) => `  ${c},`).join('\n')}\n];`;
    });
    writeFileSync(index, source);
    console.log(`wrote ${file} (${up.length} statements); review it, then commit`);
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.end();
}

/**
 * Applies pending migrations to DATABASE_URL and prints what it applied.
 *   npm run migration:run            (from a checkout)
 *   node dist/scripts/migrate.js     (in the container image)
 * The service also runs them at start-up, under an advisory lock so pods take turns.
 */
import { runMigrations } from '../src/database/data-source.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
try {
  const applied = await runMigrations(url);
  console.log(
    applied.length
      ? `applied: ${applied.join(', ')}`
      : 'nothing to apply: the schema is up to date',
  );
} catch (e) {
  console.error(`migration failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

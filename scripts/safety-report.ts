/**
 * The yearly, non-identifying counts of crisis referrals (California SB 243's annual report):
 *   DATABASE_URL=postgres://… npm run -s safety:report -- --year 2026 [--json]
 * Counts crisis protocol replies (events) and those that gave crisis resources (referrals), by
 * month, level, category and locale. Nothing in it names a user, a conversation or a message.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { SafetyRepository } from '../src/safety/safety.repository.js';

const args = process.argv.slice(2);
const at = args.indexOf('--year');
const year = at >= 0 ? Number(args[at + 1]) : new Date().getUTCFullYear() - 1;
if (!Number.isInteger(year) || year < 2000 || year > 2100) {
  console.error('usage: npm run -s safety:report -- --year YYYY [--json]');
  process.exit(2);
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const ds = new DataSource({ ...dataSourceOptions(url, 2), logging: false });
await ds.initialize();
try {
  const repository = new SafetyRepository(ds);
  const report = await repository.yearlyReport(year);
  const totals = report;
  const rows = report.breakdown;
  if (args.includes('--json')) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`Crisis protocol referrals, ${year} (UTC)`);
    console.log(`  crisis protocol replies: ${totals.events}`);
    console.log(`  referrals to crisis services: ${totals.referrals}`);
    console.log('  month    level     category      locale  events  referrals');
    for (const r of rows) {
      console.log(
        `  ${String(r.month)}  ${String(r.level).padEnd(8)}  ${String(r.category).padEnd(12)}  ${String(r.locale).padEnd(6)}  ${String(r.events).padStart(6)}  ${String(r.referrals).padStart(9)}`,
      );
    }
  }
} finally {
  await ds.destroy();
}

/**
 * Analytics from the command line (docs/analytics.md#exports):
 *   DATABASE_URL=postgres://… npm run -s analytics:export -- --dataset retention --format csv \
 *     --from 2026-03-01 --to 2026-03-31 --offsets 1,7,30 --breakdowns platform,age_band [--out f]
 *   DATABASE_URL=postgres://… npm run -s analytics:export -- --backfill --from 2026-01-01 --to 2026-03-31
 *   DATABASE_URL=postgres://… npm run -s analytics:export -- --rebuild-cohorts
 * Every option of the HTTP API's query is a `--name value` here; without --out the file goes to
 * standard output. --backfill rolls up the days instead (idempotent; a day at a time, each day's
 * users' cohort rows with it). --rebuild-cohorts builds every user's cohort rows again from the
 * days already rolled up (once, for days rolled up before analytics_user_cohorts existed).
 */
import { FeedbackRepository } from '../src/feedback/feedback.repository.js';
import { ExperimentRepository } from '../src/feedback/experiments/experiment.repository.js';
import { createWriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { AffectRepository } from '../src/affect/affect.repository.js';
import { analyticsQuerySchema } from '../src/analytics/analytics.protocol.js';
import { AnalyticsRepository } from '../src/analytics/analytics.repository.js';
import { AnalyticsService } from '../src/analytics/analytics.service.js';
import { loadConfig } from '../src/config/app-config.js';
import { MessageRepository } from '../src/conversation/message.repository.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { SafetyRepository } from '../src/safety/safety.repository.js';

function fail(message: string): never {
  console.error(message);
  console.error(
    'usage: npm run -s analytics:export -- [--dataset D] [--format csv|jsonl|parquet] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--offsets 1,7,30] [--return on|on_or_after] [--cohorts first_time|recurring] [--mode calendar|rolling] [--granularity day|week|month] [--breakdowns a,b] [--cohortEvent E] [--returnEvent E] [--out FILE]\n       npm run -s analytics:export -- --backfill --from YYYY-MM-DD --to YYYY-MM-DD\n       npm run -s analytics:export -- --rebuild-cohorts',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const options: Record<string, string> = {};
let backfill = false;
let rebuildCohorts = false;
let outFile: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--backfill') backfill = true;
  else if (a === '--rebuild-cohorts') rebuildCohorts = true;
  else if (a.startsWith('--') && i + 1 < args.length) {
    if (a === '--out') outFile = args[++i];
    else options[a.slice(2)] = args[++i];
  } else fail(`unexpected argument: ${a}`);
}
const url = process.env.DATABASE_URL;
if (!url) fail('DATABASE_URL is not set');

const config = loadConfig(process.env);
const ds = new DataSource({ ...dataSourceOptions(url, 4), logging: false });
await ds.initialize();
try {
  const messages = new MessageRepository(ds);
  const analytics = new AnalyticsService(
    config,
    new AnalyticsRepository(ds),
    messages,
    new SafetyRepository(ds),
    new AffectRepository(ds),
    new FeedbackRepository(ds),
    new ExperimentRepository(ds),
  );
  const parsed = analyticsQuerySchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}`);
  }
  if (rebuildCohorts) {
    const started = Date.now();
    const users = await analytics.rebuildCohorts();
    console.error(
      `rebuilt the cohort rows of ${users} users in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } else if (backfill) {
    if (!parsed.data.from || !parsed.data.to) fail('--backfill needs --from and --to');
    const started = Date.now();
    const done = await analytics.rollupDays(parsed.data.from, parsed.data.to);
    console.error(
      `rolled up ${done.days} days: ${done.userDays} user days, ${done.sessions} sessions, ${done.cohortUsers} users' cohort rows in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } else {
    const resolved = await analytics
      .resolve(parsed.data)
      .catch((e: unknown) =>
        fail(JSON.stringify((e as { response?: unknown }).response ?? (e as Error).message)),
      );
    const prepared = await analytics.prepareExport(resolved);
    if (outFile) {
      await prepared.write(createWriteStream(outFile));
      console.error(`wrote ${outFile}`);
    } else {
      // Standard output is never ended by the writer: the rows go through a pipe.
      const pipe = new PassThrough();
      pipe.pipe(process.stdout, { end: false });
      await prepared.write(pipe);
    }
  }
} finally {
  await ds.destroy();
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventBus } from '../jobs/event-bus.js';
import { EventName, JobName } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import type { Dataset } from './analytics.protocol.js';
import { AnalyticsService } from './analytics.service.js';
import { dayNumber, isoDay, zoneOffsetMs } from './calendar.js';

/** How often the nightly job looks whether today's run is due. */
const CHECK_EVERY_MS = 15 * 60_000;

/** The datasets the nightly run writes, each in every ANALYTICS_EXPORT_FORMATS. */
const NIGHTLY_DATASETS: Dataset[] = ['retention', 'activity', 'sessions', 'guardrails'];

/**
 * The analytics jobs (docs/analytics.md#roll-ups): a user's day rolled up again
 * ANALYTICS_ROLLUP_DELAY_MS after their turns (one job per user and day however many turns),
 * and the nightly run: from ANALYTICS_NIGHTLY_HOUR, once a local day, the last two days rolled up
 * whole (yesterday, and the day before for sessions that ran past midnight) and the dated files
 * written under ANALYTICS_EXPORT_DIR/<yesterday>/. Jobs only call the service.
 */
@Injectable()
export class AnalyticsRollupJob implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(AnalyticsRollupJob.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly events: EventBus,
    private readonly queue: JobQueue,
    private readonly analytics: AnalyticsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.AnalyticsRollupUser, ({ userId, day }) =>
      this.analytics.rollupDays(day, day, [userId]),
    );
    this.registry.register(JobName.AnalyticsNightly, () => this.nightly());
    this.events.subscribe(EventName.TurnCompleted, JobName.AnalyticsRollupUser, (turn) => {
      const day = this.analytics.today();
      return [
        {
          data: { userId: turn.userId, day },
          options: {
            jobId: `analytics-${turn.userId.replace(/:/g, '_')}-${day}`,
            delayMs: this.config.analytics.rollupDelayMs,
            removeOnFail: true,
          },
        },
      ];
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue
      .repeat(JobName.AnalyticsNightly, {}, CHECK_EVERY_MS)
      .catch((e: unknown) =>
        this.logger.warn({ err: String(e) }, 'could not schedule the nightly analytics run'),
      );
  }

  /**
   * Runs when due: after ANALYTICS_NIGHTLY_HOUR local time, and yesterday's folder not yet
   * written. Returns the folder written, or null when nothing was due.
   */
  async nightly(now = Date.now()): Promise<string | null> {
    const { timeZone, nightlyHour, exportDir, exportFormats } = this.config.analytics;
    const localHour = new Date(now + zoneOffsetMs(timeZone, now)).getUTCHours();
    if (localHour < nightlyHour) return null;
    const yesterday = isoDay(dayNumber(this.analytics.today(now)) - 1);
    const folder = join(exportDir, yesterday);
    if (existsSync(folder)) return null;
    const result = await this.analytics.rollupDays(isoDay(dayNumber(yesterday) - 1), yesterday);
    this.analytics.logRollup(yesterday, result);
    const partial = `${folder}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    for (const dataset of NIGHTLY_DATASETS) {
      for (const format of exportFormats) {
        const resolved = await this.analytics.resolve({ dataset, format, to: yesterday });
        const prepared = await this.analytics.prepareExport(resolved);
        const file = createWriteStream(join(partial, `${dataset}.${format}`));
        const closed = once(file, 'close');
        await prepared.write(file);
        await closed;
      }
    }
    await rename(partial, folder);
    this.logger.log({ folder, formats: exportFormats }, 'nightly analytics exports written');
    return folder;
  }
}

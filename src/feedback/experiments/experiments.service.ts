import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Batcher } from '../../common/batcher.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { assignVariant, type Assignment, type Audience } from './assign.js';
import { ExperimentRepository, type ExperimentRow } from './experiment.repository.js';

/** How often every pod reads the experiments again (status, split, stopped variants). */
export const EXPERIMENTS_RELOAD_MS = 5_000;
/** How long a user's stored variants are kept in memory, and how many users at most. */
const ASSIGNMENTS_TTL_MS = 10 * 60_000;
const ASSIGNMENTS_MAX_USERS = 100_000;

interface Cached {
  at: number;
  stored: Map<string, string> | null;
  loading: Promise<void> | null;
}

/**
 * Experiments as this process runs them (docs/model-loop.md). Definitions and status come from
 * the database (seeded from the routing file), read again every few seconds in the background.
 * A user's variant: the one stored at their first exposure, else FNV-1a of key and user id (the
 * same on every pod). Stored variants are read once per user and pod and cached, started when the
 * turn starts (in parallel with admission and the claim); the route stage's decision itself reads
 * memory only. A first exposure is stored when a reply of the variant is served, batched.
 */
@Injectable()
export class ExperimentsService
  implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ExperimentsService.name);
  private running: ExperimentRow[] = [];
  private readonly cache = new Map<string, Cached>();
  private readonly exposures: Batcher<{ key: string; userId: string; variant: string }>;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: ExperimentRepository,
  ) {
    this.exposures = new Batcher((batch) => this.repo.storeExposures(batch), 50);
  }

  async onModuleInit(): Promise<void> {
    await this.repo.seed(this.config.routing?.experiments ?? []);
    await this.reload();
    this.timer = setInterval(() => void this.reload(), EXPERIMENTS_RELOAD_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.exposures.flush().catch(() => undefined);
  }

  /** Reads the experiments again now (also after an admin changes one on this pod). */
  async reload(): Promise<void> {
    try {
      this.running = (await this.repo.list()).filter((e) => e.status === 'running');
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'could not read experiments; keeping the last ones');
    }
  }

  get active(): readonly ExperimentRow[] {
    return this.running;
  }

  /**
   * Starts reading the user's stored variants when an experiment runs and they are not cached;
   * the returned promise settles when they are (never rejects: without them, the hash decides).
   */
  warm(userId: string, now = Date.now()): Promise<void> {
    if (this.running.length === 0) return Promise.resolve();
    const hit = this.cache.get(userId);
    if (hit && (hit.loading || now - hit.at < ASSIGNMENTS_TTL_MS)) {
      return hit.loading ?? Promise.resolve();
    }
    if (this.cache.size >= ASSIGNMENTS_MAX_USERS) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    const entry: Cached = { at: now, stored: hit?.stored ?? null, loading: null };
    entry.loading = this.repo
      .assignmentsOf(userId)
      .then((stored) => {
        entry.stored = stored;
      })
      .catch((e: unknown) => {
        this.logger.warn({ err: String(e) }, 'could not read stored variants');
      })
      .finally(() => {
        entry.loading = null;
      });
    this.cache.delete(userId);
    this.cache.set(userId, entry);
    return entry.loading;
  }

  /**
   * The variant for this turn, from memory: the stored one, else the hash's. A stopped variant
   * serves the control. Null when no running experiment takes the user.
   */
  assign(audience: Audience): Assignment | null {
    for (const e of this.running) {
      const def = e.definition;
      const stored = this.cache.get(audience.userId)?.stored?.get(e.key);
      let variant = stored ?? assignVariant(def, audience)?.variant;
      if (!variant) continue;
      if (e.stoppedVariants.includes(variant)) variant = def.control;
      const route = def.variants.find((v) => v.name === variant)?.route;
      if (route) return { experiment: e.key, variant, route };
    }
    return null;
  }

  /** A reply of the variant was served: the user's first exposure is stored (sticky from then). */
  expose(userId: string, key: string, variant: string): void {
    const entry = this.cache.get(userId);
    const stored = entry?.stored?.get(key);
    if (stored !== undefined) return;
    if (entry) {
      entry.stored ??= new Map();
      entry.stored.set(key, variant);
    }
    this.exposures
      .add({ key, userId, variant })
      .catch((e: unknown) => this.logger.warn({ err: String(e) }, 'could not store an exposure'));
  }

  /** Drops what is cached of a user (their data was deleted). */
  forget(userId: string): void {
    this.cache.delete(userId);
  }
}

import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { REDIS } from '../common/redis.module.js';
import { RateWindow, type RateDecision } from '../common/rate-window.js';
import { Metrics } from '../observability/metrics.js';
import { UserPresence } from './user-presence.js';

export type { RateDecision };

/**
 * Messages (text and voice) per user per minute, shared by every pod with Redis. A user whose
 * every socket is on this pod is counted here after their first message, Redis kept up to date
 * without waiting (RateWindow's holder): most messages cost no round trip before their insert.
 * Those counts are sent together every few milliseconds, and at shutdown before Redis closes.
 */
@Injectable()
export class MessageRateLimiter implements BeforeApplicationShutdown {
  private readonly window: RateWindow;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) redis: Redis | null,
    presence: UserPresence,
    private readonly metrics: Metrics,
  ) {
    this.window = new RateWindow(
      redis,
      `${config.redis.prefix}:rl:msg`,
      config.chat.rateLimitPerMinute,
      60_000,
      presence,
    );
  }

  async take(userId: string, now = Date.now()): Promise<RateDecision> {
    const decision = await this.window.take(userId, now);
    this.metrics.rateLimitTakes.inc({ counted_by: decision.countedBy });
    return decision;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.window.flush();
  }

  /** Gives back a token taken for a message that turned out to be a repeat. */
  refund(userId: string, now = Date.now()): Promise<void> {
    return this.window.refund(userId, now);
  }
}

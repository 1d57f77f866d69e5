import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { REDIS } from '../common/redis.module.js';

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

const WINDOW_MS = 60_000;

/**
 * Messages per user per minute, in fixed one-minute windows: in Redis when configured (shared by
 * every pod), else in memory. If Redis is unreachable the limiter lets messages through and says
 * so in the logs: refusing every user during an outage would be worse than a brief lack of limits.
 */
@Injectable()
export class MessageRateLimiter {
  private readonly logger = new Logger(MessageRateLimiter.name);
  private readonly local = new Map<string, { window: number; count: number }>();
  private readonly limit: number;
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {
    this.limit = config.chat.rateLimitPerMinute;
    this.prefix = config.redis.prefix;
  }

  async take(userId: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const retryAfterMs = (window + 1) * WINDOW_MS - now;
    const count = this.redis
      ? await this.takeRedis(userId, window)
      : this.takeLocal(userId, window);
    return count === null || count <= this.limit
      ? { allowed: true, retryAfterMs: 0 }
      : { allowed: false, retryAfterMs };
  }

  /** Gives back a token taken for a message that turned out to be a repeat. */
  async refund(userId: string, now = Date.now()): Promise<void> {
    const window = Math.floor(now / WINDOW_MS);
    if (!this.redis) {
      const entry = this.local.get(userId);
      if (entry?.window === window && entry.count > 0) entry.count--;
      return;
    }
    await this.redis.decr(`${this.prefix}:rl:msg:${userId}:${window}`).catch(() => undefined);
  }

  private async takeRedis(userId: string, window: number): Promise<number | null> {
    const key = `${this.prefix}:rl:msg:${userId}:${window}`;
    try {
      const results = await this.redis!.multi()
        .incr(key)
        .pexpire(key, WINDOW_MS * 2)
        .exec();
      return Number(results?.[0]?.[1] ?? 0);
    } catch (e) {
      this.logger.warn(
        { err: String(e) },
        'rate limiter unavailable (redis); allowing the message',
      );
      return null;
    }
  }

  private takeLocal(userId: string, window: number): number {
    const entry = this.local.get(userId);
    if (!entry || entry.window !== window) {
      if (this.local.size > 100_000) this.local.clear();
      this.local.set(userId, { window, count: 1 });
      return 1;
    }
    return ++entry.count;
  }
}

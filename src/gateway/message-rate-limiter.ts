import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { REDIS } from '../common/redis.module.js';
import { RateWindow, type RateDecision } from '../common/rate-window.js';

export type { RateDecision };

/** Messages (text and voice) per user per minute, shared by every pod with Redis. */
@Injectable()
export class MessageRateLimiter {
  private readonly window: RateWindow;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REDIS) redis: Redis | null) {
    this.window = new RateWindow(
      redis,
      `${config.redis.prefix}:rl:msg`,
      config.chat.rateLimitPerMinute,
      60_000,
    );
  }

  take(userId: string, now = Date.now()): Promise<RateDecision> {
    return this.window.take(userId, now);
  }

  /** Gives back a token taken for a message that turned out to be a repeat. */
  refund(userId: string, now = Date.now()): Promise<void> {
    return this.window.refund(userId, now);
  }
}

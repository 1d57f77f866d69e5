import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

/** INCR, and PEXPIRE when the key is new (sent by its SHA: EVALSHA, EVAL only the first time). */
const TAKE_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

type ScriptedRedis = Redis & { rateWindowTake(key: string, ttlMs: number): Promise<number> };

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/**
 * Counts one user's actions of one kind in fixed windows: in Redis when configured (shared by
 * every pod), else in memory. If Redis is unreachable the action is allowed and the logs say so:
 * refusing every user during an outage would be worse than a brief lack of limits.
 */
export class RateWindow {
  private readonly logger = new Logger(RateWindow.name);
  private readonly local = new Map<string, { window: number; count: number }>();

  constructor(
    private readonly redis: Redis | null,
    /** Key prefix, e.g. `companion:rl:msg`. */
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    const scripted = redis as ScriptedRedis | null;
    if (scripted && typeof scripted.rateWindowTake !== 'function') {
      scripted.defineCommand('rateWindowTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    }
  }

  async take(userId: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / this.windowMs);
    const retryAfterMs = (window + 1) * this.windowMs - now;
    const count = this.redis
      ? await this.takeRedis(userId, window)
      : this.takeLocal(userId, window);
    return count === null || count <= this.limit
      ? { allowed: true, retryAfterMs: 0 }
      : { allowed: false, retryAfterMs };
  }

  /** Gives back one taken in the current window. */
  async refund(userId: string, now = Date.now()): Promise<void> {
    const window = Math.floor(now / this.windowMs);
    if (!this.redis) {
      const entry = this.local.get(userId);
      if (entry?.window === window && entry.count > 0) entry.count--;
      return;
    }
    await this.redis.decr(`${this.prefix}:${userId}:${window}`).catch(() => undefined);
  }

  private async takeRedis(userId: string, window: number): Promise<number | null> {
    const key = `${this.prefix}:${userId}:${window}`;
    try {
      // One command: the count, with its expiry set by the window's first action.
      const count = await (this.redis as ScriptedRedis).rateWindowTake(key, this.windowMs * 2);
      return Number(count ?? 0);
    } catch (e) {
      this.logger.warn(
        { err: String(e), limit: this.prefix },
        'rate limit unavailable (redis); allowing',
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

import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

/** INCR, and PEXPIRE when the key is new (sent by its SHA: EVALSHA, EVAL only the first time). */
const TAKE_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Adds each key's count (negative for counts given back) and gives a key without an expiry the
 * window's: the counts a process made alone, sent together.
 */
const ADD_SCRIPT = `for i, key in ipairs(KEYS) do
  redis.call('INCRBY', key, ARGV[i + 1])
  if redis.call('PTTL', key) == -1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return #KEYS`;

type ScriptedRedis = Redis & {
  rateWindowTake(key: string, ttlMs: number): Promise<number>;
  /** numberOfKeys, the keys, the expiry, then one count per key. */
  rateWindowAdd(...args: (string | number)[]): Promise<number>;
};

/**
 * Counts made here are sent to Redis together, at most this long after the first of them: one
 * command for every user counted here in that time instead of one a message.
 */
export const SEND_COUNTS_EVERY_MS = 25;
/** ... or at once when this many keys wait. */
const SEND_COUNTS_AT = 500;

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
  /**
   * Who counted the action: `pod` (this process alone serves the user), `redis` (a round trip),
   * `memory` (no Redis configured), `nobody` (Redis unreachable: allowed uncounted).
   */
  countedBy: 'pod' | 'redis' | 'memory' | 'nobody';
}

/**
 * Says when only this process acts for a user: a number that stays the same for as long as that
 * holds without a break (UserPresence.localStretch, for a user whose every socket is on this
 * pod), null otherwise.
 */
export interface SoleHolder {
  localStretch(userId: string): number | null;
}

/** A user counted here while this process alone acts for them. */
interface Held {
  stretch: number;
  window: number;
  count: number;
}

/** Without Redis this process counts every user alone, in one stretch that never ends. */
const ALONE = 0;

/**
 * Counts one user's actions of one kind in fixed windows: in Redis when configured (shared by
 * every pod), else in memory. If Redis is unreachable the action is allowed and the logs say so:
 * refusing every user during an outage would be worse than a brief lack of limits.
 *
 * With a `holder`, a user whom this process alone serves is counted here after one round trip:
 * the first action of a stretch (see SoleHolder) takes its count from Redis, the next ones are
 * decided in memory and sent to Redis without waiting for the answer (together with the other
 * users' counts made here, every SEND_COUNTS_EVERY_MS), so Redis holds the same count for the pod
 * that serves the user next. An action of a user served elsewhere too, or of a stretch not yet
 * seeded, waits for Redis as without a holder; counts waiting to be sent go first, on the same
 * connection, so its answer includes them.
 */
export class RateWindow {
  private readonly logger = new Logger(RateWindow.name);
  /** Users counted here: all of them without Redis, else those this process alone serves. */
  private readonly held = new Map<string, Held>();
  /** The window whose start last dropped the held counts older than the one before it. */
  private heldWindow = 0;
  /** A window in which a count sent without waiting was lost was logged (once a window). */
  private unsentLogged = -1;
  /** Counts made here, by key, not yet sent to Redis (see SEND_COUNTS_EVERY_MS). */
  private readonly toSend = new Map<string, number>();
  private sendTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis | null,
    /** Key prefix, e.g. `companion:rl:msg`. */
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly holder: SoleHolder | null = null,
  ) {
    const scripted = redis as ScriptedRedis | null;
    if (scripted && typeof scripted.rateWindowTake !== 'function') {
      scripted.defineCommand('rateWindowTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
      scripted.defineCommand('rateWindowAdd', { lua: ADD_SCRIPT });
    }
  }

  /**
   * Sends the counts made here that wait (at shutdown, so that the pod that serves these users
   * next counts them); resolves when Redis has them, or has failed to take them (logged).
   */
  flush(): Promise<void> {
    if (this.sendTimer) clearTimeout(this.sendTimer);
    this.sendTimer = null;
    if (!this.redis || this.toSend.size === 0) return Promise.resolve();
    const keys: string[] = [];
    const counts: number[] = [];
    for (const [key, n] of this.toSend) {
      if (n === 0) continue;
      keys.push(key);
      counts.push(n);
    }
    this.toSend.clear();
    if (keys.length === 0) return Promise.resolve();
    return (this.redis as ScriptedRedis)
      .rateWindowAdd(keys.length, ...keys, this.windowMs * 2, ...counts)
      .then(
        () => undefined,
        (e: unknown) => this.unsent(e, Math.floor(Date.now() / this.windowMs)),
      );
  }

  async take(userId: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / this.windowMs);
    const retryAfterMs = (window + 1) * this.windowMs - now;
    const stretch = this.stretchOf(userId);
    let count = stretch === null ? null : this.takeHeld(userId, stretch, window);
    let countedBy: RateDecision['countedBy'] = this.redis ? 'pod' : 'memory';
    if (count === null) {
      count = await this.takeRedis(userId, window);
      countedBy = count === null ? 'nobody' : 'redis';
      // Seeds the stretch, unless it ended while Redis answered.
      if (count !== null && stretch !== null && this.stretchOf(userId) === stretch) {
        this.seed(userId, stretch, window, count);
      }
    }
    return count === null || count <= this.limit
      ? { allowed: true, retryAfterMs: 0, countedBy }
      : { allowed: false, retryAfterMs, countedBy };
  }

  /**
   * Gives back one taken in the current window: here when the user is counted here, and in
   * Redis with the counts sent together (the next round trip from here sends it first).
   */
  refund(userId: string, now = Date.now()): Promise<void> {
    const window = Math.floor(now / this.windowMs);
    const held = this.held.get(userId);
    if (held && held.window === window && held.stretch === this.stretchOf(userId)) {
      if (held.count > 0) held.count--;
    }
    this.sendLater(this.key(userId, window), -1);
    return Promise.resolve();
  }

  /** The stretch in which this process alone counts the user, or null (Redis must count). */
  private stretchOf(userId: string): number | null {
    return this.redis ? (this.holder?.localStretch(userId) ?? null) : ALONE;
  }

  private key(userId: string, window: number): string {
    return `${this.prefix}:${userId}:${window}`;
  }

  /**
   * The count after this action when the stretch was seeded; null when it must come from Redis.
   * Within a stretch nobody else counts for the user, so its next window starts from zero here.
   * Without Redis there is nothing to seed from: a user starts from zero.
   */
  private takeHeld(userId: string, stretch: number, window: number): number | null {
    if (window !== this.heldWindow) this.dropHeldBefore(window);
    let held = this.held.get(userId);
    if (!this.redis && !held) this.held.set(userId, (held = { stretch, window, count: 0 }));
    if (!held || held.stretch !== stretch || (this.redis && held.window > window)) return null;
    if (held.window !== window) {
      held.window = window;
      held.count = 0;
    }
    held.count++;
    this.sendLater(this.key(userId, window), 1);
    return held.count;
  }

  /** Adds a count made here to those sent together to Redis (nothing to send without Redis). */
  private sendLater(key: string, n: number): void {
    if (!this.redis) return;
    this.toSend.set(key, (this.toSend.get(key) ?? 0) + n);
    if (this.toSend.size >= SEND_COUNTS_AT) void this.flush();
    else if (!this.sendTimer) {
      this.sendTimer = setTimeout(() => void this.flush(), SEND_COUNTS_EVERY_MS);
      this.sendTimer.unref();
    }
  }

  /** Actions sent together may come back in any order: the count held is the highest. */
  private seed(userId: string, stretch: number, window: number, count: number): void {
    const held = this.held.get(userId);
    if (held && held.stretch === stretch && held.window === window) {
      held.count = Math.max(held.count, count);
    } else this.held.set(userId, { stretch, window, count });
  }

  /** Once a window: the counts of users not heard from since the window before are dropped. */
  private dropHeldBefore(window: number): void {
    this.heldWindow = window;
    for (const [userId, held] of this.held) if (held.window < window - 1) this.held.delete(userId);
  }

  private unsent(e: unknown, window: number): void {
    if (this.unsentLogged === window) return;
    this.unsentLogged = window;
    this.logger.warn(
      { err: String(e), limit: this.prefix },
      'rate limit: a count made here did not reach redis (other pods may count less)',
    );
  }

  private async takeRedis(userId: string, window: number): Promise<number | null> {
    // Counts made here go first on the connection: the count read includes them.
    void this.flush();
    try {
      // One command: the count, with its expiry set by the window's first action.
      const count = await (this.redis as ScriptedRedis).rateWindowTake(
        this.key(userId, window),
        this.windowMs * 2,
      );
      return Number(count ?? 0);
    } catch (e) {
      this.logger.warn(
        { err: String(e), limit: this.prefix },
        'rate limit unavailable (redis); allowing',
      );
      return null;
    }
  }
}

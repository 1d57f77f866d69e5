import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { redisOptionsFromUrl } from '../common/redis-options.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { PresenceBook } from './presence-book.js';

/** A user's presence key outlives a pod that died without removing itself by at most this. */
const KEY_TTL_S = 3600;
/** The pod's own entries are written again this often, so that they never expire under it. */
const REFRESH_MS = 20 * 60_000;
/** Users read or refreshed per pipeline. */
const BATCH = 500;

/**
 * Where each user's sockets are, so that an event for a user whose every socket is on this pod
 * skips the Redis adapter (one publish per event, which every pod receives and decodes). Each pod
 * keeps, in Redis, a set per user of the pods holding a socket of theirs, and says on a channel
 * when it gains a user's first socket or loses the last. A pod reads the set when it gains the
 * user's first socket, after writing itself into it; a pod that joins later says so on the
 * channel, which this pod already listens to: either way it learns. Whenever unsure (the channel
 * down, a read not back yet), events go through Redis as before (PresenceBook).
 *
 * Runs on processes that serve sockets (ROLE=gateway or all) with REDIS_URL set; without Redis
 * there is one process and the adapter publishes nothing anyway.
 */
@Injectable()
export class UserPresence implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UserPresence.name);
  private readonly book = new PresenceBook();
  private commands: Redis | null = null;
  private subscriber: Redis | null = null;
  private refresh: NodeJS.Timeout | null = null;
  private readonly channel: string;
  private readonly self: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) runtime: Runtime,
  ) {
    this.channel = `${config.redis.prefix}:presence`;
    this.self = runtime.instanceId;
  }

  onModuleInit(): void {
    if (this.config.role === 'worker' || !this.config.redis.url) return;
    const options = redisOptionsFromUrl(this.config.redis.url);
    this.commands = new Redis({ ...options, maxRetriesPerRequest: 2 });
    this.subscriber = new Redis({ ...options, maxRetriesPerRequest: null });
    for (const c of [this.commands, this.subscriber]) {
      c.on('error', (e: Error) => this.logger.warn({ err: e.message }, 'presence redis'));
    }
    const sub = this.subscriber;
    sub.on('message', (_channel: string, message: string) => this.onMessage(message));
    // Every (re)connection: listen first, then write and read every user held here.
    sub.on('ready', () => {
      sub
        .subscribe(this.channel)
        .then(() => {
          this.book.setConnected(true);
          return this.announce(this.book.userIds());
        })
        .catch((e: unknown) =>
          this.logger.warn({ err: String(e) }, 'presence: could not subscribe'),
        );
    });
    sub.on('close', () => this.book.setConnected(false));
    this.refresh = setInterval(() => void this.rewrite(), REFRESH_MS);
    this.refresh.unref();
  }

  /** True when every socket of the user is on this pod, for certain. */
  localOnly(userId: string): boolean {
    return this.book.localOnly(userId);
  }

  /** See PresenceBook.localStretch: the same number while every socket of the user stays here. */
  localStretch(userId: string): number | null {
    return this.book.localStretch(userId);
  }

  /** A socket of the user connected here (after the handshake). */
  socketJoined(userId: string): Promise<void> {
    if (!this.book.socketJoined(userId) || !this.commands) return Promise.resolve();
    return this.announce([userId]);
  }

  /** A socket of the user disconnected here. */
  socketLeft(userId: string): void {
    if (!this.book.socketLeft(userId) || !this.commands) return;
    this.commands
      .multi()
      .srem(this.key(userId), this.self)
      .publish(this.channel, `-${this.self} ${userId}`)
      .exec()
      .catch((e: unknown) => this.logger.warn({ err: String(e) }, 'presence: leave not written'));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.refresh) clearInterval(this.refresh);
    const commands = this.commands;
    if (commands) {
      // Best effort: a pod that cannot say it left only costs the others publishes until the
      // keys expire.
      const users = this.book.userIds();
      const pipeline = commands.pipeline();
      for (const userId of users) {
        pipeline.srem(this.key(userId), this.self).publish(this.channel, `-${this.self} ${userId}`);
      }
      if (users.length > 0) await pipeline.exec().catch(() => undefined);
      await commands.quit().catch(() => commands.disconnect());
    }
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private key(userId: string): string {
    return `${this.config.redis.prefix}:presence:${userId}`;
  }

  /** Writes this pod into each user's set, says so, and reads who else holds them. */
  private async announce(userIds: readonly string[]): Promise<void> {
    const commands = this.commands;
    if (!commands) return;
    for (let i = 0; i < userIds.length; i += BATCH) {
      const batch = userIds.slice(i, i + BATCH);
      const epoch = this.book.epoch;
      const pipeline = commands.pipeline();
      for (const userId of batch) {
        pipeline
          .sadd(this.key(userId), this.self)
          .expire(this.key(userId), KEY_TTL_S)
          .smembers(this.key(userId))
          .publish(this.channel, `+${this.self} ${userId}`);
      }
      try {
        const results = (await pipeline.exec()) ?? [];
        batch.forEach((userId, n) => {
          const [error, pods] = results[n * 4 + 2] ?? [new Error('no reply')];
          if (!error) this.book.read(userId, pods as string[], this.self, epoch);
        });
      } catch (e) {
        // The users stay unread: their events go through Redis until the next (re)connection.
        this.logger.warn({ err: String(e), users: batch.length }, 'presence: could not read');
      }
    }
  }

  /** Keeps this pod's entries from expiring while its sockets live. */
  private async rewrite(): Promise<void> {
    const commands = this.commands;
    const users = this.book.userIds();
    if (!commands || users.length === 0) return;
    for (let i = 0; i < users.length; i += BATCH) {
      const pipeline = commands.pipeline();
      for (const userId of users.slice(i, i + BATCH)) {
        pipeline.sadd(this.key(userId), this.self).expire(this.key(userId), KEY_TTL_S);
      }
      await pipeline
        .exec()
        .catch((e: unknown) => this.logger.warn({ err: String(e) }, 'presence: could not refresh'));
    }
  }

  private onMessage(message: string): void {
    const space = message.indexOf(' ');
    if (space < 2) return;
    const joined = message[0] === '+';
    this.book.heard(message.slice(1, space), message.slice(space + 1), joined, this.self);
  }
}

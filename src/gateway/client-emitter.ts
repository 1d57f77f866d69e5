import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import type { Namespace, Socket } from 'socket.io';
import { redisOptionsFromUrl } from '../common/redis-options.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Metrics } from '../observability/metrics.js';
import type { ClientEventMap, OperatorEventMap } from './chat.protocol.js';
import { UserPresence } from './user-presence.js';

export const userRoom = (userId: string) => `user:${userId}`;

/** The socket.io namespace every client event goes to. */
export const CHAT_NAMESPACE = '/chat';

/** The operators' namespace, and the room every operator socket joins. */
export const OPERATOR_NAMESPACE = '/operator';
export const OPERATORS_ROOM = 'operators';

/** The Redis key socket.io's adapter and emitter share (src/gateway/chat-io.adapter.ts). */
export const socketIoKey = (prefix: string) => `${prefix}:socket.io`;

/**
 * The one way the service talks to clients: typed events to a user's room (every device of the
 * user, on every pod) or to one socket. A process with a socket server (ROLE=gateway or all)
 * emits through its namespace, whose Redis adapter reaches the other pods; a process without one
 * (ROLE=worker) publishes through the socket.io Redis emitter. An event for a user whose every
 * socket is on this pod stays on this pod (UserPresence): no publish for the other pods to
 * receive and drop. An event with no way out is an error (logged, counted, reported to the
 * caller), never silence.
 */
@Injectable()
export class ClientEmitter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClientEmitter.name);
  private namespace: Namespace | null = null;
  private operators: Namespace | null = null;
  private redis: Redis | null = null;
  private base: Emitter | null = null;
  private emitter: ReturnType<Emitter['of']> | null = null;
  private operatorEmitter: ReturnType<Emitter['of']> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly presence: UserPresence,
  ) {}

  /** A process that will have no socket server connects its Redis emitter at start-up. */
  onModuleInit(): void {
    if (this.config.role === 'worker') this.redisEmitter();
  }

  bind(namespace: Namespace): void {
    this.namespace = namespace;
  }

  bindOperators(namespace: Namespace): void {
    this.operators = namespace;
  }

  /**
   * To every operator connected to `/operator`, on every pod. True when it went out; an alert
   * with no way out is logged as an error (the flag itself is stored either way).
   */
  toOperators<E extends keyof OperatorEventMap>(event: E, payload: OperatorEventMap[E]): boolean {
    if (this.operators) {
      this.operators.to(OPERATORS_ROOM).emit(event, payload);
      return true;
    }
    if (this.namespace) {
      // A pod with sockets but another role layout: its adapter reaches /operator elsewhere.
      this.namespace.server.of(OPERATOR_NAMESPACE).to(OPERATORS_ROOM).emit(event, payload);
      return true;
    }
    this.redisEmitter();
    if (this.operatorEmitter && this.redis?.status === 'ready') {
      this.operatorEmitter.to(OPERATORS_ROOM).emit(event, payload);
      return true;
    }
    this.metrics.undeliverable.inc({ event });
    this.logger.error(
      { event, redis: this.redis?.status ?? 'not configured' },
      'operator alert undeliverable: no socket server in this process and Redis is not reachable',
    );
    return false;
  }

  /** True when the event went out (to this pod's sockets and the adapter, or to Redis). */
  toUser<E extends keyof ClientEventMap>(
    userId: string,
    event: E,
    payload: ClientEventMap[E],
  ): boolean {
    if (event === 'error') {
      this.metrics.errors.inc({ code: (payload as ClientEventMap['error']).code });
    }
    if (this.namespace) {
      // A user whose every socket is here needs no publish through the Redis adapter.
      const scope = this.presence.localOnly(userId) ? this.namespace.local : this.namespace;
      scope.to(userRoom(userId)).emit(event, payload);
      return true;
    }
    const emitter = this.redisEmitter();
    if (emitter && this.redis?.status === 'ready') {
      emitter.to(userRoom(userId)).emit(event, payload);
      return true;
    }
    this.metrics.undeliverable.inc({ event });
    this.logger.error(
      { event, userId, redis: this.redis?.status ?? 'not configured' },
      'client event undeliverable: no socket server in this process and Redis is not reachable',
    );
    return false;
  }

  /**
   * Closes every connection of the user, on every pod (an account being deleted). Best effort:
   * false when there was no way to reach the other pods.
   */
  disconnectUser(userId: string): boolean {
    if (this.namespace) {
      this.namespace.in(userRoom(userId)).disconnectSockets(true);
      return true;
    }
    const emitter = this.redisEmitter();
    if (emitter && this.redis?.status === 'ready') {
      emitter.in(userRoom(userId)).disconnectSockets(true);
      return true;
    }
    this.logger.error({ userId }, "could not close the user's connections: no way out");
    return false;
  }

  /** To the user's other devices: everyone in the room but this socket. */
  toOtherDevices<E extends keyof ClientEventMap>(
    socket: Socket,
    userId: string,
    event: E,
    payload: ClientEventMap[E],
  ): void {
    const scope = this.presence.localOnly(userId) ? socket.local : socket;
    scope.to(userRoom(userId)).emit(event, payload);
  }

  toSocket<E extends keyof ClientEventMap>(
    socket: Socket,
    event: E,
    payload: ClientEventMap[E],
  ): void {
    if (event === 'error') {
      this.metrics.errors.inc({ code: (payload as ClientEventMap['error']).code });
    }
    socket.emit(event, payload);
  }

  /** Asks every pod (through the adapter) to run a server-side handler, e.g. cancel a reply. */
  broadcastToPods(event: string, payload: unknown): void {
    this.namespace?.serverSideEmit(event, payload);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }

  /** The Redis emitter, connected on first use (only processes without sockets need one). */
  private redisEmitter(): ReturnType<Emitter['of']> | null {
    if (this.emitter || !this.config.redis.url) return this.emitter;
    const redis = new Redis({
      ...redisOptionsFromUrl(this.config.redis.url),
      maxRetriesPerRequest: 2,
      enableOfflineQueue: false,
    });
    redis.on('error', (e: Error) =>
      this.logger.warn({ err: e.message }, 'socket.io redis emitter'),
    );
    this.redis = redis;
    // The emitter does not wait for its publishes; a publish that fails after the readiness
    // check (Redis went away in between) is logged and counted here instead of going unhandled.
    const publisher = {
      publish: (channel: string, message: string | Buffer) =>
        redis.publish(channel, message).catch((e: unknown) => {
          this.metrics.undeliverable.inc({ event: 'publish' });
          this.logger.error({ err: String(e) }, 'client event lost: Redis publish failed');
          return 0;
        }),
    };
    this.base = new Emitter(publisher, { key: socketIoKey(this.config.redis.prefix) });
    this.emitter = this.base.of(CHAT_NAMESPACE);
    this.operatorEmitter = this.base.of(OPERATOR_NAMESPACE);
    return this.emitter;
  }
}

import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { AppConfig } from '../config/app-config.js';
import { redisOptionsFromUrl } from '../common/redis-options.js';
import { GatewayErrorCode } from './chat.exception.js';
import { socketIoKey } from './client-emitter.js';
import type { RawConnection, SocketData } from './socket-data.js';

/** Events per second a socket may send, with a burst allowance. */
const EVENTS_PER_SECOND = 10;
const EVENT_BURST = 30;
/** Voice chunks come in runs; their size and number are bounded by the upload limits. */
const EVENT_COST: Record<string, number> = { 'voice:chunk': 0.1 };

/**
 * socket.io as the service runs it: limits from config (payload cap at the transport, CORS
 * allowlist), the Redis adapter when REDIS_URL is set so every pod reaches every user's room, and
 * lean per-socket bookkeeping so that idle connections stay small (the initial HTTP request is
 * not kept; one plain listener per event instead of an Rx pipeline per event per socket).
 */
export class ChatIoAdapter extends IoAdapter {
  private readonly log = new Logger(ChatIoAdapter.name);
  private redisClients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.config.chat.allowedOrigins;
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.config.chat.maxPayloadBytes,
      perMessageDeflate: false,
      httpCompression: false,
      pingInterval: 25_000,
      pingTimeout: 20_000,
      connectTimeout: 10_000,
      cors: { origin: allowed.length > 0 ? allowed : true, credentials: false },
    } as ServerOptions);
    server.engine.on('connection', (raw: RawConnection) => {
      // Keep the one header admission needs. engine.io keeps the upgrade request alive for the
      // life of the TCP socket; emptying it saves about 0.7 KB per idle connection.
      const request = raw.request;
      raw.origin = request?.headers.origin;
      if (request) for (const field of DEAD_REQUEST_FIELDS) request[field] = undefined;
      raw.request = undefined;
    });
    if (this.config.redis.url) {
      const pub = new Redis({
        ...redisOptionsFromUrl(this.config.redis.url),
        maxRetriesPerRequest: null,
      });
      const sub = pub.duplicate();
      for (const c of [pub, sub])
        c.on('error', (e: Error) => this.log.warn({ err: e.message }, 'socket.io redis adapter'));
      this.redisClients = [pub, sub];
      server.adapter(createAdapter(pub, sub, { key: socketIoKey(this.config.redis.prefix) }));
    }
    return server;
  }

  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    void transform;
    for (const { message, callback } of handlers) {
      const event = String(message);
      socket.on(event, (...args: unknown[]) => {
        const ack =
          typeof args[args.length - 1] === 'function' ? (args.pop() as (r: unknown) => void) : null;
        if (!takeToken(socket.data as SocketData, EVENT_COST[event] ?? 1)) {
          const error = {
            code: GatewayErrorCode.RateLimited,
            message: 'too many events; slow down',
            retryAfterMs: 1000,
          };
          socket.emit('error', error);
          ack?.({ ok: false, error });
          return;
        }
        const data: unknown = args.length <= 1 ? args[0] : args;
        void Promise.resolve()
          .then((): unknown => callback(data, ack))
          .then((result) => (isObservable(result) ? lastValueFrom(result) : result))
          .then((response: unknown) => {
            if (response !== undefined && response !== null) ack?.(response);
          })
          .catch((e: unknown) =>
            this.log.error({ event, err: String(e) }, 'socket handler failed'),
          );
      });
    }
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.allSettled(this.redisClients.map((c) => c.quit()));
  }
}

const DEAD_REQUEST_FIELDS = [
  'headers',
  'rawHeaders',
  'headersDistinct',
  '_query',
  'url',
  'websocket',
];

function takeToken(data: SocketData, cost: number): boolean {
  const now = Date.now();
  const bucket = (data.bucket ??= { tokens: EVENT_BURST, at: now });
  bucket.tokens = Math.min(
    EVENT_BURST,
    bucket.tokens + ((now - bucket.at) / 1000) * EVENTS_PER_SECOND,
  );
  bucket.at = now;
  if (bucket.tokens < cost) return false;
  bucket.tokens -= cost;
  return true;
}

import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { redisOptionsFromUrl } from './redis-options.js';

export const REDIS = Symbol('REDIS');

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

/** The shared Redis client (rate limits, health), or null in embedded mode. */
@Global()
@Module({})
export class RedisModule {
  static forRoot(url: string | undefined): DynamicModule {
    const logger = new Logger('Redis');
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: () => {
            if (!url) return null;
            const client = new Redis({
              ...redisOptionsFromUrl(url),
              maxRetriesPerRequest: 2,
              enableOfflineQueue: false,
              lazyConnect: false,
            });
            let down = false;
            client.on('error', (e: Error) => {
              if (!down) logger.error({ err: e.message }, 'redis connection lost');
              down = true;
            });
            client.on('ready', () => {
              if (down) logger.log('redis connection restored');
              down = false;
            });
            return client;
          },
        },
        RedisCloser,
      ],
      exports: [REDIS],
    };
  }
}

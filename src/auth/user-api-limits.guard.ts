import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import type { UserRequest } from './user.guard.js';
import { REDIS } from '../common/redis.module.js';
import { RateWindow } from '../common/rate-window.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const EXPORT = 'userApi:export';
/** Marks the full export, which has its own, lower limit (it reads everything the user has). */
export const ExportLimit = () => SetMetadata(EXPORT, true);

/**
 * The windows behind UserApiLimitsGuard, one pair per process (every controller of the user's
 * API counts against the same ones), in Redis when it is configured.
 */
@Injectable()
export class UserApiLimits {
  readonly requests: RateWindow;
  readonly exports: RateWindow;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REDIS) redis: Redis | null) {
    const prefix = `${config.redis.prefix}:rl`;
    this.requests = new RateWindow(redis, `${prefix}:me`, config.userApi.requestsPerMinute, 60_000);
    this.exports = new RateWindow(
      redis,
      `${prefix}:export`,
      config.userApi.exportsPerHour,
      3_600_000,
    );
  }
}

/**
 * Limits on the user's own API, per user and shared by every pod with Redis: requests per minute,
 * and full exports per hour. Refusals are 429 `{code: 'rate_limited', retryAfterMs}` with a
 * `Retry-After` header. Runs after UserGuard (it needs the user).
 */
@Injectable()
export class UserApiLimitsGuard implements CanActivate {
  constructor(
    private readonly limits: UserApiLimits,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const userId = http.getRequest<UserRequest>().principal!.userId;
    const isExport = this.reflector.get<boolean | undefined>(EXPORT, context.getHandler());
    const { requests, exports } = this.limits;
    for (const window of isExport ? [requests, exports] : [requests]) {
      const decision = await window.take(userId);
      if (!decision.allowed) {
        http
          .getResponse<Response>()
          .setHeader('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
        throw new HttpException(
          {
            code: 'rate_limited',
            message: isExport && window === exports ? 'too many exports' : 'too many requests',
            retryAfterMs: decision.retryAfterMs,
          },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
    }
    return true;
  }
}

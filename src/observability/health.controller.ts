import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../common/redis.module.js';
import { LlmProbe } from '../llm/llm-probe.js';
import { Lifecycle } from './lifecycle.js';

type Check = 'up' | 'down' | 'disabled';

/**
 * /healthz: the process answers (liveness; never depends on other services, so an outage
 * elsewhere does not make Kubernetes restart healthy pods). /readyz: this pod can take traffic:
 * database and Redis answer and it is not draining. The model endpoint is reported but does not
 * make the pod unready: every pod shares it, and users are better served by a stored "model
 * unavailable" reply than by no connection at all.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly llm: LlmProbe,
    private readonly lifecycle: Lifecycle,
  ) {}

  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) res: Response) {
    const [database, redis, model] = await Promise.all([
      this.database(),
      this.redisCheck(),
      this.llm.check(),
    ]);
    const ready = !this.lifecycle.draining && database === 'up' && redis !== 'down';
    res.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ready' : this.lifecycle.draining ? 'draining' : 'unavailable',
      checks: { database, redis, model },
    };
  }

  private async database(): Promise<Check> {
    try {
      await withTimeout(this.db.query('SELECT 1'), 2000);
      return 'up';
    } catch {
      return 'down';
    }
  }

  private async redisCheck(): Promise<Check> {
    if (!this.redis) return 'disabled';
    try {
      return (await withTimeout(this.redis.ping(), 2000)) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error('timeout')), ms))),
  ]).finally(() => clearTimeout(t));
}

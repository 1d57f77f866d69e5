import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { JobName } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { ForgetService } from './forget.service.js';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

/** A forget's follow-up, and the sweep that erases expired undo copies. The jobs only call the service. */
@Injectable()
export class ForgetJob implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(ForgetJob.name);

  constructor(
    private readonly registry: JobRegistry,
    private readonly queue: JobQueue,
    private readonly forgets: ForgetService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.MemoryForgetFollowUp, ({ userId, forgetId }) =>
      this.forgets.followUp(userId, forgetId),
    );
    this.registry.register(JobName.MemoryForgetSweep, () => this.forgets.sweep());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue
      .repeat(JobName.MemoryForgetSweep, {}, SWEEP_EVERY_MS)
      .catch((e: unknown) =>
        this.logger.warn({ err: String(e) }, 'could not schedule the forget sweep'),
      );
  }
}

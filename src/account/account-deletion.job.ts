import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobName } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { AccountService } from './account.service.js';

/** Attempts at deleting an account before it is marked failed (a new request starts over). */
const ATTEMPTS = 5;

/** Deletes an account's data on a worker; the job only calls the service. */
@Injectable()
export class AccountDeletionJob implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly jobs: JobQueue,
    private readonly account: AccountService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.AccountDeletion, ({ userId }) =>
      this.account.deleteAccount(userId),
    );
  }

  /** Queues the deletion (one per user at a time). */
  queue(userId: string): Promise<void> {
    return this.jobs.add(
      JobName.AccountDeletion,
      { userId },
      { jobId: `delete-${userId.replace(/:/g, '_')}`, attempts: ATTEMPTS },
    );
  }
}

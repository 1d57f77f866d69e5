import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { DUE_MARGIN_MS } from '../../src/jobs/bullmq-job-queue.js';
import { JobName, QUEUE } from '../../src/jobs/job-names.js';
import { JobQueue, type JobSpec } from '../../src/jobs/job-queue.js';
import { JobRegistry } from '../../src/jobs/job-registry.js';
import { JobsModule } from '../../src/jobs/jobs.module.js';
import { Metrics } from '../../src/observability/metrics.js';

@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
class MetricsHost {}
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';

/** Records what the handler saw; fails the first `failures` calls. */
@Injectable()
class RecordingJob implements OnModuleInit {
  static seen: string[] = [];
  static failures = 0;
  /** Work the summary job takes in a run, and how much more arrives while a run is going. */
  static waiting = 0;
  static arrivingDuringRun = 0;
  /** What each summary run returned, as its after-run check saw it. */
  static afterRuns: unknown[] = [];
  constructor(
    private readonly registry: JobRegistry,
    private readonly queue: JobQueue,
  ) {}
  onModuleInit(): void {
    // A job that coalesces its triggers under one id: work arriving while it runs is triggered
    // with an add of the same id (which BullMQ drops while the job is active).
    this.registry.register(
      JobName.ConversationSummary,
      async ({ conversationId }) => {
        RecordingJob.seen.push(`summary-${conversationId}`);
        const took = RecordingJob.waiting;
        RecordingJob.waiting = 0;
        if (RecordingJob.arrivingDuringRun > 0) {
          RecordingJob.arrivingDuringRun--;
          RecordingJob.waiting++;
          await this.queue.add(JobName.ConversationSummary, { conversationId }, summaryOptions);
        }
        return took;
      },
      {
        afterRun: async ({ conversationId }, result) => {
          RecordingJob.afterRuns.push(result);
          if (RecordingJob.waiting > 0) {
            await this.queue.add(JobName.ConversationSummary, { conversationId }, summaryOptions);
          }
        },
      },
    );
    this.registry.register(JobName.MemoryExtraction, ({ userId }) => {
      RecordingJob.seen.push(userId);
      if (RecordingJob.failures-- > 0) return Promise.reject(new Error('transient'));
      return Promise.resolve();
    });
    this.registry.register(JobName.VoiceClipExpiry, () => {
      RecordingJob.seen.push('expiry');
      return Promise.resolve();
    });
    // Every other job gets a handler that does nothing (the registry refuses to start without).
    for (const name of Object.values(JobName)) {
      if (
        name !== JobName.MemoryExtraction &&
        name !== JobName.VoiceClipExpiry &&
        name !== JobName.ConversationSummary
      ) {
        this.registry.register(name, () => Promise.resolve());
      }
    }
  }
}

const summaryOptions = { jobId: 'sum-c-9', delayMs: 50 };

const prefixes: string[] = [];
let module: TestingModule | null = null;

async function boot(redisUrl?: string): Promise<JobQueue> {
  const prefix = uniquePrefix('jobs');
  prefixes.push(prefix);
  @Module({
    imports: [MetricsHost, JobsModule.forRoot({ url: redisUrl, prefix })],
    providers: [RecordingJob],
  })
  class Host {}
  module = await Test.createTestingModule({ imports: [Host] }).compile();
  await module.init();
  return module.get(JobQueue);
}

async function until(check: () => boolean, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterEach(async () => {
  await module?.close();
  module = null;
  RecordingJob.seen = [];
  RecordingJob.failures = 0;
  RecordingJob.waiting = 0;
  RecordingJob.arrivingDuringRun = 0;
  RecordingJob.afterRuns = [];
});
afterAll(async () => {
  for (const p of prefixes) await deleteKeys(testRedisUrl(), p);
});

describe.each([
  ['BullMQ on Redis', testRedisUrl()],
  ['in-process (embedded mode)', undefined],
])('job queue: %s', (_name, redisUrl) => {
  it('runs an added job on its handler', async () => {
    const queue = await boot(redisUrl);
    await queue.add(JobName.MemoryExtraction, { userId: 'c-1' });
    await until(() => RecordingJob.seen.includes('c-1'));
    await until(() => RecordingJob.seen.length === 1);
  });

  it('de-duplicates jobs with the same id while one waits', async () => {
    const queue = await boot(redisUrl);
    for (let i = 0; i < 5; i++) {
      await queue.add(
        JobName.MemoryExtraction,
        { userId: 'dup' },
        { jobId: 'memory-dup', delayMs: 300 },
      );
    }
    await until(() => RecordingJob.seen.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(RecordingJob.seen).toEqual(['dup']);
  });

  it('runs a job again when work arrived while it ran, once its id is free', async () => {
    const queue = await boot(redisUrl);
    RecordingJob.waiting = 1;
    RecordingJob.arrivingDuringRun = 1;
    await queue.add(JobName.ConversationSummary, { conversationId: 'c-9' }, summaryOptions);
    await until(() => RecordingJob.afterRuns.length === 2);
    await new Promise((r) => setTimeout(r, 400));
    // The first run took the work waiting; the second, the work that arrived during the first.
    expect(RecordingJob.seen).toEqual(['summary-c-9', 'summary-c-9']);
    expect(RecordingJob.afterRuns).toEqual([1, 1]);
    expect(RecordingJob.waiting).toBe(0);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    RecordingJob.failures = 2;
    const queue = await boot(redisUrl);
    await queue.add(JobName.MemoryExtraction, { userId: 'flaky' }, { attempts: 3 });
    await until(() => RecordingJob.seen.length === 3);
  });
});

describe("job queue on Redis: an event's adds of a job that waits", () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const extraction = (id: string, delayMs: number): JobSpec => ({
    name: JobName.MemoryExtraction,
    data: { userId: id },
    options: { jobId: `memory-${id}`, delayMs },
  });
  async function bootWithSpy() {
    const queue = await boot(testRedisUrl());
    const bull = module!.get<Queue>(getQueueToken(QUEUE));
    return { queue, bull, adds: jest.spyOn(bull, 'add') };
  }

  it('sends no add while the job it would repeat waits, then adds again once that job may run', async () => {
    const { queue, adds } = await bootWithSpy();
    const spec = extraction('w-1', DUE_MARGIN_MS + 600);
    await queue.addBulk([spec]);
    await queue.addBulk([spec]);
    await queue.addBulk([spec, extraction('w-2', DUE_MARGIN_MS + 600)]);
    expect(adds.mock.calls.map((c) => (c[2] as { jobId: string }).jobId)).toEqual([
      'memory-w-1',
      'memory-w-2',
    ]);
    await sleep(700);
    // Within the margin of its due time the job may be running on a worker with a faster clock.
    await queue.addBulk([spec]);
    expect(adds).toHaveBeenCalledTimes(3);
    await until(() => RecordingJob.seen.includes('w-1') && RecordingJob.seen.includes('w-2'));
    await sleep(300);
    expect(RecordingJob.seen.filter((s) => s === 'w-1')).toEqual(['w-1']);
  });

  it('trusts the due time of the job that holds the id, whoever added it', async () => {
    const { queue, bull, adds } = await bootWithSpy();
    // Another pod's add, due sooner than this one's would be.
    await bull.add(
      JobName.MemoryExtraction,
      { userId: 'o-1' },
      { jobId: 'memory-o-1', delay: DUE_MARGIN_MS + 300 },
    );
    adds.mockClear();
    await queue.addBulk([extraction('o-1', DUE_MARGIN_MS + 60_000)]);
    await queue.addBulk([extraction('o-1', DUE_MARGIN_MS + 60_000)]);
    expect(adds).toHaveBeenCalledTimes(1);
    await sleep(400);
    await queue.addBulk([extraction('o-1', DUE_MARGIN_MS + 60_000)]);
    expect(adds).toHaveBeenCalledTimes(2);
  });

  it('keeps sending adds of an id whose job has run (a retry waiting, or running now)', async () => {
    const { queue, bull, adds } = await bootWithSpy();
    await bull.add(
      JobName.MemoryExtraction,
      { userId: 'r-1' },
      { jobId: 'memory-r-1', delay: 60_000 },
    );
    const client = await bull.backend.client;
    await client.hset(bull.toKey('memory-r-1'), { processedOn: String(Date.now()) });
    adds.mockClear();
    await queue.addBulk([extraction('r-1', 60_000)]);
    await queue.addBulk([extraction('r-1', 60_000)]);
    expect(adds).toHaveBeenCalledTimes(2);
  });

  it('sends every add of a job without a delay or id', async () => {
    const { queue, adds } = await bootWithSpy();
    const spec: JobSpec = { name: JobName.MemoryExtraction, data: { userId: 'n-1' } };
    await queue.addBulk([spec]);
    await queue.addBulk([spec]);
    expect(adds).toHaveBeenCalledTimes(2);
  });
});

describe.each([
  ['BullMQ on Redis', testRedisUrl()],
  ['in-process (embedded mode)', undefined],
])('repeating jobs: %s', (_name, redisUrl) => {
  it('runs a job every interval', async () => {
    const queue = await boot(redisUrl);
    await queue.repeat(JobName.VoiceClipExpiry, {}, 200);
    await until(() => RecordingJob.seen.filter((s) => s === 'expiry').length >= 2, 5000);
  });
});

describe('job registry', () => {
  it('refuses to start when a job has no handler', async () => {
    @Module({ imports: [MetricsHost, JobsModule.forRoot({ url: undefined, prefix: 'x' })] })
    class Bare {}
    const bare = await Test.createTestingModule({ imports: [Bare] }).compile();
    await expect(bare.init()).rejects.toThrow(
      /jobs without a handler: conversation.rollup, voice.clip-expiry, account.delete, affect.voice-baseline, memory.extract, conversation.summary, memory.forget-follow-up, memory.forget-sweep/,
    );
    await bare.close();
  });
});

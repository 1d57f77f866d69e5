import { describe, expect, it } from '@jest/globals';
import { recordingJobQueue, silentEventBus } from '../../test/support/job-fakes.js';
import { loadConfig } from '../config/app-config.js';
import { JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { DEFAULT_EXTRACTION_RETRY, MemoryExtractionJob } from './memory-extraction.job.js';
import type { MemoryExtractionService } from './memory-extraction.service.js';

function setUp(env: NodeJS.ProcessEnv, pending: boolean) {
  const registry = new JobRegistry();
  const { jobs, added } = recordingJobQueue();
  const asked: string[] = [];
  const extraction = {
    extract: () => Promise.resolve({ batches: 1, applied: 0, dropped: 0, skipped: 0 }),
    hasNewTurns: (userId: string) => {
      asked.push(userId);
      return Promise.resolve(pending);
    },
  } as unknown as MemoryExtractionService;
  new MemoryExtractionJob(
    loadConfig(env),
    registry,
    silentEventBus,
    jobs,
    extraction,
  ).onModuleInit();
  return { registry, added, asked };
}

describe('memory extraction job, after a run', () => {
  it("queues the user's next run when turns are left after the cursor", async () => {
    const { registry, added, asked } = setUp({ MEMORY_EXTRACTION_DELAY_MS: '45000' }, true);
    await registry.afterRun(JobName.MemoryExtraction, { userId: 'u-7' }, { batches: 10 });
    expect(asked).toEqual(['u-7']);
    expect(added).toEqual([
      {
        name: JobName.MemoryExtraction,
        data: { userId: 'u-7' },
        options: {
          jobId: 'memx-u-7',
          delayMs: 45_000,
          ...DEFAULT_EXTRACTION_RETRY,
          removeOnFail: true,
        },
      },
    ]);
  });

  it('queues nothing when the run read everything', async () => {
    const { registry, added, asked } = setUp({}, false);
    await registry.afterRun(JobName.MemoryExtraction, { userId: 'u-8' }, { batches: 1 });
    expect(asked).toEqual(['u-8']);
    expect(added).toEqual([]);
  });

  it('neither looks nor queues when memory is off', async () => {
    const { registry, added, asked } = setUp({ MEMORY_ENABLED: 'false' }, true);
    await registry.afterRun(JobName.MemoryExtraction, { userId: 'u-9' }, { batches: 1 });
    expect(asked).toEqual([]);
    expect(added).toEqual([]);
  });
});

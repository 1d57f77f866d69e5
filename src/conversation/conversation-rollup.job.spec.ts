import { describe, expect, it } from '@jest/globals';
import { JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { ConversationRollupJob } from './conversation-rollup.job.js';
import type { MessageRepository } from './message.repository.js';

describe('conversation roll-up job (queued by the version before)', () => {
  it("recounts the job's conversation and queues nothing after", async () => {
    const registry = new JobRegistry();
    const recounted: string[] = [];
    const messages = {
      recount: (id: string) => {
        recounted.push(id);
        return Promise.resolve(7);
      },
    } as unknown as MessageRepository;
    new ConversationRollupJob(registry, messages).onModuleInit();
    await expect(registry.run(JobName.ConversationRollup, { conversationId: 'c-1' })).resolves.toBe(
      7,
    );
    expect(recounted).toEqual(['c-1']);
    // No after-run check: nothing of this version waits on it.
    await registry.afterRun(JobName.ConversationRollup, { conversationId: 'c-1' }, 7);
    expect(recounted).toEqual(['c-1']);
  });
});

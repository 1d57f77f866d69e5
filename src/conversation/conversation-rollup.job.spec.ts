import { describe, expect, it } from '@jest/globals';
import { recordingJobQueue, silentEventBus } from '../../test/support/job-fakes.js';
import { loadConfig } from '../config/app-config.js';
import { JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { ConversationRollupJob } from './conversation-rollup.job.js';
import type { MessageRepository } from './message.repository.js';

function setUp(countNow: number) {
  const registry = new JobRegistry();
  const { jobs, added } = recordingJobQueue();
  const messages = {
    rollup: () => Promise.resolve(4),
    messageCount: () => Promise.resolve(countNow),
  } as unknown as MessageRepository;
  const config = loadConfig({ CONVERSATION_ROLLUP_DELAY_MS: '7000' });
  new ConversationRollupJob(config, registry, silentEventBus, jobs, messages).onModuleInit();
  return { registry, added };
}

describe('conversation roll-up job, after a run', () => {
  it('queues another roll-up when messages came in after the run counted', async () => {
    const { registry, added } = setUp(6);
    const counted = await registry.run(JobName.ConversationRollup, { conversationId: 'c-1' });
    await registry.afterRun(JobName.ConversationRollup, { conversationId: 'c-1' }, counted);
    expect(added).toEqual([
      {
        name: JobName.ConversationRollup,
        data: { conversationId: 'c-1' },
        options: { jobId: 'rollup-c-1', delayMs: 7000 },
      },
    ]);
  });

  it('queues nothing when the count is current, or the conversation is gone', async () => {
    const { registry, added } = setUp(4);
    await registry.afterRun(JobName.ConversationRollup, { conversationId: 'c-2' }, 4);
    await registry.afterRun(JobName.ConversationRollup, { conversationId: 'c-3' }, null);
    expect(added).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { AffectService } from '../../affect/affect.service.js';
import type { Turn } from '../turn.js';
import { AffectStage } from './affect.stage.js';

function turn(): Turn {
  return {
    user: { id: 'u1' },
    conversationId: 'c1',
    answering: { id: 'm1', content: 'rough day', createdAt: new Date(0) },
    voice: [],
    reads: { affect: { user_mood: null } },
    degraded: [],
  } as unknown as Turn;
}

describe('AffectStage', () => {
  it('returns the reading and leaves its write for the finish to carry', async () => {
    const asked: unknown[] = [];
    const write = { statements: () => ['SELECT 1'] };
    const affect = {
      read: (input: unknown) => {
        asked.push(input);
        return Promise.resolve({ result: { cue: 'low' }, write });
      },
    } as unknown as AffectService;
    const t = turn();
    const found = await new AffectStage(affect).run(t);
    expect(found).toEqual({ cue: 'low' });
    // The state the claim carried is what the service starts from.
    expect(asked[0]).toMatchObject({ messageId: 'm1', state: { user_mood: null } });
    expect(t.carried).toEqual([write]);
  });

  it('carries nothing for a message read before (a retried reply), and nothing without text', async () => {
    const again = {
      read: () => Promise.resolve({ result: { cue: null }, write: null }),
    } as unknown as AffectService;
    const t = turn();
    expect(await new AffectStage(again).run(t)).toEqual({ cue: null });
    expect(t.carried).toBeUndefined();
    const empty = { read: () => Promise.resolve(null) } as unknown as AffectService;
    const u = turn();
    expect(await new AffectStage(empty).run(u)).toBeNull();
    expect(u.carried).toBeUndefined();
  });
});

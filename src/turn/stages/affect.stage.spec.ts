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
  it('returns the reading before it is stored, and leaves the write for the finish to wait on', async () => {
    let store!: () => void;
    const stored = new Promise<void>((resolve) => (store = resolve));
    const asked: unknown[] = [];
    const affect = {
      assessThenStore: (input: unknown) => {
        asked.push(input);
        return Promise.resolve({ result: { cue: 'low' }, stored });
      },
    } as unknown as AffectService;
    const t = turn();
    const found = await new AffectStage(affect).run(t);
    expect(found).toEqual({ cue: 'low' });
    // The state the claim carried is what the service starts from.
    expect(asked[0]).toMatchObject({ messageId: 'm1', state: { user_mood: null } });
    expect(t.settling).toHaveLength(1);
    let settled = false;
    void t.settling![0].done.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    store();
    await t.settling![0].done;
    expect(t.settling![0].stage).toBe('affect');
  });

  it('adds nothing to wait for when there is no text to read', async () => {
    const affect = { assessThenStore: () => Promise.resolve(null) } as unknown as AffectService;
    const t = turn();
    expect(await new AffectStage(affect).run(t)).toBeNull();
    expect(t.settling).toBeUndefined();
  });
});

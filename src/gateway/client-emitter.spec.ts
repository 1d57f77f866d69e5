import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/app-config.js';
import { Metrics } from '../observability/metrics.js';
import { ClientEmitter } from './client-emitter.js';
import type { UserPresence } from './user-presence.js';

/** Presence that never knows a user to be only here: every event goes the adapter's way. */
const nowhereElse = { localOnly: () => false } as unknown as UserPresence;

describe('ClientEmitter', () => {
  it('reports an event with no way out (no socket server, no Redis) and counts it', async () => {
    const metrics = new Metrics();
    const emitter = new ClientEmitter(loadConfig({}), metrics, nowhereElse);
    const sent = emitter.toUser('u1', 'reply:end', {
      replyId: 'r1',
      message: {} as never,
    });
    expect(sent).toBe(false);
    expect(
      await metrics.registry.getSingleMetricAsString('companion_emits_undeliverable_total'),
    ).toMatch(/companion_emits_undeliverable_total\{event="reply:end"\} 1/);
  });

  it('sends through the namespace of a process that has sockets', () => {
    const emitted: Array<[string, string, unknown]> = [];
    const namespace = {
      to: (room: string) => ({
        emit: (event: string, p: unknown) => emitted.push([room, event, p]),
      }),
    };
    const emitter = new ClientEmitter(loadConfig({}), new Metrics(), nowhereElse);
    emitter.bind(namespace as never);
    expect(emitter.toUser('u2', 'reply:delta', { replyId: 'r', index: 0, text: 'hi' })).toBe(true);
    expect(emitted).toEqual([['user:u2', 'reply:delta', { replyId: 'r', index: 0, text: 'hi' }]]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/app-config.js';
import type { Runtime } from '../../src/config/runtime.js';
import { UserPresence } from '../../src/gateway/user-presence.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis.js';
import { until } from '../support/test-app.js';

/**
 * Two pods' presence on one Redis (a private one, which this test stops and starts): a user's
 * events skip Redis only while every socket of theirs is on one pod, for certain.
 */
let redis: PrivateRedis;
const pods: UserPresence[] = [];

function pod(name: string): UserPresence {
  const config = loadConfig({ REDIS_URL: redis.url, REDIS_PREFIX: 'presence-test' });
  const presence = new UserPresence(config, { instanceId: name } as Runtime);
  presence.onModuleInit();
  pods.push(presence);
  return presence;
}

beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await Promise.all(pods.map((p) => p.onApplicationShutdown()));
  await redis.stop();
});

describe('UserPresence', () => {
  it('keeps a user local while their sockets are on one pod, and not once another pod has one', async () => {
    const a = pod('pod-a');
    const b = pod('pod-b');
    await a.socketJoined('u1');
    await until(() => a.localOnly('u1'), Boolean);

    await b.socketJoined('u1');
    // b read a's entry; a heard b.
    expect(b.localOnly('u1')).toBe(false);
    await until(
      () => a.localOnly('u1'),
      (local) => !local,
    );

    // A second socket on b and the first leaving: b still holds one.
    await b.socketJoined('u1');
    b.socketLeft('u1');
    await new Promise((r) => setTimeout(r, 100));
    expect(a.localOnly('u1')).toBe(false);
    b.socketLeft('u1');
    await until(() => a.localOnly('u1'), Boolean);

    // Users on separate pods never block each other.
    await b.socketJoined('u2');
    await until(() => b.localOnly('u2'), Boolean);
    expect(a.localOnly('u1')).toBe(true);
    a.socketLeft('u1');
    b.socketLeft('u2');
  });

  it('is sure of nobody while Redis is gone, and learns again when it is back (empty)', async () => {
    const a = pod('pod-c');
    const b = pod('pod-d');
    await a.socketJoined('u3');
    await until(() => a.localOnly('u3'), Boolean);
    await redis.stop();
    await until(
      () => a.localOnly('u3'),
      (local) => !local,
    );
    // Meanwhile a socket of the same user comes to the other pod.
    await b.socketJoined('u3');
    await redis.start();
    // Redis came back with nothing: each pod writes itself again and says so; a hears of b.
    await new Promise((r) => setTimeout(r, 3000));
    expect(a.localOnly('u3')).toBe(false);
    expect(b.localOnly('u3')).toBe(false);
    b.socketLeft('u3');
    await until(() => a.localOnly('u3'), Boolean, 8000);
  }, 20_000);
});

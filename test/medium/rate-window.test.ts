import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RateWindow } from '../../src/common/rate-window.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';

const redis = new Redis(testRedisUrl());
const prefix = uniquePrefix('rate');
afterAll(async () => {
  await deleteKeys(testRedisUrl(), prefix);
  redis.disconnect();
});

describe('RateWindow in Redis', () => {
  it('counts one window per key, refuses past the limit, gives back, and lets the key expire', async () => {
    const window = new RateWindow(redis, `${prefix}:msg`, 3, 60_000);
    const now = 1_800_000_000_000; // a window's start: the retry time is the whole window
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await window.take('u1', now));
    expect(taken.map((t) => t.allowed)).toEqual([true, true, true, false]);
    expect(taken[3].retryAfterMs).toBe(60_000);
    // Another user, and the next window, count apart.
    expect((await window.take('u2', now)).allowed).toBe(true);
    expect((await window.take('u1', now + 60_000)).allowed).toBe(true);
    await window.refund('u1', now);
    await window.refund('u1', now);
    expect((await window.take('u1', now)).allowed).toBe(true);
    // The key carries an expiry of two windows, set by its first action.
    const key = `${prefix}:msg:u1:${Math.floor(now / 60_000)}`;
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
    // A second limiter on the same connection shares the script.
    const other = new RateWindow(redis, `${prefix}:me`, 1, 1_000);
    expect((await other.take('u1', now)).allowed).toBe(true);
    expect((await other.take('u1', now)).allowed).toBe(false);
  });

  it('allows when Redis is unreachable rather than refusing everyone', async () => {
    const down = new Redis({
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const window = new RateWindow(down, `${prefix}:down`, 1, 60_000);
    expect((await window.take('u1')).allowed).toBe(true);
    expect((await window.take('u1')).allowed).toBe(true);
    down.disconnect();
  });
});

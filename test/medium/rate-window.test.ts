import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RateWindow, SEND_COUNTS_EVERY_MS, type SoleHolder } from '../../src/common/rate-window.js';
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

  it('counts in memory without Redis, gives back, and starts each window afresh', async () => {
    const window = new RateWindow(null, `${prefix}:memory`, 2, 60_000);
    const now = 1_800_000_000_000;
    const taken = [];
    for (let i = 0; i < 3; i++) taken.push(await window.take('m1', now));
    expect(taken.map((t) => [t.allowed, t.countedBy])).toEqual([
      [true, 'memory'],
      [true, 'memory'],
      [false, 'memory'],
    ]);
    expect(taken[2].retryAfterMs).toBe(60_000);
    await window.refund('m1', now);
    await window.refund('m1', now);
    expect((await window.take('m1', now)).allowed).toBe(true);
    expect((await window.take('m2', now)).allowed).toBe(true);
    expect((await window.take('m1', now + 60_000)).allowed).toBe(true);
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
    expect(await window.take('u1')).toMatchObject({ allowed: true, countedBy: 'nobody' });
    expect(await window.take('u1')).toMatchObject({ allowed: true, countedBy: 'nobody' });
    down.disconnect();
  });
});

describe('RateWindow for users this process alone serves', () => {
  const now = 1_800_000_000_000;
  const windowOf = (t: number) => Math.floor(t / 60_000);
  /** Stretches by user, set by each test; a user not in it is served elsewhere too. */
  const stretches = new Map<string, number>();
  const holder: SoleHolder = { localStretch: (userId) => stretches.get(userId) ?? null };
  const count = async (name: string, userId: string, t = now) =>
    Number(await redis.get(`${prefix}:${name}:${userId}:${windowOf(t)}`));

  it('counts in memory after the first round trip and keeps Redis at the same count', async () => {
    stretches.set('h1', 1);
    const window = new RateWindow(redis, `${prefix}:held`, 3, 60_000, holder);
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await window.take('h1', now));
    expect(taken.map((t) => t.allowed)).toEqual([true, true, true, false]);
    expect(taken.map((t) => t.countedBy)).toEqual(['redis', 'pod', 'pod', 'pod']);
    await window.flush(); // the counts made here are sent together, a few ms later
    expect(await count('held', 'h1')).toBe(4);
    await window.refund('h1', now);
    await window.refund('h1', now);
    expect((await window.take('h1', now)).allowed).toBe(true);
    await window.flush();
    expect(await count('held', 'h1')).toBe(3);

    // Another pod served the user meanwhile (a new stretch): its counts are read, not missed.
    const elsewhere = new RateWindow(redis, `${prefix}:held`, 3, 60_000);
    stretches.set('h1', 2);
    expect((await elsewhere.take('h1', now)).allowed).toBe(false); // 4
    expect(await window.take('h1', now)).toMatchObject({ allowed: false, countedBy: 'redis' }); // 5
    await window.refund('h1', now);
    await window.refund('h1', now);
    await window.refund('h1', now);
    expect((await window.take('h1', now)).allowed).toBe(true); // 3 again, held since the read
    stretches.delete('h1'); // served elsewhere too: every action waits for Redis again
    expect((await elsewhere.take('h1', now)).allowed).toBe(false);
    expect((await window.take('h1', now)).allowed).toBe(false);
    await redis.ping();
    expect(await count('held', 'h1')).toBe(5);
  });

  it('decides without Redis once seeded, the next window included', async () => {
    stretches.set('h2', 3);
    const connection = new Redis(testRedisUrl());
    connection.on('error', () => undefined);
    const window = new RateWindow(connection, `${prefix}:alone`, 3, 60_000, holder);
    expect((await window.take('h2', now)).allowed).toBe(true);
    connection.disconnect(); // with no holder every action would now be allowed (Redis down)
    const taken = [];
    for (let i = 0; i < 3; i++) taken.push((await window.take('h2', now)).allowed);
    expect(taken).toEqual([true, true, false]);
    const next = [];
    for (let i = 0; i < 4; i++) next.push((await window.take('h2', now + 60_000)).allowed);
    expect(next).toEqual([true, true, true, false]);
  });

  it('holds the highest count when actions sent together come back out of order', async () => {
    stretches.set('h3', 4);
    const window = new RateWindow(redis, `${prefix}:together`, 3, 60_000, holder);
    const taken = await Promise.all(Array.from({ length: 5 }, () => window.take('h3', now)));
    expect(taken.filter((t) => t.allowed)).toHaveLength(3);
    expect((await window.take('h3', now)).allowed).toBe(false);
    await window.flush();
    expect(await count('together', 'h3')).toBe(6);
  });

  it('sends the counts made here together, one command for many users, without being asked', async () => {
    const users = Array.from({ length: 10 }, (_, i) => `t${i}`);
    users.forEach((u, i) => stretches.set(u, 100 + i));
    const window = new RateWindow(redis, `${prefix}:batch`, 10, 60_000, holder);
    for (const u of users) await window.take(u, now); // each stretch's first: a round trip
    const monitor = await redis.monitor(); // every command Redis runs, scripts' own included
    const sent: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      const script = /^eval(sha)?$/i.test(args[0]);
      if (script && args.some((a) => a.startsWith(`${prefix}:batch:`))) sent.push(args);
    });
    try {
      for (let i = 0; i < 3; i++) {
        for (const u of users) expect((await window.take(u, now)).countedBy).toBe('pod');
      }
      await window.refund('t0', now);
      // Not sent yet: Redis still has each first count alone.
      expect(await count('batch', 't1')).toBe(1);
      // Then, within the interval and without a flush, all of them in one command.
      await new Promise((r) => setTimeout(r, SEND_COUNTS_EVERY_MS * 4));
      expect(await Promise.all(users.map((u) => count('batch', u)))).toEqual([
        3, 4, 4, 4, 4, 4, 4, 4, 4, 4,
      ]);
      await redis.ping();
      expect(sent).toHaveLength(1);
      expect(sent[0].filter((a) => a.startsWith(`${prefix}:batch:`))).toHaveLength(10);
    } finally {
      monitor.disconnect();
    }
  });

  it('sends what waits before it asks Redis, and gives a key a count made here creates an expiry', async () => {
    stretches.set('h4', 200);
    const window = new RateWindow(redis, `${prefix}:order`, 5, 60_000, holder);
    const later = now + 60_000; // a window no one has counted in yet
    await window.take('h4', now);
    // The next window starts from zero here (nobody else counts for the user): a refund there
    // sends a negative count for a key Redis does not have.
    await window.take('h4', later);
    await window.refund('h4', later);
    await window.refund('h4', later);
    // Another user's round trip: what waits goes first on the connection.
    expect((await window.take('other', now)).countedBy).toBe('redis');
    expect(await count('order', 'h4', later)).toBe(-1);
    const ttl = await redis.pttl(`${prefix}:order:h4:${windowOf(later)}`);
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });
});

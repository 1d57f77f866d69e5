import { describe, expect, it } from '@jest/globals';
import { Batcher } from './batcher.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Batcher', () => {
  it('sends what was added within the window in one call, and resolves every adder after it', async () => {
    const sent: number[][] = [];
    const batcher = new Batcher<number>((items) => {
      sent.push(items);
      return Promise.resolve();
    }, 20);
    const done = [batcher.add(1), batcher.add(2, 3)];
    expect(sent).toEqual([]);
    await Promise.all(done);
    expect(sent).toEqual([[1, 2, 3]]);
    await batcher.add(4);
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it('sends at once when the batch is full', async () => {
    const sent: number[][] = [];
    const batcher = new Batcher<number>(
      (items) => {
        sent.push(items);
        return Promise.resolve();
      },
      10_000,
      3,
    );
    await Promise.all([batcher.add(1, 2), batcher.add(3)]);
    expect(sent).toEqual([[1, 2, 3]]);
  });

  it('tells every adder of a failed send, and goes on with the next batch', async () => {
    let fail = true;
    const batcher = new Batcher<number>(
      () => (fail ? Promise.reject(new Error('redis away')) : Promise.resolve()),
      5,
    );
    const results = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.add(3)).resolves.toBeUndefined();
  });

  it('sends what waits on flush, without waiting for the window', async () => {
    const sent: number[][] = [];
    const batcher = new Batcher<number>((items) => {
      sent.push(items);
      return Promise.resolve();
    }, 60_000);
    const pending = batcher.add(7);
    await batcher.flush();
    await pending;
    expect(sent).toEqual([[7]]);
    await tick(5);
    await batcher.flush();
    expect(sent).toEqual([[7]]);
  });
});

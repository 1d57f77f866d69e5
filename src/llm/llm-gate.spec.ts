import { describe, expect, it } from '@jest/globals';
import { GateFullError, LlmGate } from './llm-gate.js';

describe('LlmGate', () => {
  it('runs up to the limit at once and queues the rest in order', async () => {
    const gate = new LlmGate(2, 5);
    const a = await gate.acquire();
    const b = await gate.acquire();
    const order: string[] = [];
    const c = gate.acquire().then((r) => (order.push('c'), r));
    const d = gate.acquire().then((r) => (order.push('d'), r));
    expect(gate.inFlight).toBe(2);
    expect(gate.waiting).toBe(2);
    a();
    (await c)();
    b();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(gate.inFlight).toBe(1);
  });

  it('gives a place without waiting only when one is free and nobody waits for it', async () => {
    const gate = new LlmGate(2, 5);
    const a = gate.tryAcquire();
    expect(a).not.toBeNull();
    const b = await gate.acquire();
    expect(gate.tryAcquire()).toBeNull();
    const queued = gate.acquire();
    a!();
    // The freed place goes to the one in line, not to a caller that would jump it.
    const c = await queued;
    expect(gate.tryAcquire()).toBeNull();
    b();
    c();
    expect(gate.inFlight).toBe(0);
    const d = gate.tryAcquire();
    expect(gate.inFlight).toBe(1);
    d!();
    d!();
    expect(gate.inFlight).toBe(0);
  });

  it('refuses at once when the waiting room is full', async () => {
    const gate = new LlmGate(1, 1);
    await gate.acquire();
    void gate.acquire();
    await expect(gate.acquire()).rejects.toBeInstanceOf(GateFullError);
  });

  it('releasing twice frees one slot only', async () => {
    const gate = new LlmGate(1, 0);
    const release = await gate.acquire();
    release();
    release();
    expect(gate.inFlight).toBe(0);
    await gate.acquire();
    await expect(gate.acquire()).rejects.toBeInstanceOf(GateFullError);
  });

  it('leaves the queue when the waiter is aborted', async () => {
    const gate = new LlmGate(1, 3);
    const release = await gate.acquire();
    const ac = new AbortController();
    const waiting = gate.acquire(ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(gate.waiting).toBe(0);
    release();
    expect(gate.inFlight).toBe(0);
  });
});

import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the configured consecutive failures, not before', () => {
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1000 });
    b.failure(0);
    b.failure(1);
    expect(b.state(2)).toBe('closed');
    b.failure(2);
    expect(b.state(3)).toBe('open');
    expect(b.allows(3)).toBe(false);
    expect(b.healthy(3)).toBe(false);
  });

  it('a success in between resets the count', () => {
    const b = new CircuitBreaker({ failures: 2, cooldownMs: 1000 });
    b.failure(0);
    b.success();
    b.failure(1);
    expect(b.state(2)).toBe('closed');
  });

  it('lets one trial through after the cooldown and closes when it succeeds', () => {
    const b = new CircuitBreaker({ failures: 1, cooldownMs: 1000 });
    b.failure(0);
    expect(b.allows(999)).toBe(false);
    expect(b.state(1000)).toBe('half_open');
    expect(b.allows(1000)).toBe(true);
    b.begin(1000);
    expect(b.allows(1001)).toBe(false); // one trial at a time
    b.success();
    expect(b.state(1002)).toBe('closed');
  });

  it('opens again for a whole cooldown when the trial fails', () => {
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1000 });
    for (let i = 0; i < 3; i++) b.failure(0);
    b.begin(1500);
    b.failure(1500);
    expect(b.state(2000)).toBe('open');
    expect(b.state(2500)).toBe('half_open');
  });
});

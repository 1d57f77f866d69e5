/**
 * A circuit breaker per endpoint: after `failures` consecutive failures it opens and the
 * endpoint is skipped for `cooldownMs`; then one request is let through (half open): a success
 * closes it, a failure opens it for another cooldown. Pure: the caller gives the time.
 */
export interface BreakerSettings {
  failures: number;
  cooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | null = null;
  private trial = false;

  constructor(private readonly settings: BreakerSettings) {}

  state(now: number): BreakerState {
    if (this.openedAt === null) return 'closed';
    return now - this.openedAt >= this.settings.cooldownMs ? 'half_open' : 'open';
  }

  /** Whether a request may go to the endpoint now (half open: one trial at a time). */
  allows(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    return !this.trial;
  }

  /** Whether the routing policy may choose the endpoint (a half-open one may take its trial). */
  healthy(now: number): boolean {
    return this.state(now) !== 'open';
  }

  /** A request goes out (a half-open breaker lets only this one through). */
  begin(now: number): void {
    if (this.state(now) === 'half_open') this.trial = true;
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = null;
    this.trial = false;
  }

  failure(now: number): void {
    this.consecutive++;
    const wasTrial = this.trial;
    this.trial = false;
    if (wasTrial || this.consecutive >= this.settings.failures) this.openedAt = now;
  }
}

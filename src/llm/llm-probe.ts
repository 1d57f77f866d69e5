import { Injectable } from '@nestjs/common';

/** Whether the model endpoint answers `GET /models`; cached briefly so probes stay cheap. */
@Injectable()
export class LlmProbe {
  private last: { at: number; result: 'up' | 'down' } | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly cacheMs = 5000,
  ) {}

  async check(): Promise<'up' | 'down'> {
    if (this.last && Date.now() - this.last.at < this.cacheMs) return this.last.result;
    let result: 'up' | 'down' = 'down';
    try {
      const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/models`, {
        headers: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
        signal: AbortSignal.timeout(2000),
      });
      result = res.ok ? 'up' : 'down';
    } catch {
      result = 'down';
    }
    this.last = { at: Date.now(), result };
    return result;
  }
}

import { Logger } from '@nestjs/common';
import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import { abortedBy, createNodeFetch } from '../../common/http-fetch.js';
import type { GuardCheck } from '../guard-check.js';
import { parseGuardAnswer, type GuardAnswer } from './guard-answer.js';

export interface GuardSettings {
  /** The OpenAI-compatible base URL (vLLM serving Qwen3Guard-Gen), e.g. `http://guard:8000/v1`. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** The whole budget of one check: past it the check answers null and the request is dropped. */
  timeoutMs: number;
  /** Consecutive failures that open the circuit, and how long it stays open. */
  breaker?: { failures: number; coolDownMs: number };
  /** The clock (tests). */
  now?: () => number;
}

/** Why a check answered null: stable codes, safe to log. */
export type GuardFailure =
  | 'guard_timeout'
  | 'guard_http_error'
  | 'guard_unreachable'
  | 'guard_unparseable'
  | 'guard_circuit_open';

/** Characters of the text the guard is shown: the start and the end of a longer one. */
export const GUARD_MAX_CHARS = 4000;
/** The answer is two or three short lines. */
const MAX_TOKENS = 32;
const DEFAULT_BREAKER = { failures: 5, coolDownMs: 30_000 };

/**
 * Qwen3Guard-Gen through vLLM's OpenAI-compatible chat completions: the text to judge is the
 * single user message, and the answer's `Safety:` and `Categories:` lines are read
 * (guard-answer.ts). Greedy, a few tokens, one attempt within `timeoutMs`. It never throws: a
 * timeout, an HTTP error, a dropped connection or an answer it cannot read gives null, logged
 * with a code (never the text). After `breaker.failures` failures in a row it stops asking for
 * `breaker.coolDownMs` and answers null at once; then a single check probes the endpoint, and
 * the circuit closes on its success or opens again on its failure.
 */
export class GuardClient implements GuardCheck {
  private readonly logger = new Logger(GuardClient.name);
  private readonly client: OpenAI;
  private readonly breaker: { failures: number; coolDownMs: number };
  private readonly now: () => number;
  private failures = 0;
  private openUntil = 0;
  private probing = false;

  constructor(private readonly settings: GuardSettings) {
    this.client = new OpenAI({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey || 'none',
      maxRetries: 0,
      timeout: settings.timeoutMs,
      // A check on every message: the same transport as the model's stream (http-fetch.ts).
      fetch: createNodeFetch(),
    });
    this.breaker = settings.breaker ?? DEFAULT_BREAKER;
    this.now = settings.now ?? Date.now;
  }

  /** The circuit is open: checks answer null without a request. */
  get open(): boolean {
    return this.failures >= this.breaker.failures;
  }

  async check(text: string): Promise<GuardAnswer | null> {
    if (!text.trim()) return null;
    if (this.open && (this.now() < this.openUntil || this.probing)) return null;
    const probe = this.open;
    if (probe) this.probing = true;
    try {
      const answer = await this.ask(boundText(text));
      if (answer) this.succeeded();
      return answer;
    } finally {
      if (probe) this.probing = false;
    }
  }

  private async ask(text: string): Promise<GuardAnswer | null> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.settings.timeoutMs);
    const started = this.now();
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.settings.model,
          messages: [{ role: 'user', content: text }],
          temperature: 0,
          max_tokens: MAX_TOKENS,
          stream: false,
        },
        {
          fetchOptions: abortedBy(controller.signal),
          maxRetries: 0,
          timeout: this.settings.timeoutMs,
        },
      );
      const content = completion.choices?.[0]?.message?.content;
      const answer = typeof content === 'string' ? parseGuardAnswer(content) : null;
      if (!answer) this.failed('guard_unparseable', { ms: this.now() - started });
      return answer;
    } catch (e) {
      const ms = this.now() - started;
      if (controller.signal.aborted || e instanceof APIConnectionTimeoutError) {
        this.failed('guard_timeout', { ms });
      } else if (e instanceof APIError && typeof e.status === 'number') {
        this.failed('guard_http_error', { ms, status: e.status });
      } else this.failed('guard_unreachable', { ms, err: errorName(e) });
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private succeeded(): void {
    if (this.open) this.logger.log({ code: 'guard_circuit_closed' }, 'guard answers again');
    this.failures = 0;
    this.openUntil = 0;
  }

  private failed(code: GuardFailure, detail: Record<string, string | number>): void {
    this.failures++;
    const opens = this.failures >= this.breaker.failures;
    if (opens) this.openUntil = this.now() + this.breaker.coolDownMs;
    this.logger.warn(
      { code, ...detail, failures: this.failures, model: this.settings.model },
      'guard check gave no answer',
    );
    if (opens) {
      this.logger.warn(
        {
          code: 'guard_circuit_open',
          failures: this.failures,
          coolDownMs: this.breaker.coolDownMs,
        },
        'guard skipped for a while',
      );
    }
  }
}

/** At most GUARD_MAX_CHARS: the start and the end of a longer text, never half a pair. */
export function boundText(text: string): string {
  if (text.length <= GUARD_MAX_CHARS) return text;
  const gap = '\n…\n';
  const half = Math.floor((GUARD_MAX_CHARS - gap.length) / 2);
  let head = half;
  if (isHighSurrogate(text.charCodeAt(head - 1))) head--;
  let tail = text.length - half;
  if (isLowSurrogate(text.charCodeAt(tail))) tail++;
  return text.slice(0, head) + gap + text.slice(tail);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The error's class, not its message (which may quote the request). */
function errorName(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: { code?: unknown } }).cause;
    return typeof cause?.code === 'string' ? `${e.name}:${cause.code}` : e.name;
  }
  return typeof e;
}

import OpenAI, { APIError, APIUserAbortError } from 'openai';
import { abortedBy, createNodeFetch } from '../common/http-fetch.js';
import { streamChatCompletion } from './chat-completion-stream.js';
import { LlmError } from './llm.errors.js';
import { GateFullError, type LlmGate } from './llm-gate.js';
import { ThinkFilter } from './think-filter.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  enableThinking: boolean;
  sampling: { temperature: number; topP: number; topK: number; presencePenalty: number };
  maxTokens: number;
  firstTokenTimeoutMs: number;
  totalTimeoutMs: number;
  retries: number;
  busyRetryAfterMs: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** What a turn's route chose: which model (or LoRA adapter, by name) and how to sample. */
export interface GenerationSettings {
  /** The route's name (`default` without a routing file). */
  route: string;
  /** The endpoint it runs on (`default`: LLM_BASE_URL). */
  endpoint: string;
  model: string;
  sampling: LlmSettings['sampling'];
  maxTokens: number;
  enableThinking: boolean;
}

/** A place at the model, taken by the turn's admit stage and held until generation ends. */
export interface ModelPermit {
  release(): void;
}

export interface StreamOptions {
  /** Called as each attempt's HTTP request goes out (for timing). */
  onRequest?: () => void;
  /** A place taken beforehand (admission); without one the stream takes its own. */
  permit?: ModelPermit;
  /** The route's choice; the configured model and sampling without one. */
  settings?: GenerationSettings;
  /**
   * Routes to try, in order, when `settings` fails before its first token (503, an error, no
   * first token in time); each is tried once, the last with the configured retries.
   */
  fallbacks?: GenerationSettings[];
  /** Told which route's stream reached the caller (the first delta or the end). */
  onServed?: (settings: GenerationSettings) => void;
}

/** An OpenAI-compatible endpoint the client can send to. */
export interface EndpointTarget {
  name: string;
  baseUrl: string;
  apiKey?: string;
}

/**
 * Endpoint health as the client reports it: a circuit breaker per endpoint (src/routing). Absent
 * without a routing file: then one endpoint, no breaker, behaviour as it always was.
 */
export interface EndpointHealth {
  allows(endpoint: string): boolean;
  begin(endpoint: string): void;
  success(endpoint: string): void;
  failure(endpoint: string): void;
}

export type LlmEvent =
  | { type: 'delta'; text: string }
  | { type: 'done'; finishReason: string | null; usage: Usage | null; model: string };

/** vLLM's extensions to the OpenAI request body. */
interface VllmExtras {
  top_k: number;
  chat_template_kwargs: { enable_thinking: boolean };
}

/**
 * Streams chat completions from vLLM's OpenAI-compatible server through the official client.
 * Timeouts: one for the first token, one for the whole reply. A failed attempt is retried only
 * while nothing has reached the caller, so the user never sees a reply restart. Reasoning text
 * (`<think>`) is removed before it is yielded.
 */
export class LlmClient {
  private readonly clients = new Map<string, OpenAI>();

  /**
   * `endpoints`: every endpoint of the routing file; without them, one named `default` at
   * `settings.baseUrl`. `health`: the endpoints' breakers (with a routing file).
   */
  constructor(
    private readonly settings: LlmSettings,
    private readonly gate: LlmGate,
    endpoints: EndpointTarget[] = [],
    private readonly health: EndpointHealth | null = null,
  ) {
    const targets = endpoints.length
      ? endpoints
      : [{ name: 'default', baseUrl: settings.baseUrl, apiKey: settings.apiKey }];
    // Streams through node:http rather than the global fetch: see http-fetch.ts for why.
    const fetch = createNodeFetch();
    for (const t of targets) {
      this.clients.set(
        t.name,
        new OpenAI({
          baseURL: t.baseUrl,
          apiKey: t.apiKey || 'none',
          maxRetries: 0,
          timeout: settings.totalTimeoutMs,
          fetch,
        }),
      );
    }
  }

  get model(): string {
    return this.settings.model;
  }

  /** The configured model and sampling: what a route chooses when nothing says otherwise. */
  get defaults(): GenerationSettings {
    const { model, sampling, maxTokens, enableThinking } = this.settings;
    return { route: 'default', endpoint: 'default', model, sampling, maxTokens, enableThinking };
  }

  /**
   * Takes a place at the model on this pod, waiting in line if all are taken; refuses at once
   * (`busy`, with a retry time) when the line is full too, so that a turn that will be refused
   * costs nothing more. The place is held until `release()`.
   */
  async admit(signal?: AbortSignal): Promise<ModelPermit> {
    try {
      const release = await this.gate.acquire(signal);
      return { release };
    } catch (e) {
      if (e instanceof GateFullError) {
        throw new LlmError('busy', e.message, { retryAfterMs: this.settings.busyRetryAfterMs });
      }
      throw new LlmError('cancelled', 'cancelled while waiting for the model');
    }
  }

  /** A place at the model if one is free now; null when the turn would have to wait for one. */
  tryAdmit(): ModelPermit | null {
    const release = this.gate.tryAcquire();
    return release ? { release } : null;
  }

  async *stream(
    messages: ChatMessage[],
    signal: AbortSignal,
    options: StreamOptions = {},
  ): AsyncGenerator<LlmEvent> {
    const permit = options.permit ?? (await this.admit(signal));
    const candidates = [options.settings ?? this.defaults, ...(options.fallbacks ?? [])];
    const deadline = Date.now() + this.settings.totalTimeoutMs;
    const health = this.health;
    try {
      for (let c = 0; c < candidates.length; c++) {
        const settings = candidates[c];
        const last = c === candidates.length - 1;
        // A route whose endpoint's breaker is open is skipped while another remains.
        if (health && !last && !health.allows(settings.endpoint)) continue;
        for (let attempt = 0; ; attempt++) {
          let yielded = false;
          health?.begin(settings.endpoint);
          try {
            for await (const event of this.attempt(
              messages,
              settings,
              signal,
              deadline,
              options.onRequest,
            )) {
              if (!yielded) options.onServed?.(settings);
              yielded = true;
              yield event;
            }
            health?.success(settings.endpoint);
            return;
          } catch (e) {
            const error = e instanceof LlmError ? e : new LlmError('upstream', String(e));
            if (error.failure !== 'cancelled' && !yielded) health?.failure(settings.endpoint);
            if (yielded || signal.aborted || error.failure === 'cancelled') throw error;
            // Before the first token: the next route, when there is one.
            if (!last) break;
            const retryable = attempt < this.settings.retries && isRetryable(error);
            if (!retryable) throw error;
            await sleep(Math.min(250 * 2 ** attempt, 2000), signal);
          }
        }
      }
      throw new LlmError('upstream', 'no route could be tried');
    } finally {
      permit.release();
    }
  }

  private async *attempt(
    messages: ChatMessage[],
    settings: GenerationSettings,
    outer: AbortSignal,
    deadline: number,
    onRequest: (() => void) | undefined,
  ): AsyncGenerator<LlmEvent> {
    const abort = new AbortController();
    let reason: 'first_token' | 'total' | null = null;
    const onOuterAbort = () => abort.abort(outer.reason);
    outer.addEventListener('abort', onOuterAbort, { once: true });
    const expire = (why: 'first_token' | 'total') => () => {
      reason = why;
      abort.abort(new Error(why));
    };
    const remaining = Math.max(0, deadline - Date.now());
    let firstTokenTimer: NodeJS.Timeout | undefined = setTimeout(
      expire('first_token'),
      Math.min(this.settings.firstTokenTimeoutMs, remaining),
    );
    const totalTimer = setTimeout(expire('total'), remaining);
    const filter = new ThinkFilter();
    let sawContent = false;
    let finishReason: string | null = null;
    let usage: Usage | null = null;
    let model = settings.model;
    let ended = false;

    try {
      const { sampling } = settings;
      const body: OpenAI.ChatCompletionCreateParamsStreaming & VllmExtras = {
        model: settings.model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: settings.maxTokens,
        temperature: sampling.temperature,
        top_p: sampling.topP,
        top_k: sampling.topK,
        presence_penalty: sampling.presencePenalty,
        chat_template_kwargs: { enable_thinking: settings.enableThinking },
      };
      onRequest?.();
      const client = this.clients.get(settings.endpoint);
      if (!client) throw new LlmError('upstream', `no endpoint named ${settings.endpoint}`);
      // The signal goes to the fetch directly (not as `signal`: see CALLER_SIGNAL).
      const stream = streamChatCompletion(client, body, abortedBy(abort.signal));
      for await (const chunk of stream) {
        if (chunk.model) model = chunk.model;
        if (chunk.usage) {
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
        }
        const choice = chunk.choices[0];
        if (!choice) continue;
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const raw = choice.delta?.content;
        if (!raw) continue;
        if (!sawContent) {
          sawContent = true;
          clearTimeout(firstTokenTimer);
          firstTokenTimer = undefined;
        }
        const visible = filter.push(raw);
        if (visible) yield { type: 'delta', text: visible };
      }
      // An abort may also end the iteration quietly: it is still an abort.
      if (abort.signal.aborted) throw abort.signal.reason;
      if (finishReason === null) throw new Error('the stream ended before the reply finished');
      const rest = filter.flush();
      if (rest) yield { type: 'delta', text: rest };
      yield { type: 'done', finishReason, usage, model };
      ended = true;
    } catch (e) {
      throw e instanceof LlmError ? e : this.classify(e, reason, outer, sawContent);
    } finally {
      clearTimeout(firstTokenTimer);
      clearTimeout(totalTimer);
      outer.removeEventListener('abort', onOuterAbort);
      // Closes the HTTP stream when the consumer stops early (a stream read to its end is closed
      // already, and an abort would cost an AbortError for nothing).
      if (!ended) abort.abort();
    }
  }

  private classify(
    e: unknown,
    timeout: 'first_token' | 'total' | null,
    outer: AbortSignal,
    afterFirstToken: boolean,
  ): LlmError {
    if (timeout === 'first_token') {
      return new LlmError('timeout', 'no first token within the time limit', { afterFirstToken });
    }
    if (timeout === 'total') {
      return new LlmError('timeout', 'the reply took longer than the time limit', {
        afterFirstToken,
      });
    }
    if (outer.aborted || e instanceof APIUserAbortError) {
      return new LlmError('cancelled', 'cancelled', { afterFirstToken });
    }
    if (e instanceof APIError && typeof e.status === 'number') {
      const status: number = e.status;
      if (status === 429 || status === 503) {
        return new LlmError('busy', `model endpoint busy (${status})`, {
          status,
          retryAfterMs:
            retryAfterMs(e.headers as Headers | undefined) ?? this.settings.busyRetryAfterMs,
          afterFirstToken,
        });
      }
      return new LlmError('upstream', `model endpoint error ${status}`, {
        status,
        afterFirstToken,
      });
    }
    const message = e instanceof Error ? e.message : String(e);
    return new LlmError('upstream', `model endpoint unreachable or stream broken: ${message}`, {
      afterFirstToken,
    });
  }
}

function isRetryable(e: LlmError): boolean {
  if (e.failure === 'timeout') return true;
  if (e.failure !== 'upstream') return false;
  return e.details.status === undefined || e.details.status >= 500;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after-ms') ?? null;
  if (value && Number.isFinite(Number(value))) return Number(value);
  const seconds = headers?.get('retry-after');
  if (seconds && Number.isFinite(Number(seconds))) return Number(seconds) * 1000;
  return undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

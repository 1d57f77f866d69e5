import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LlmClient, type LlmEvent, type LlmSettings } from './llm.client.js';
import { LlmError } from './llm.errors.js';
import { LlmGate } from './llm-gate.js';
import { startVllmStandIn, type VllmStandIn } from './stand-in/vllm-stand-in.js';

const MODEL = 'companion-qwen3-test';
let standIn: VllmStandIn;

beforeAll(async () => {
  standIn = await startVllmStandIn({ model: MODEL });
});
afterAll(() => standIn.close());

function client(overrides: Partial<LlmSettings> = {}, gate = new LlmGate(4, 4)): LlmClient {
  return new LlmClient(
    {
      baseUrl: standIn.url,
      model: MODEL,
      enableThinking: false,
      sampling: { temperature: 0.7, topP: 0.8, topK: 20, presencePenalty: 1.5 },
      maxTokens: 256,
      firstTokenTimeoutMs: 2000,
      totalTimeoutMs: 5000,
      retries: 1,
      busyRetryAfterMs: 4000,
      ...overrides,
    },
    gate,
  );
}

async function collect(gen: AsyncGenerator<LlmEvent>): Promise<{ text: string; done?: LlmEvent }> {
  let text = '';
  let done: LlmEvent | undefined;
  for await (const e of gen) {
    if (e.type === 'delta') text += e.text;
    else done = e;
  }
  return { text, done };
}

async function failure(gen: AsyncGenerator<LlmEvent>): Promise<LlmError> {
  try {
    await collect(gen);
  } catch (e) {
    expect(e).toBeInstanceOf(LlmError);
    return e as LlmError;
  }
  throw new Error('expected the stream to fail');
}

const hi = [{ role: 'user' as const, content: 'hi' }];

describe('LlmClient against the vLLM stand-in', () => {
  it("streams the content and reports vLLM's usage chunk", async () => {
    standIn.setResponder(() => ({ pieces: ['Hel', 'lo', ' you'], promptTokens: 42 }));
    const { text, done } = await collect(client().stream(hi, new AbortController().signal));
    expect(text).toBe('Hello you');
    expect(done).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 42, completionTokens: 4 },
      model: MODEL,
    });
  });

  it('sends Qwen sampling settings, include_usage and enable_thinking=false', async () => {
    standIn.setResponder(() => ({ pieces: ['ok'] }));
    await collect(client().stream(hi, new AbortController().signal));
    const body = standIn.requests.at(-1)!.body;
    expect(body).toMatchObject({
      model: MODEL,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.7,
      top_p: 0.8,
      top_k: 20,
      presence_penalty: 1.5,
      max_tokens: 256,
      chat_template_kwargs: { enable_thinking: false },
    });
    expect(body).not.toHaveProperty('guided_json');
  });

  it('removes <think> blocks before the text is yielded', async () => {
    standIn.setResponder(() => ({
      pieces: ['<think>', 'let me see', '</think>\n\n', 'Sure', '!'],
    }));
    const seen: string[] = [];
    for await (const e of client().stream(hi, new AbortController().signal)) {
      if (e.type === 'delta') seen.push(e.text);
    }
    expect(seen.join('')).toBe('Sure!');
    expect(seen.some((s) => s.includes('think') || s.includes('let me'))).toBe(false);
  });

  it('retries a 500 before the first token and then succeeds', async () => {
    standIn.setResponder((_b, i) => (i % 2 === 0 ? { status: 500 } : { pieces: ['second try'] }));
    const before = standIn.requests.length;
    standIn.requests.length = 0; // make the index parity start at 0
    const { text } = await collect(client().stream(hi, new AbortController().signal));
    expect(text).toBe('second try');
    expect(standIn.requests.length).toBe(2);
    expect(before).toBeGreaterThan(0);
  });

  it('does not retry once text has reached the caller', async () => {
    standIn.setResponder(() => ({
      pieces: ['one ', 'two ', 'three'],
      stopAfter: { pieces: 2, then: 'drop' },
    }));
    const start = standIn.requests.length;
    const seen: string[] = [];
    const gen = client({ retries: 3 }).stream(hi, new AbortController().signal);
    const err = await (async () => {
      try {
        for await (const e of gen) if (e.type === 'delta') seen.push(e.text);
      } catch (e) {
        return e as LlmError;
      }
      throw new Error('expected failure');
    })();
    expect(err.failure).toBe('upstream');
    expect(err.details.afterFirstToken).toBe(true);
    expect(seen.join('')).toBe('one two ');
    expect(standIn.requests.length - start).toBe(1);
  });

  it('gives up after the first-token timeout, retrying once', async () => {
    standIn.setResponder(() => ({ pieces: ['late'], firstDelayMs: 1000 }));
    const start = standIn.requests.length;
    const t0 = Date.now();
    const err = await failure(
      client({ firstTokenTimeoutMs: 150 }).stream(hi, new AbortController().signal),
    );
    expect(err.failure).toBe('timeout');
    expect(standIn.requests.length - start).toBe(2);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('enforces the total timeout on a reply that stalls', async () => {
    standIn.setResponder(() => ({
      pieces: ['a', 'b', 'c'],
      stopAfter: { pieces: 1, then: 'hang' },
    }));
    const err = await failure(
      client({ totalTimeoutMs: 300, firstTokenTimeoutMs: 200 }).stream(
        hi,
        new AbortController().signal,
      ),
    );
    expect(err.failure).toBe('timeout');
    expect(err.details.afterFirstToken).toBe(true);
  });

  it('reports 429 as busy with the Retry-After of the endpoint, without retrying', async () => {
    standIn.setResponder(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    const start = standIn.requests.length;
    const err = await failure(client().stream(hi, new AbortController().signal));
    expect(err.failure).toBe('busy');
    expect(err.details.retryAfterMs).toBe(7000);
    expect(standIn.requests.length - start).toBe(1);
  });

  it('reports busy when its own waiting room is full', async () => {
    standIn.setResponder(() => ({ pieces: ['slow'], firstDelayMs: 300 }));
    const c = client({}, new LlmGate(1, 0));
    const first = collect(c.stream(hi, new AbortController().signal));
    const err = await failure(c.stream(hi, new AbortController().signal));
    expect(err.failure).toBe('busy');
    expect(err.details.retryAfterMs).toBe(4000);
    await first;
  });

  it('aborting closes the upstream HTTP request', async () => {
    standIn.setResponder(() => ({
      pieces: Array.from({ length: 50 }, () => 'x'),
      pieceDelayMs: 30,
    }));
    const ac = new AbortController();
    const gen = client().stream(hi, ac.signal);
    let n = 0;
    const err = await (async () => {
      try {
        for await (const e of gen) {
          if (e.type === 'delta' && ++n === 3) ac.abort();
        }
      } catch (e) {
        return e as LlmError;
      }
      throw new Error('expected cancellation');
    })();
    expect(err.failure).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 50));
    expect(standIn.requests.at(-1)!.aborted).toBe(true);
  });

  it('surfaces an unknown model as an upstream error', async () => {
    const err = await failure(
      client({ model: 'nope', retries: 0 }).stream(hi, new AbortController().signal),
    );
    expect(err.failure).toBe('upstream');
    expect(err.details.status).toBe(404);
  });
});

import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { Logger } from '@nestjs/common';
import { freePort } from '../../src/common/local-http.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import {
  GUARD_MAX_CHARS,
  GuardClient,
  type GuardSettings,
} from '../../src/safety/guard/guard-client.js';

/**
 * The guard client against a real HTTP server that answers `POST /v1/chat/completions` as vLLM
 * does (non-streaming JSON), Qwen3Guard's content scripted per test.
 */
const MODEL = 'Qwen/Qwen3Guard-Gen-4B';
const TIMEOUT_MS = 250;
/** What a hung endpoint may cost beyond the budget (timers, the event loop, a busy machine). */
const SLACK_MS = 200;

let guard: VllmStandIn;
/** What the tests read of a spied logger method. */
interface Spy {
  mock: { calls: unknown[][] };
  mockRestore(): void;
}
let warn: Spy;
let log: Spy;

function client(over: Partial<GuardSettings> = {}): GuardClient {
  return new GuardClient({ baseUrl: guard.url, model: MODEL, timeoutMs: TIMEOUT_MS, ...over });
}

function answer(content: string) {
  guard.setResponder(() => ({ pieces: [content] }));
}

/** Everything logged, as JSON. */
function logged(): string {
  return JSON.stringify([...warn.mock.calls, ...log.mock.calls]);
}

beforeAll(async () => {
  guard = await startVllmStandIn({ model: MODEL });
});
afterAll(async () => {
  await guard.close();
});
beforeEach(() => {
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
  log.mockRestore();
});

describe('guard client', () => {
  it('reads an unsafe answer', async () => {
    answer('Safety: Unsafe\nCategories: Suicide & Self-Harm');
    await expect(client().check('I want to end it tonight')).resolves.toEqual({
      safety: 'unsafe',
      categories: ['suicide_self_harm'],
    });
  });

  it('reads a controversial answer', async () => {
    answer('Safety: Controversial\nCategories: Violent');
    await expect(client().check('how hard can you punch someone')).resolves.toEqual({
      safety: 'controversial',
      categories: ['violent'],
    });
  });

  it('reads a safe answer, None dropped', async () => {
    answer('Safety: Safe\nCategories: None');
    await expect(client().check('had a lovely walk today')).resolves.toEqual({
      safety: 'safe',
      categories: [],
    });
  });

  it('asks with the model name, greedy and short, the text as the single user message', async () => {
    answer('Safety: Safe\nCategories: None');
    const text = '今天有点难过，但是还好。';
    await client().check(text);
    const { body } = guard.requests.at(-1)!;
    expect(body.model).toBe(MODEL);
    expect(body.messages).toEqual([{ role: 'user', content: text }]);
    expect(body.temperature).toBe(0);
    expect(body.max_tokens).toBeLessThanOrEqual(64);
    expect(body.stream).toBeFalsy();
  });

  it('shows the guard a long text bounded: its start and its end', async () => {
    answer('Safety: Safe\nCategories: None');
    const text = 'start ' + 'x'.repeat(20_000) + ' the end';
    await client().check(text);
    const content = guard.requests.at(-1)!.body.messages![0].content;
    expect(content.length).toBeLessThanOrEqual(GUARD_MAX_CHARS);
    expect(content.startsWith('start ')).toBe(true);
    expect(content.endsWith(' the end')).toBe(true);
  });

  it('answers null within its budget when the endpoint hangs, and drops the request', async () => {
    // The endpoint takes the request and says nothing until the test lets it go.
    let release = () => {};
    guard.setResponder(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ pieces: ['Safety: Safe\nCategories: None'] });
        }),
    );
    const before = guard.requests.length;
    const started = performance.now();
    const result = await client().check('are you there?');
    const elapsed = performance.now() - started;
    expect(result).toBeNull();
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(guard.requests.length).toBe(before + 1);
    await waitFor(() => guard.requests.at(-1)!.aborted);
    expect(logged()).toContain('guard_timeout');
    release();
  });

  it('answers null on an HTTP error', async () => {
    guard.setResponder(() => ({ status: 500, errorMessage: 'CUDA out of memory' }));
    await expect(client().check('hello')).resolves.toBeNull();
    expect(logged()).toContain('guard_http_error');
    expect(logged()).toContain('500');
  });

  it('answers null on an answer it cannot read', async () => {
    answer('I am sorry, I cannot classify this.');
    await expect(client().check('hello')).resolves.toBeNull();
    expect(logged()).toContain('guard_unparseable');
  });

  it('answers null when nothing listens', async () => {
    const port = await freePort();
    const nobody = client({ baseUrl: `http://127.0.0.1:${port}/v1` });
    await expect(nobody.check('hello')).resolves.toBeNull();
    expect(logged()).toContain('guard_unreachable');
  });

  it('answers null on an unknown model (404), never throwing', async () => {
    await expect(client({ model: 'another-model' }).check('hello')).resolves.toBeNull();
    expect(logged()).toContain('404');
  });

  it('never logs the text it judged', async () => {
    const secret = 'my-secret-sentence-4711';
    guard.setResponder(() => ({ status: 500, errorMessage: `bad input: ${secret}` }));
    await client().check(secret);
    answer(`Garbage ${secret}`);
    await client().check(secret);
    expect(warn).toHaveBeenCalled();
    expect(logged()).not.toContain(secret);
  });

  it('opens the circuit after repeated failures, probes after the cool-down, closes on success', async () => {
    let now = 1_000_000;
    const breaker = client({ breaker: { failures: 3, coolDownMs: 10_000 }, now: () => now });
    guard.setResponder(() => ({ status: 503, errorMessage: 'overloaded' }));
    for (let i = 0; i < 3; i++) await expect(breaker.check('hello')).resolves.toBeNull();
    expect(breaker.open).toBe(true);
    expect(logged()).toContain('guard_circuit_open');

    // Open: null at once, no request.
    answer('Safety: Unsafe\nCategories: Violent');
    const sent = guard.requests.length;
    const started = performance.now();
    await expect(breaker.check('hello')).resolves.toBeNull();
    // No request is the proof; the bound only says it did not wait (room for a loaded machine).
    expect(performance.now() - started).toBeLessThan(100);
    now += 9_999;
    await expect(breaker.check('hello')).resolves.toBeNull();
    expect(guard.requests.length).toBe(sent);

    // Cool-down over: one probe fails and the circuit opens again.
    guard.setResponder(() => ({ status: 503, errorMessage: 'overloaded' }));
    now += 2;
    await expect(breaker.check('hello')).resolves.toBeNull();
    expect(guard.requests.length).toBe(sent + 1);
    await expect(breaker.check('hello')).resolves.toBeNull();
    expect(guard.requests.length).toBe(sent + 1);

    // Next probe succeeds: closed again, every check asks.
    answer('Safety: Unsafe\nCategories: Violent');
    now += 10_001;
    await expect(breaker.check('hello')).resolves.toEqual({
      safety: 'unsafe',
      categories: ['violent'],
    });
    expect(breaker.open).toBe(false);
    expect(logged()).toContain('guard_circuit_closed');
    await expect(breaker.check('hello')).resolves.not.toBeNull();
    expect(guard.requests.length).toBe(sent + 3);
  });

  it('lets a single probe through while the circuit is half open', async () => {
    let now = 0;
    const breaker = client({ breaker: { failures: 1, coolDownMs: 1000 }, now: () => now });
    guard.setResponder(() => ({ status: 500 }));
    await breaker.check('hello');
    expect(breaker.open).toBe(true);
    guard.setResponder(() => ({ pieces: ['Safety: Safe\nCategories: None'], firstDelayMs: 50 }));
    now += 1001;
    const sent = guard.requests.length;
    const [probe, other] = await Promise.all([breaker.check('a'), breaker.check('b')]);
    expect(probe).toEqual({ safety: 'safe', categories: [] });
    expect(other).toBeNull();
    expect(guard.requests.length).toBe(sent + 1);
  });

  it('a success resets the count of failures', async () => {
    const breaker = client({ breaker: { failures: 2, coolDownMs: 60_000 } });
    guard.setResponder(() => ({ status: 500 }));
    await breaker.check('hello');
    answer('Safety: Safe\nCategories: None');
    await breaker.check('hello');
    guard.setResponder(() => ({ status: 500 }));
    await breaker.check('hello');
    expect(breaker.open).toBe(false);
  });
});

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

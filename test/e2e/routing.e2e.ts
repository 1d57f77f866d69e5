import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelRouter } from '../../src/llm/model-router.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { sleep, startTestApp, type TestApp } from '../support/test-app.js';
import { tokenFor } from '../support/tokens.js';

/**
 * Routing over two endpoints from a routing file (docs/model-loop.md): the route a turn gets,
 * fallback to the next route before the first token when an endpoint answers 503 or hangs, the
 * breaker that then skips the endpoint and lets it back after its cooldown, and load read from
 * the endpoints' /metrics in the background.
 */

const MODEL = 'companion-qwen3-test';
let big: VllmStandIn;
let small: VllmStandIn;
let app: TestApp;
const clients: ChatClient[] = [];
const COOLDOWN_MS = 1500;

const fine = () => ({ pieces: ['Fine', '.'] });

beforeAll(async () => {
  big = await startVllmStandIn({ model: MODEL, adapters: ['warmth-b'], responder: fine });
  small = await startVllmStandIn({ model: MODEL, responder: fine });
  const dir = mkdtempSync(join(tmpdir(), 'routing-'));
  const file = join(dir, 'routing.json');
  writeFileSync(
    file,
    JSON.stringify({
      endpoints: [
        { name: 'big', baseUrl: big.url },
        { name: 'small', baseUrl: small.url },
      ],
      routes: [
        { name: 'best', endpoint: 'big', model: MODEL },
        { name: 'cheap', endpoint: 'small', model: MODEL, sampling: { temperature: 0.5 } },
      ],
      policy: {
        default: 'best',
        cheap: 'cheap',
        fallbacks: { best: ['cheap'], cheap: ['best'] },
        longConversation: { turns: 3 },
        overload: { endpointWaiting: 20 },
      },
      breaker: { failures: 2, cooldownMs: COOLDOWN_MS },
      scrapeIntervalMs: 500,
    }),
  );
  app = await startTestApp({
    MEMORY_ENABLED: 'false',
    ROUTING_CONFIG_FILE: file,
    LLM_FIRST_TOKEN_TIMEOUT_MS: '400',
    LLM_RETRIES: '0',
    RATE_LIMIT_PER_MINUTE: '1000',
  });
});
afterAll(async () => {
  for (const c of clients) c.socket.disconnect();
  await app.close();
  await big.close();
  await small.close();
});
beforeEach(() => {
  big.setResponder(fine);
  small.setResponder(fine);
  big.setLoad({ waiting: 0, kvCache: 0.1 });
});

async function turn(tier = 'free') {
  const user = `route-${randomUUID()}`;
  const client = await ChatClient.connect(app.url, user, {
    token: tokenFor(user, { claims: { tier } }),
  });
  clients.push(client);
  const { start } = await sendAndAwaitReply(app, client, 'Hello there.');
  const [row] = await sql(app.db.url, `SELECT status, content, route FROM messages WHERE id = $1`, [
    start.replyId,
  ]);
  return row as { status: string; content: string; route: Record<string, unknown> };
}

/** Sends a message and waits for its reply (the endpoints here are the file's, not app.model). */
async function sendAndAwaitReply(
  _app: TestApp,
  client: ChatClient,
  text: string,
  conversationId?: string,
) {
  const ack = await client.request<SendAck>('message:send', {
    clientMsgId: randomUUID(),
    text,
    conversationId,
  });
  const start = await client.next('reply:start', (s) => s.inReplyTo === ack.messageId, 10_000);
  await client.next('reply:end', (e) => e.replyId === start.replyId, 10_000);
  return { ack, start };
}

const router = () => app.running.app.get(ModelRouter);

describe('routing from the file', () => {
  it('serves a free user from the default route, and stores why', async () => {
    const reply = await turn();
    expect(reply).toMatchObject({ status: 'completed', content: 'Fine.' });
    expect(big.requests.at(-1)!.body.model).toBe(MODEL);
    expect(reply.route).toMatchObject({ route: 'best', endpoint: 'big', reason: 'default' });
  });

  it('sends a long free conversation to the cheap route with its sampling', async () => {
    const user = `route-${randomUUID()}`;
    const client = await ChatClient.connect(app.url, user);
    clients.push(client);
    const first = await sendAndAwaitReply(app, client, 'One.');
    await sendAndAwaitReply(app, client, 'Two.', first.ack.conversationId);
    const third = await sendAndAwaitReply(app, client, 'Three.', first.ack.conversationId);
    const [row] = await sql(app.db.url, `SELECT route FROM messages WHERE id = $1`, [
      third.start.replyId,
    ]);
    expect(row.route).toMatchObject({
      route: 'cheap',
      reason: 'long_free',
      sampling: { temperature: 0.5 },
    });
    expect(small.requests.at(-1)!.body.temperature).toBe(0.5);
  });

  it("reads the endpoint's load from /metrics in the background and moves free turns off it", async () => {
    big.setLoad({ waiting: 40, kvCache: 0.5 });
    await sleep(1200);
    expect(router().loadOf('big')).toEqual({ waiting: 40, kvCache: 0.5 });
    expect((await turn()).route).toMatchObject({ route: 'cheap', reason: 'overload_free' });
    expect((await turn('plus')).route).toMatchObject({ route: 'best', reason: 'paid' });
    expect(router().served.get('big')).toEqual([MODEL, 'warmth-b']);
    big.setLoad({ waiting: 0, kvCache: 0.1 });
    while (router().loadOf('big')?.waiting !== 0) await sleep(100);
  });
});

describe('fallback before the first token', () => {
  it('answers from the next route when the endpoint says 503', async () => {
    big.setResponder(() => ({ status: 503, errorMessage: 'overloaded' }));
    const before = small.requests.length;
    const reply = await turn();
    expect(reply).toMatchObject({ status: 'completed', content: 'Fine.' });
    expect(reply.route).toMatchObject({ route: 'cheap', endpoint: 'small', fallbackFrom: 'best' });
    expect(small.requests.length).toBe(before + 1);
  });

  it('answers from the next route when the endpoint hangs before its first token', async () => {
    await sleep(COOLDOWN_MS); // the breaker may be open from the test before
    big.setResponder(() => ({ pieces: ['never'], firstDelayMs: 60_000 }));
    const reply = await turn();
    expect(reply).toMatchObject({ status: 'completed', content: 'Fine.' });
    expect(reply.route).toMatchObject({ route: 'cheap', fallbackFrom: 'best' });
  });
});

describe('the circuit breaker', () => {
  it('opens after consecutive failures, skips the endpoint, and closes after a trial succeeds', async () => {
    await sleep(COOLDOWN_MS);
    big.setResponder(() => ({ status: 503 }));
    await turn();
    await turn();
    expect(router().breakerState('big')).toBe('open');
    const asked = big.requests.length;
    const skipped = await turn();
    // The policy moved the turn: the open endpoint was not asked at all.
    expect(skipped.route).toMatchObject({
      route: 'cheap',
      reason: 'endpoint_down',
      fallbackFrom: 'best',
    });
    expect(big.requests.length).toBe(asked);

    big.setResponder(fine);
    await sleep(COOLDOWN_MS + 100);
    expect(router().breakerState('big')).toBe('half_open');
    const back = await turn();
    expect(back.route).toMatchObject({ route: 'best', reason: 'default' });
    expect(router().breakerState('big')).toBe('closed');
  });
});

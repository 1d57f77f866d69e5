import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIError, BadRequestError } from 'openai';
import { createNodeFetch } from '../common/http-fetch.js';
import { streamChatCompletion } from './chat-completion-stream.js';

/** What the endpoint answers, by the request's model name. */
const answers: Record<string, { status: number; headers?: Record<string, string>; body: string }> =
  {
    ok: {
      status: 200,
      body:
        'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n' +
        ': a comment\n\n' +
        'data: {"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}\n\n' +
        'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\n' +
        'data: [DONE]\n\n' +
        'data: {"choices":[{"index":0,"delta":{"content":"after done"}}]}\n\n',
    },
    'error-event': {
      status: 200,
      body: 'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\nevent: error\ndata: {"message":"engine died"}\n\n',
    },
    'error-chunk': { status: 200, body: 'data: {"error":{"message":"out of memory"}}\n\n' },
    garbage: { status: 200, body: 'data: {"choices":[\n\n' },
    invalid: {
      status: 400,
      body: '{"error":{"message":"The model `invalid` does not exist.","type":"NotFoundError"}}',
    },
    'late-end': { status: 200, body: '' },
    'never-ends': { status: 200, body: '' },
    busy: { status: 503, headers: { 'retry-after': '2' }, body: 'overloaded' },
  };

const seen: Array<{ authorization?: string; body: Record<string, unknown> }> = [];
let connections = 0;
const closedAt: number[] = [];
let server: http.Server;
let client: OpenAI;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ authorization: req.headers.authorization, body });
      const answer = answers[String(body.model)];
      res.writeHead(answer.status, {
        'content-type': answer.status === 200 ? 'text/event-stream' : 'application/json',
        ...answer.headers,
      });
      if (body.model === 'never-ends') {
        res.write(answers.ok.body);
        req.socket.once('close', () => closedAt.push(Date.now()));
      } else if (body.model === 'late-end') {
        // The last event, then the end of the body a moment later (as a proxy may send it).
        res.write(answers.ok.body);
        setTimeout(() => res.end(), 20);
      } else res.end(answer.body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: 'secret-key',
    maxRetries: 0,
    fetch: createNodeFetch(),
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function collect(model: string) {
  const chunks = [];
  for await (const c of streamChatCompletion(
    client,
    { model, messages: [{ role: 'user', content: 'hi' }], stream: true },
    {},
  )) {
    chunks.push(c);
  }
  return chunks;
}

describe('streamChatCompletion', () => {
  it('sends the request the client builds and yields each chunk up to [DONE]', async () => {
    const chunks = await collect('ok');
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? null)).toEqual(['Hel', 'lo', null]);
    expect(chunks[1].choices[0].finish_reason).toBe('stop');
    expect(chunks[2].usage).toEqual({ prompt_tokens: 3, completion_tokens: 2 });
    const request = seen.at(-1)!;
    expect(request.authorization).toBe('Bearer secret-key');
    expect(request.body).toMatchObject({ model: 'ok', stream: true });
  });

  it('reads the body to its end after [DONE], so the connection is kept for the next request', async () => {
    const before = connections;
    for (let i = 0; i < 5; i++) {
      expect(await collect('late-end')).toHaveLength(3);
      // The end comes 20 ms after [DONE]; the connection is free again once it is read.
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('gives the connection up when the body does not end within 2 s of [DONE]', async () => {
    const started = Date.now();
    expect(await collect('never-ends')).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(1000);
    for (let i = 0; i < 40 && closedAt.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(closedAt).toHaveLength(1);
    expect(closedAt[0] - started).toBeGreaterThanOrEqual(1900);
  });

  it('throws the endpoint’s error event, after the chunks before it', async () => {
    const got: string[] = [];
    const run = async () => {
      for await (const c of streamChatCompletion(
        client,
        { model: 'error-event', messages: [], stream: true },
        {},
      )) {
        got.push(c.choices[0].delta.content ?? '');
      }
    };
    const error = await run().catch((e: unknown) => e);
    expect(got).toEqual(['a']);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBeUndefined();
    expect((error as Error).message).toContain('engine died');
  });

  it('throws a chunk that carries an error', async () => {
    const error = await collect('error-chunk').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as Error).message).toContain('out of memory');
  });

  it('throws on an event that is not JSON', async () => {
    await expect(collect('garbage')).rejects.toThrow('not JSON');
  });

  it("throws the SDK's error for the status, with the endpoint's message and headers", async () => {
    const invalid = await collect('invalid').catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect((invalid as APIError).status).toBe(400);
    expect((invalid as Error).message).toContain('does not exist');
    const busy = await collect('busy').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(APIError);
    expect((busy as APIError).status).toBe(503);
    expect((busy as APIError).headers?.get('retry-after')).toBe('2');
    expect((busy as Error).message).toContain('overloaded');
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { abortedBy, createNodeFetch } from './http-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

let server: Server;
let base: string;
let handler: Handler;
const seen: Array<{
  method?: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  port: number;
}> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method, headers: req.headers, body, port: req.socket.remotePort! });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
afterEach(() => {
  seen.length = 0;
});

const fetch = createNodeFetch();

async function readAll(body: unknown): Promise<string> {
  let text = '';
  for await (const chunk of body as Readable) text += (chunk as Buffer).toString();
  return text;
}

describe('createNodeFetch', () => {
  it('sends the method, headers and body, and reads status, headers and JSON', async () => {
    handler = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r-1' });
      res.end(JSON.stringify({ fine: true }));
    };
    const headers = new Headers({ 'Content-Type': 'application/json', Authorization: 'Bearer k' });
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'post',
      headers,
      body: '{"héllo":1}',
    });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.url).toBe(`${base}/v1/chat/completions`);
    expect(res.headers.get('x-request-id')).toBe('r-1');
    expect(await res.json()).toEqual({ fine: true });
    expect(seen[0].method).toBe('POST');
    expect(seen[0].headers.authorization).toBe('Bearer k');
    expect(seen[0].headers['content-length']).toBe(String(Buffer.byteLength('{"héllo":1}')));
    expect(seen[0].body.toString()).toBe('{"héllo":1}');
  });

  it('takes headers as pairs or a record, and a byte body', async () => {
    handler = (_req, res) => res.end('ok');
    await (
      await fetch(base, { method: 'PUT', headers: [['x-a', '1']], body: new Uint8Array([1, 2]) })
    ).text();
    await (await fetch(new URL(base), { headers: { 'x-b': '2' } })).text();
    expect(seen[0].headers['x-a']).toBe('1');
    expect([...seen[0].body]).toEqual([1, 2]);
    expect(seen[1].method).toBe('GET');
    expect(seen[1].headers['x-b']).toBe('2');
  });

  it('returns an error status with its body and headers, not a rejection', async () => {
    handler = (_req, res) => {
      res.writeHead(503, { 'retry-after': '3', 'content-type': 'application/json' });
      res.end('{"error":{"message":"overloaded"}}');
    };
    const res = await fetch(base, { method: 'POST', body: '{}' });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.text()).toBe('{"error":{"message":"overloaded"}}');
    await expect(res.text()).rejects.toThrow(/already read/);
  });

  it('yields each chunk as it arrives, before the response has ended', async () => {
    let sendRest!: () => void;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      sendRest = () => res.end('data: two\n\n');
    };
    const res = await fetch(base, { method: 'POST', body: '{}' });
    const iterator = (res.body as unknown as Readable)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect((first.value as Buffer).toString()).toBe('data: one\n\n');
    sendRest();
    expect(((await iterator.next()).value as Buffer).toString()).toBe('data: two\n\n');
    expect((await iterator.next()).done).toBe(true);
  });

  it('decodes a gzip body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(gzipSync('zipped words'));
    };
    expect(await (await fetch(base)).text()).toBe('zipped words');
  });

  it('keeps the connection alive between requests', async () => {
    handler = (_req, res) => res.end('ok');
    await (await fetch(base)).text();
    await (await fetch(base)).text();
    expect(seen).toHaveLength(2);
    expect(seen[1].port).toBe(seen[0].port);
  });

  it('aborts by init.signal before the response, and the server sees the request go', async () => {
    let closed!: Promise<void>;
    handler = (req) => {
      closed = new Promise((r) => req.socket.once('close', () => r()));
      setTimeout(() => controller.abort(), 10);
    };
    const controller = new AbortController();
    const pending = fetch(base, { method: 'POST', body: '{}', signal: controller.signal });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await closed;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it("aborts mid-stream by the caller's signal, with its reason, and the body iteration fails", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('data: one\n\n');
    };
    const caller = new AbortController();
    const init = { method: 'POST', body: '{}', ...abortedBy(caller.signal) } as RequestInit;
    const res = await fetch(base, init);
    const iterator = (res.body as unknown as Readable)[Symbol.asyncIterator]();
    await iterator.next();
    caller.abort(new Error('first_token'));
    await expect(iterator.next()).rejects.toThrow('first_token');
    await new Promise((r) => setImmediate(r));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects at once when a signal is already aborted, without sending', async () => {
    const init = abortedBy(AbortSignal.abort()) as RequestInit;
    await expect(fetch(base, init)).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(0);
  });

  it('removes its abort listeners once a response is read to its end', async () => {
    handler = (_req, res) => res.end('ok');
    const controller = new AbortController();
    const res = await fetch(base, { signal: controller.signal });
    expect(await readAll(res.body)).toBe('ok');
    await new Promise((r) => setImmediate(r));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('lets go of the socket readable once the body is read to its end; a second read fails', async () => {
    handler = (_req, res) => res.end('once');
    const res = await fetch(base);
    const body = res.body;
    expect(body).not.toBeNull();
    expect(await readAll(body)).toBe('once');
    expect(res.body).toBeNull();
    await expect(res.text()).rejects.toThrow(TypeError);

    const read = await fetch(base);
    expect(await read.text()).toBe('once');
    expect(read.body).toBeNull();
    await expect(read.json()).rejects.toThrow('already read');
  });

  it('rejects when nothing listens at the address', async () => {
    const closedServer = createServer();
    await new Promise<void>((r) => closedServer.listen(0, '127.0.0.1', r));
    const { port } = closedServer.address() as AddressInfo;
    await new Promise((r) => closedServer.close(r));
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('fails the body iteration when the server drops the connection mid-stream', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('data: one\n\n');
      setTimeout(() => res.socket?.destroy(), 10);
    };
    const res = await fetch(base, { method: 'POST', body: '{}' });
    await expect(readAll(res.body)).rejects.toThrow();
  });

  it('hands a body it does not stream itself to the global fetch', async () => {
    handler = (_req, res) => res.end('ok');
    const res = await fetch(base, { method: 'POST', body: new Blob(['blob body']) });
    expect(await res.text()).toBe('ok');
    expect(seen[0].body.toString()).toBe('blob body');
  });
});

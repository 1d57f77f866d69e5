import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

/**
 * Where the model client puts its caller's abort signal in a request's `fetchOptions`. Not
 * `signal`: the SDK would then tie the caller's signal to the request through weak references,
 * which keep every request's objects alive past the young generation (see below).
 */
export const CALLER_SIGNAL = Symbol('callerSignal');

/** A request's `fetchOptions` that abort it by `signal` (see {@link CALLER_SIGNAL}). */
export function abortedBy(signal: AbortSignal): object {
  return { [CALLER_SIGNAL]: signal };
}

/** How long an idle keep-alive connection is kept: below servers' usual 5 s keep-alive timeout. */
const IDLE_SOCKET_MS = 4000;

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

type NodeInit = RequestInit & { [CALLER_SIGNAL]?: AbortSignal };

/**
 * A `fetch` for the model endpoints over node:http, whose response body is the socket's own
 * readable (an async iterable of byte chunks, which the OpenAI SDK reads as it reads a web
 * stream). Why: every streamed completion read through the global fetch builds a web-stream
 * pipeline (undici's body, tee, text decoding) whose objects live as long as the reply streams,
 * a second or more; at a hundred turns a second each minor GC then promotes about a megabyte and
 * a full mark-compact follows every few seconds, and the turns that arrive during one wait
 * 20-40 ms longer. Node streams that are read and dropped die young.
 *
 * Supports what the SDK sends: string or byte bodies (others go to the global fetch), headers as
 * a Headers object, pairs or a record, abort by `init.signal` or by the caller's signal under
 * {@link CALLER_SIGNAL}, gzip/deflate/br bodies. No redirects are followed (model servers do not
 * redirect); a 3xx is returned as it is.
 */
export function createNodeFetch(): FetchLike {
  const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  return function nodeFetch(input, init: NodeInit = {}) {
    const body = init.body;
    if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return globalThis.fetch(input, init);
    }
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return globalThis.fetch(input, init);
    }
    const signals = [init.signal, init[CALLER_SIGNAL]].filter((s): s is AbortSignal => !!s);
    const aborted = signals.find((s) => s.aborted);
    if (aborted) return Promise.reject(abortError(aborted.reason));

    return new Promise<Response>((resolve, reject) => {
      const headers = headerRecord(init.headers);
      if (body != null && headers['content-length'] === undefined) {
        headers['content-length'] = String(
          typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
        );
      }
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(url, {
        method: (init.method ?? 'GET').toUpperCase(),
        headers,
        agent: secure ? agents.https : agents.http,
      });
      let res: IncomingMessage | null = null;
      const onAbort = function (this: AbortSignal) {
        const error = abortError(this.reason);
        if (res) res.destroy(error);
        req.destroy(error);
      };
      for (const s of signals) s.addEventListener('abort', onAbort);
      const cleanup = () => {
        for (const s of signals) s.removeEventListener('abort', onAbort);
      };
      req.once('error', (e) => {
        if (!res) {
          cleanup();
          reject(e);
        }
      });
      req.once('response', (incoming) => {
        res = incoming;
        incoming.once('close', cleanup);
        resolve(new NodeResponse(incoming, url.href) as unknown as Response);
      });
      req.end(body ?? undefined);
    });
  };
}

/** The part of the Fetch API's Response that the OpenAI SDK reads, over a node:http response. */
class NodeResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  private readable: Readable | null;
  private used = false;

  constructor(
    res: IncomingMessage,
    readonly url: string,
  ) {
    this.status = res.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = res.statusMessage ?? '';
    this.headers = new Headers();
    const raw = res.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) this.headers.append(raw[i], raw[i + 1]);
    const body = (this.readable = decoded(res));
    body.once('end', () => (this.readable = null));
  }

  /**
   * The body until it has been read to its end, then null. The OpenAI SDK keeps each response
   * reachable from per-request closures that V8 allocates in the old generation, so a response
   * still holding its socket's readable would keep the node:http request (its headers, listeners
   * and body) alive until the next major collection: 16.4 against 4.3 KB promoted per streamed
   * completion (`npm run bench:promotion`).
   */
  get body(): Readable | null {
    return this.readable;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  private async bytes(): Promise<Buffer> {
    // Null once something else read it to its end (the SDK's stream).
    if (this.used || !this.readable) throw new TypeError('the response body was already read');
    this.used = true;
    const chunks: Buffer[] = [];
    for await (const chunk of this.readable) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

function decoded(res: IncomingMessage): Readable {
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : null;
  if (!decoder) return res;
  res.on('error', (e) => decoder.destroy(e));
  decoder.on('close', () => res.destroy());
  return res.pipe(decoder);
}

function headerRecord(init: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!init) return out;
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  };
  if (init instanceof Headers) init.forEach((value, name) => add(name, value));
  else if (Array.isArray(init)) for (const [name, value] of init) add(name, value);
  else
    for (const [name, value] of Object.entries(init)) if (value != null) add(name, String(value));
  return out;
}

function abortError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const error = new Error('This operation was aborted');
  error.name = 'AbortError';
  return error;
}

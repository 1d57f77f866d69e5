import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal, readBody, sendJson } from '../../src/common/local-http.js';

/**
 * `POST /v1/embeddings` as vLLM's OpenAI-compatible server answers it for an embedding model:
 * `input` a string or an array of strings, `encoding_format` `float` (numbers) or `base64`
 * (little-endian float32 bytes, what the official client asks for by default), the response
 * `{id: "embd-…", object: "list", created, model, data: [{index, object: "embedding",
 * embedding}], usage}`, and vLLM's error body for an unknown model or a bad request.
 *
 * The vectors are made, not learnt: every word (a Han character counts as a word) adds a random
 * direction chosen by its hash; words given the same `concept` share a direction. So texts that
 * share words or concepts are close, others nearly orthogonal: enough to test that the service
 * uses what an embedding model knows and the words do not show.
 */
export interface EmbeddingsStandIn {
  url: string;
  requests: Array<{ model: string; input: string[]; encodingFormat: string | undefined }>;
  /** Delay every answer (to exercise the service's timeout). */
  setDelay(ms: number): void;
  /** Answer the next `count` requests with this HTTP status and vLLM's error body. */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

export async function startEmbeddingsStandIn(
  options: { model?: string; dimensions?: number; concepts?: Record<string, string> } = {},
): Promise<EmbeddingsStandIn> {
  const model = options.model ?? 'bge-m3';
  const dims = options.dimensions ?? 256;
  const concepts = options.concepts ?? {};
  let delayMs = 0;
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const requests: EmbeddingsStandIn['requests'] = [];

  const direction = new Map<string, Float32Array>();
  const directionOf = (key: string): Float32Array => {
    let v = direction.get(key);
    if (!v) {
      const seed = createHash('sha256').update(key).digest();
      v = new Float32Array(dims);
      for (let i = 0; i < dims; i++) {
        const b = createHash('sha256').update(seed).update(String(i)).digest();
        v[i] = (b.readUInt32LE(0) / 0xffffffff) * 2 - 1;
      }
      direction.set(key, v);
    }
    return v;
  };
  const embed = (text: string): Float32Array => {
    const out = new Float32Array(dims);
    const words = text.toLowerCase().match(/\p{Script=Han}|[\p{L}\p{N}]+/gu) ?? [];
    for (const word of words) {
      const d = directionOf(concepts[word] ?? word);
      for (let i = 0; i < dims; i++) out[i] += d[i];
    }
    return out;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
      return sendJson(res, 404, { error: error('Not Found', 'NotFoundError', 404) });
    }
    let body: { model?: unknown; input?: unknown; encoding_format?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      return sendJson(res, 400, { error: error('invalid JSON', 'BadRequestError', 400) });
    }
    const input =
      typeof body.input === 'string'
        ? [body.input]
        : Array.isArray(body.input) && body.input.every((i) => typeof i === 'string')
          ? body.input
          : null;
    const format = body.encoding_format as string | undefined;
    requests.push({ model: String(body.model), input: input ?? [], encodingFormat: format });
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      return sendJson(res, failures.status, {
        error: error('stand-in failure', 'InternalServerError', failures.status),
      });
    }
    if (body.model !== model) {
      return sendJson(res, 404, {
        error: error(`The model \`${String(body.model)}\` does not exist.`, 'NotFoundError', 404),
      });
    }
    if (!input || input.length === 0) {
      return sendJson(res, 400, {
        error: error('input must not be empty', 'BadRequestError', 400),
      });
    }
    if (format !== undefined && format !== 'float' && format !== 'base64') {
      return sendJson(res, 400, {
        error: error(`unknown encoding_format ${String(format)}`, 'BadRequestError', 400),
      });
    }
    const tokens = input.reduce((n, t) => n + Math.max(1, t.length >> 2), 0);
    sendJson(res, 200, {
      id: `embd-${randomBytes(16).toString('hex')}`,
      object: 'list',
      created: Math.floor(Date.now() / 1000),
      model,
      data: input.map((text, index) => {
        const v = embed(text);
        return {
          index,
          object: 'embedding',
          embedding: format === 'base64' ? float32Base64(v) : Array.from(v),
        };
      }),
      usage: {
        prompt_tokens: tokens,
        total_tokens: tokens,
        completion_tokens: 0,
        prompt_tokens_details: null,
      },
    });
  }
  const listening = await listenLocal(server);
  return {
    url: listening.url,
    requests,
    setDelay: (ms) => {
      delayMs = ms;
    },
    failNext: (count, status = 500) => {
      failures = { count, status };
    },
    close: listening.close,
  };
}

function float32Base64(v: Float32Array): string {
  const bytes = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}

function error(message: string, type: string, code: number) {
  return { message, type, param: null, code };
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenLocal, readBody, sendJson } from '../../common/local-http.js';

/**
 * An HTTP server that speaks the part of vLLM's OpenAI-compatible API the service uses, byte for
 * byte as vLLM writes it: `POST /v1/chat/completions` (SSE chunks: a role chunk, content chunks,
 * a finish chunk, the usage chunk when `stream_options.include_usage` is set, then `[DONE]`),
 * `GET /v1/models` (the model and any LoRA adapters it is given), `GET /metrics` (the two gauges
 * routing reads, `vllm:num_requests_waiting` and `vllm:kv_cache_usage_perc`, as a test sets them)
 * and `GET /health`. Embedded mode starts it when LLM_BASE_URL is unset; tests
 * script it. It produces placeholder text, never a model's answer.
 */

export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface StandInScript {
  /** Non-200: answer with vLLM's JSON error body instead of a completion. */
  status?: number;
  errorMessage?: string;
  headers?: Record<string, string>;
  /** The content, as the pieces that become chunks. */
  pieces?: string[];
  /** Delay before the first chunk (prefill) and between content chunks. */
  firstDelayMs?: number;
  pieceDelayMs?: number;
  finishReason?: 'stop' | 'length';
  /** Stop after this many content pieces: `hang` keeps the connection open, `drop` cuts it. */
  stopAfter?: { pieces: number; then: 'hang' | 'drop' };
  promptTokens?: number;
}

export type Responder = (
  body: ChatRequestBody,
  index: number,
) => StandInScript | Promise<StandInScript>;

export interface RecordedRequest {
  body: ChatRequestBody;
  /** The client went away before the response ended (e.g. an aborted generation). */
  aborted: boolean;
  finished: boolean;
}

export interface VllmStandIn {
  url: string;
  requests: RecordedRequest[];
  setResponder(responder: Responder): void;
  /** What `GET /metrics` reports from now on. */
  setLoad(load: { waiting: number; kvCache: number }): void;
  close(): Promise<void>;
}

export async function startVllmStandIn(options: {
  model: string;
  port?: number;
  host?: string;
  responder?: Responder;
  /** LoRA adapters served beside the model (listed in /v1/models and accepted as `model`). */
  adapters?: string[];
  /**
   * Keep every request in `requests` (default). A benchmark turns this off: thousands of kept
   * prompts grow the host process's heap, and its collections then delay the load it generates.
   */
  record?: boolean;
}): Promise<VllmStandIn> {
  let responder = options.responder ?? placeholderResponder;
  let load = { waiting: 0, kvCache: 0 };
  const served = [options.model, ...(options.adapters ?? [])];
  const requests: RecordedRequest[] = [];
  const record = options.record ?? true;
  let received = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const list = modelList(options.model) as { data: Array<Record<string, unknown>> };
      for (const adapter of options.adapters ?? []) {
        list.data.push({ ...list.data[0], id: adapter, root: adapter, parent: options.model });
      }
      return sendJson(res, 200, list);
    }
    if (req.method === 'GET' && path === '/metrics') {
      const labels = `{engine="0",model_name="${options.model}"}`;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        [
          '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
          '# TYPE vllm:num_requests_waiting gauge',
          `vllm:num_requests_waiting${labels} ${load.waiting.toFixed(1)}`,
          '# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.',
          '# TYPE vllm:kv_cache_usage_perc gauge',
          `vllm:kv_cache_usage_perc${labels} ${load.kvCache}`,
          '',
        ].join('\n'),
      );
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return sendJson(res, 404, { detail: 'Not Found' });
    }
    let body: ChatRequestBody;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8')) as ChatRequestBody;
    } catch {
      return sendJson(res, 400, vllmError('Invalid JSON body', 'BadRequestError', 400));
    }
    const recorded: RecordedRequest = { body, aborted: false, finished: false };
    // The request's index: its place in `requests` (which a test may empty), or a count.
    const index = record ? requests.push(recorded) - 1 : received++;
    res.on('close', () => {
      if (!recorded.finished) recorded.aborted = true;
    });
    if (!served.includes(String(body.model))) {
      return sendJson(
        res,
        404,
        vllmError(`The model \`${String(body.model)}\` does not exist.`, 'NotFoundError', 404),
      );
    }
    const script = { ...(await responder(body, index)) };
    // A structured request gets an answer that fits its schema unless the script says otherwise.
    const format = body.response_format as
      { type?: string; json_schema?: { schema?: unknown } } | undefined;
    if (format?.type === 'json_schema' && script.pieces === undefined && !script.status) {
      script.pieces = [JSON.stringify(schemaDefault(format.json_schema?.schema))];
    }
    if (script.status && script.status !== 200) {
      res.writeHead(script.status, { 'content-type': 'application/json', ...script.headers });
      res.end(
        JSON.stringify(
          vllmError(script.errorMessage ?? 'error', errorType(script.status), script.status),
        ),
      );
      recorded.finished = true;
      return;
    }
    if (body.stream) await streamCompletion(res, body, script, recorded);
    else await wholeCompletion(res, body, script, recorded);
  }

  async function streamCompletion(
    res: ServerResponse,
    body: ChatRequestBody,
    script: StandInScript,
    record: RecordedRequest,
  ): Promise<void> {
    const id = `chatcmpl-${randomBytes(16).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000);
    // vLLM names the served model asked for (a LoRA adapter's name for an adapter).
    const model = String(body.model);
    const pieces = script.pieces ?? [];
    const head = (choices: unknown[]) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices,
    });
    const send = (payload: unknown) => {
      if (!res.destroyed) res.write(`data: ${JSON.stringify(payload)}\n\n`);
    };

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', ...script.headers });
    await delay(script.firstDelayMs ?? 0);
    if (res.destroyed) return;
    send(
      head([
        {
          index: 0,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        },
      ]),
    );
    for (let i = 0; i < pieces.length; i++) {
      if (script.stopAfter && i === script.stopAfter.pieces) {
        if (script.stopAfter.then === 'drop') await cut(res);
        return; // 'hang': keep the connection open until the client gives up
      }
      if (i > 0) await delay(script.pieceDelayMs ?? 0);
      if (res.destroyed) return;
      send(
        head([{ index: 0, delta: { content: pieces[i] }, logprobs: null, finish_reason: null }]),
      );
    }
    if (script.stopAfter && script.stopAfter.pieces >= pieces.length) {
      if (script.stopAfter.then === 'drop') await cut(res);
      return;
    }
    send(
      head([
        {
          index: 0,
          delta: { content: '' },
          logprobs: null,
          finish_reason: script.finishReason ?? 'stop',
          stop_reason: null,
        },
      ]),
    );
    if (body.stream_options?.include_usage) {
      const promptTokens = script.promptTokens ?? estimateTokens(body);
      const completionTokens = pieces.length + 1;
      send({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          total_tokens: promptTokens + completionTokens,
          completion_tokens: completionTokens,
        },
      });
    }
    if (!res.destroyed) res.end('data: [DONE]\n\n');
    record.finished = true;
  }

  async function wholeCompletion(
    res: ServerResponse,
    body: ChatRequestBody,
    script: StandInScript,
    record: RecordedRequest,
  ): Promise<void> {
    await delay(script.firstDelayMs ?? 0);
    const pieces = script.pieces ?? [];
    const promptTokens = script.promptTokens ?? estimateTokens(body);
    sendJson(res, 200, {
      id: `chatcmpl-${randomBytes(16).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: options.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: pieces.join(''), refusal: null, tool_calls: [] },
          logprobs: null,
          finish_reason: script.finishReason ?? 'stop',
          stop_reason: null,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        total_tokens: promptTokens + pieces.length + 1,
        completion_tokens: pieces.length + 1,
      },
      prompt_logprobs: null,
    });
    record.finished = true;
  }

  const listening = await listenLocal(server, options);
  return {
    url: listening.url,
    requests,
    setResponder: (r) => (responder = r),
    setLoad: (l) => (load = l),
    close: listening.close,
  };
}

/** Embedded mode's answer: plainly a placeholder, in the user's script when it is Chinese. */
export const placeholderResponder: Responder = (body) => {
  if ((body.response_format as { type?: string } | undefined)?.type === 'json_schema') return {};
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : '';
  const chinese = /[\u4e00-\u9fff]/.test(text);
  const reply = chinese
    ? `（占位模型，不是真正的回复）我收到了你的消息，共 ${[...text].length} 个字。配置 LLM_BASE_URL 连接 vLLM 后，这里会是陪伴模型的回答。`
    : `(Stand-in model, not a real reply.) I received your message of ${[...text].length} characters. Set LLM_BASE_URL to a vLLM server and the companion model answers here.`;
  const pieces = chinese ? [...reply] : reply.split(/(?<= )/);
  return { pieces, firstDelayMs: 80, pieceDelayMs: 15 };
};

/** The smallest value a JSON schema accepts: empty lists, zeros (within range), first enums, nulls. */
export function schemaDefault(schema: unknown): unknown {
  const s = (schema ?? {}) as Record<string, unknown>;
  if (Array.isArray(s.enum)) return s.enum[0];
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  if (types.includes('null')) return null;
  if (types.includes('object')) {
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    const required = (s.required ?? Object.keys(properties)) as string[];
    return Object.fromEntries(required.map((k) => [k, schemaDefault(properties[k])]));
  }
  if (types.includes('array')) return [];
  if (types.includes('string')) return '';
  if (types.includes('boolean')) return false;
  if (types.includes('number') || types.includes('integer')) {
    const min = typeof s.minimum === 'number' ? s.minimum : -Infinity;
    const max = typeof s.maximum === 'number' ? s.maximum : Infinity;
    return Math.min(Math.max(0, min), max);
  }
  return null;
}

function modelList(model: string) {
  const created = Math.floor(Date.now() / 1000);
  return {
    object: 'list',
    data: [
      {
        id: model,
        object: 'model',
        created,
        owned_by: 'vllm',
        root: model,
        parent: null,
        max_model_len: 32768,
        permission: [],
      },
    ],
  };
}

function vllmError(message: string, type: string, code: number) {
  return { error: { message, type, param: null, code } };
}

function errorType(status: number): string {
  if (status === 400) return 'BadRequestError';
  if (status === 404) return 'NotFoundError';
  if (status === 429) return 'TooManyRequestsError';
  if (status === 503) return 'ServiceUnavailableError';
  return 'InternalServerError';
}

function estimateTokens(body: ChatRequestBody): number {
  const chars = (body.messages ?? []).reduce((n, m) => n + String(m.content ?? '').length, 0);
  return Math.max(1, Math.ceil(chars / 3)) + 3 * (body.messages?.length ?? 0);
}

/** Cuts the connection mid-stream, after what was written so far has reached the client. */
async function cut(res: ServerResponse): Promise<void> {
  await new Promise<void>((resolve) => res.write('', () => resolve()));
  await delay(20);
  res.socket?.destroy();
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

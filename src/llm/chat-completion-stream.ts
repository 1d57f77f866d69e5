import type OpenAI from 'openai';
import { APIError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { serverSentEvents } from './sse.js';

/**
 * A streamed chat completion: the OpenAI client builds and sends the request (URL, the key and
 * default headers, the body, the timeout until the response starts: `buildRequest` and
 * `fetchWithTimeout`), and its `text/event-stream` body is read here, chunk by chunk.
 *
 * Why not `chat.completions.create` and the SDK's `Stream`: the SDK assigns fresh arrow functions
 * to properties of each request's promise (`withResponse`, `_thenUnwrap`) and of its stream's
 * message iterator (`return`), and V8 allocates a function literal assigned to a property in the
 * old generation. Each of those closures holds its request's scope (the request, the response,
 * the stream) from the old generation, so every young collection keeps it until the next major
 * collection: 4.4 KB promoted per streamed completion against 0.03 read this way (`npm run
 * bench:promotion`, cases `openai` and `openai-request`), and at the nightly rate the gateway's
 * major collections, which hold turns back, come that much more often.
 *
 * The wire format is OpenAI's as vLLM serves it: `data: <chunk JSON>` events ending with
 * `data: [DONE]`, after which the rest of the body is read in the background so that the
 * connection goes back to the keep-alive pool. A non-2xx answer is thrown as the SDK's `APIError` for its status (what
 * `create` would throw); an `error` event or a chunk carrying `error` as an `APIError` without a
 * status; a body that is not JSON as an Error. `fetchOptions` go to the fetch (the abort signal).
 */
export async function* streamChatCompletion(
  client: OpenAI,
  body: ChatCompletionCreateParamsStreaming,
  fetchOptions: object,
): AsyncGenerator<ChatCompletionChunk> {
  const { req, url, timeout } = await client.buildRequest({
    method: 'post',
    path: '/chat/completions',
    body,
    stream: true,
    fetchOptions,
  });
  const response = await client.fetchWithTimeout(url, req, timeout, new AbortController());
  if (!response.ok) throw await statusError(response);
  if (!response.body) throw new Error('the model endpoint answered without a body');
  const events = serverSentEvents(response.body)[Symbol.asyncIterator]();
  let draining = false;
  try {
    for (let next = await events.next(); !next.done; next = await events.next()) {
      const sse = next.value;
      if (sse.data === '[DONE]') {
        draining = true;
        drain(events, response.body);
        return;
      }
      let data: unknown;
      try {
        data = JSON.parse(sse.data);
      } catch {
        throw new Error('the model endpoint sent an event that is not JSON');
      }
      const error = (data as { error?: unknown } | null)?.error;
      if (sse.event === 'error' || error) {
        throw new APIError(undefined, (error ?? data) as object, undefined, response.headers);
      }
      yield data as ChatCompletionChunk;
    }
  } finally {
    // Stopped early (the caller's return, an error): the body is closed with its connection.
    if (!draining) await events.return(undefined);
  }
}

/** How long the rest of a body is read after [DONE] before its connection is given up. */
const DRAIN_MS = 2000;

/**
 * Reads what follows [DONE] (the end of the chunked body, usually in the next packet) off the
 * turn's path. A body closed before its end takes its keep-alive connection with it (Node
 * destroys the socket), and the next request would open a new one.
 */
function drain(events: AsyncIterator<unknown>, body: unknown): void {
  const giveUp = setTimeout(() => {
    const b = body as { destroy?: () => void; cancel?: () => Promise<void> };
    if (typeof b.destroy === 'function') b.destroy();
    else void b.cancel?.().catch(() => undefined);
  }, DRAIN_MS);
  giveUp.unref();
  const next = (): Promise<void> => events.next().then((r) => (r.done ? undefined : next()));
  next()
    .catch(() => undefined)
    .finally(() => clearTimeout(giveUp));
}

/** The SDK's error for a non-2xx answer, from its body (JSON when it is JSON, else the text). */
async function statusError(response: Response): Promise<APIError> {
  const text = await response.text().catch(() => '');
  let json: object | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') json = parsed;
  } catch {
    json = undefined;
  }
  return APIError.generate(response.status, json, json ? undefined : text, response.headers);
}

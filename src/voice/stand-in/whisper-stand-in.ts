import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenLocal, readBody, sendJson } from '../../common/local-http.js';

/**
 * An HTTP server that answers `POST /v1/audio/transcriptions` (multipart form, as the OpenAI
 * client sends it) with verbose_json exactly as vLLM writes it: `duration` as a string, the
 * language, the text, segments with avg_logprob / compression_ratio / no_speech_prob, and
 * `words: null`. Embedded mode starts it when WHISPER_BASE_URL is unset, with a placeholder
 * transcript that says plainly that nothing was transcribed; tests script it.
 */

export interface TranscriptionRequest {
  model: string;
  language: string | null;
  responseFormat: string;
  timestampGranularities: string[];
  fileName: string;
  fileType: string;
  fileBytes: number;
  /** From the WAV header; null for other files. */
  durationSec: number | null;
}

export interface WhisperScript {
  status?: number;
  errorMessage?: string;
  delayMs?: number;
  /** Never answer (for timeout tests). */
  hang?: boolean;
  text?: string;
  language?: string;
  segments?: Array<Record<string, unknown>>;
  words?: Array<{ word: string; start: number; end: number }> | null;
  /** Send this body as it is instead of building one. */
  raw?: unknown;
}

export type WhisperResponder = (
  request: TranscriptionRequest,
  index: number,
) => WhisperScript | Promise<WhisperScript>;

export interface WhisperStandIn {
  url: string;
  requests: TranscriptionRequest[];
  setResponder(responder: WhisperResponder): void;
  close(): Promise<void>;
}

export const PLACEHOLDER_TRANSCRIPT =
  '[placeholder transcript: no speech recognition is configured, nothing was transcribed]';

export const placeholderWhisper: WhisperResponder = () => ({
  text: PLACEHOLDER_TRANSCRIPT,
  language: 'en',
});

export async function startWhisperStandIn(options: {
  model: string;
  port?: number;
  responder?: WhisperResponder;
}): Promise<WhisperStandIn> {
  let responder = options.responder ?? placeholderWhisper;
  const requests: TranscriptionRequest[] = [];

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end();
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: options.model, object: 'model', owned_by: 'vllm' }],
      });
    }
    if (req.method !== 'POST' || path !== '/v1/audio/transcriptions')
      return sendJson(res, 404, { detail: 'Not Found' });

    const body = await readBody(req);
    let form: FormData;
    try {
      form = await new Request('http://stand-in/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body,
      }).formData();
    } catch {
      return sendJson(res, 400, error('Expected a multipart/form-data body', 400));
    }
    const file = form.get('file');
    if (!(file instanceof File)) return sendJson(res, 400, error('Field required: file', 400));
    const bytes = new Uint8Array(await file.arrayBuffer());
    const request: TranscriptionRequest = {
      model: formText(form, 'model') ?? '',
      language: formText(form, 'language'),
      responseFormat: formText(form, 'response_format') ?? 'json',
      timestampGranularities: form
        .getAll('timestamp_granularities[]')
        .filter((v): v is string => typeof v === 'string'),
      fileName: file.name,
      fileType: file.type,
      fileBytes: bytes.length,
      durationSec: wavDuration(bytes),
    };
    requests.push(request);
    if (request.model !== options.model) {
      return sendJson(res, 404, error(`The model \`${request.model}\` does not exist.`, 404));
    }
    const script = await responder(request, requests.length - 1);
    if (script.hang) return; // the client's timeout ends it
    if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs));
    if (res.destroyed) return;
    if (script.status && script.status !== 200) {
      return sendJson(res, script.status, error(script.errorMessage ?? 'error', script.status));
    }
    if (script.raw !== undefined) return sendJson(res, 200, script.raw);
    const duration = request.durationSec ?? 0;
    const text = script.text ?? '';
    if (request.responseFormat !== 'verbose_json') return sendJson(res, 200, { text });
    sendJson(res, 200, {
      duration: duration.toFixed(2),
      language: script.language ?? request.language ?? 'en',
      text,
      segments: script.segments ?? [
        {
          id: 0,
          avg_logprob: -0.25,
          compression_ratio: 1.1,
          end: Number(duration.toFixed(2)),
          no_speech_prob: 0.02,
          seek: 0,
          start: 0,
          temperature: 0,
          text: text ? ` ${text}` : '',
          tokens: [],
        },
      ],
      words: script.words ?? null,
    });
  }

  const listening = await listenLocal(server, options);
  return {
    url: listening.url,
    requests,
    setResponder: (r) => (responder = r),
    close: listening.close,
  };
}

function formText(form: FormData, name: string): string | null {
  const value = form.get(name);
  return typeof value === 'string' ? value : null;
}

/** Duration of a PCM WAV from its header (fmt and data chunks). */
function wavDuration(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return null;
  let byteRate = 0;
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === 'fmt ') byteRate = view.getUint32(at + 16, true);
    if (tag(at) === 'data') return byteRate ? size / byteRate : null;
    at += 8 + size + (size % 2);
  }
  return null;
}

function error(message: string, code: number) {
  return {
    error: { message, type: code === 404 ? 'NotFoundError' : 'BadRequestError', param: null, code },
  };
}

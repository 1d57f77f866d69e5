import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { logFields } from './log-context.js';

/**
 * Companion chats are intimate: message text, audio, transcripts and credentials never reach the
 * logs. Code logs ids, sizes, codes and timings only; as a second guard, a value under one of these
 * keys one level down in a logged object (`{ message: { text } }`, `{ items: [{ content }] }`) is
 * written as `[redacted]`. Request headers and query strings are not logged at all (the `req`
 * serializer keeps the id, method and path).
 */
export const REDACTED_KEYS: ReadonlySet<string> = new Set([
  'token',
  'text',
  'content',
  'transcript',
  'audio',
  'data',
  'password',
  'apiKey',
  'messages',
  'authorization',
  'cookie',
]);

const CENSOR = '[redacted]';

/**
 * The second guard, as pino's log formatter. It copies nothing when nothing is to be redacted
 * (every line the code writes): pino's own path redaction cloned every logged object on every
 * line, about 40 KB of garbage per turn at the gateway.
 */
export function redactLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    let guarded: unknown = value;
    if (Array.isArray(value)) {
      let items: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const item = redactedCopy(value[i]);
        if (item !== value[i]) (items ??= value.slice())[i] = item;
      }
      if (items) guarded = items;
    } else guarded = redactedCopy(value);
    if (guarded !== value) (out ??= { ...obj })[key] = guarded;
  }
  return out ?? obj;
}

/** A plain object with its sensitive keys censored (a copy), or the value itself. */
function redactedCopy(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    if (REDACTED_KEYS.has(key) && value[key] !== undefined) (copy ??= { ...value })[key] = CENSOR;
  }
  return copy ?? value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      formatters: { log: redactLogObject },
      base: { service: 'companion-backend' },
      messageKey: 'msg',
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      customProps: () => ({}),
      // The turn's id on every line written while a turn is being served.
      mixin: logFields,
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url?.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}

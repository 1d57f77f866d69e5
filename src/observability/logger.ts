import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { logFields } from './log-context.js';

/**
 * Companion chats are intimate: message text, audio, transcripts and credentials never reach the
 * logs. Code logs ids, sizes, codes and timings only; these paths are redacted as a second guard.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.token',
  '*.token',
  '*.text',
  '*.content',
  '*.transcript',
  '*.audio',
  '*.data',
  '*.password',
  '*.apiKey',
  '*.messages',
];

export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
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

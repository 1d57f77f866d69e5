import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/** Codes for errors raised before our handlers run (routing, body parsing). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Every HTTP error answers `{code, message}` with a stable code, as the socket's do: the bodies
 * our handlers throw pass unchanged; Nest's own (an unknown route, malformed JSON, a body over
 * the limit) get a code from their status; anything else is a 500 `internal` whose id is in the
 * log line too. Request bodies are never logged.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const { status, body } = this.describe(error, request);
    if (!response.headersSent) response.status(status).json(body);
  }

  private describe(error: unknown, request: Request): { status: number; body: object } {
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const given = error.getResponse();
      if (typeof given === 'object' && 'code' in given) return { status, body: given };
      // Nest maps body-parser's failures to HttpExceptions; malformed JSON keeps its SyntaxError.
      const code = error.cause instanceof SyntaxError ? 'invalid_json' : codeOf(status);
      return { status, body: { code, message: error.message } };
    }
    const errorId = randomBytes(6).toString('hex');
    this.logger.error(
      { errorId, method: request.method, path: request.path, err: String(error) },
      'request failed',
    );
    return {
      status: 500,
      body: { code: 'internal', message: `something went wrong (${errorId}); try again` },
    };
  }
}

function codeOf(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

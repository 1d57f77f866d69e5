import { describe, expect, it } from '@jest/globals';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { Writable } from 'node:stream';
import type { AppConfig } from '../config/app-config.js';
import { loggerParams, redactLogObject } from './logger.js';

function capture(): { logger: Logger<never>; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const params = loggerParams({ logLevel: 'info' } as AppConfig);
  const options = params.pinoHttp as LoggerOptions;
  const logger = pino({ ...options, serializers: options.serializers }, sink);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('log redaction', () => {
  it('writes sensitive values one level down as [redacted], in objects and arrays of objects', () => {
    const { logger, lines } = capture();
    const logged = {
      conversationId: 'c-1',
      message: { id: 'm-1', text: 'I feel alone tonight', kind: 'text' },
      items: [{ content: 'my sister said', id: 1 }, { id: 2 }],
      request: { messages: [{ role: 'user', content: 'x' }], apiKey: 'sk-live', model: 'q' },
      clip: { audio: 'UklGRg==', transcript: 'hello there', data: [1, 2] },
      messages: 3,
    };
    logger.info(logged, 'turn');
    const [line] = lines();
    expect(line.message).toEqual({ id: 'm-1', text: '[redacted]', kind: 'text' });
    expect(line.items).toEqual([{ content: '[redacted]', id: 1 }, { id: 2 }]);
    expect(line.request).toEqual({ messages: '[redacted]', apiKey: '[redacted]', model: 'q' });
    expect(line.clip).toEqual({
      audio: '[redacted]',
      transcript: '[redacted]',
      data: '[redacted]',
    });
    // A count at the top level is a figure, not content.
    expect(line.messages).toBe(3);
    expect(line.conversationId).toBe('c-1');
    const raw = JSON.stringify(line);
    for (const secret of ['alone', 'sister', 'sk-live', 'UklGRg', 'hello there']) {
      expect(raw).not.toContain(secret);
    }
    // The caller's object is left as it was.
    expect(logged.message.text).toBe('I feel alone tonight');
    expect(logged.items[0].content).toBe('my sister said');
  });

  it('copies nothing when nothing is sensitive', () => {
    const clean = { turnId: 't', stages: { admit: 1, prompt: 2 }, degraded: ['recall'] };
    expect(redactLogObject(clean)).toBe(clean);
    expect(redactLogObject({ message: { text: 'x' } })).toEqual({
      message: { text: '[redacted]' },
    });
  });

  it('leaves instances (errors, dates, buffers) to their serializers', () => {
    const err = Object.assign(new Error('boom'), { code: 'E_X' });
    const obj = { err, at: new Date(0) };
    expect(redactLogObject(obj)).toBe(obj);
  });

  it("logs a request's id, method and path only: no headers, no query", () => {
    const options = loggerParams({ logLevel: 'info' } as AppConfig).pinoHttp as LoggerOptions;
    const req = options.serializers!.req({
      id: 7,
      method: 'GET',
      url: '/v1/export?token=secret',
      headers: { authorization: 'Bearer secret' },
    });
    expect(req).toEqual({ id: 7, method: 'GET', url: '/v1/export' });
  });
});

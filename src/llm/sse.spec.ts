import { describe, expect, it } from '@jest/globals';
import { serverSentEvents, type ServerSentEvent } from './sse.js';

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield await Promise.resolve(p);
}

async function read(parts: Uint8Array[]): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of serverSentEvents(chunks(parts))) out.push(e);
  return out;
}

/** The bytes cut at the given offsets. */
function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const bounds = [0, ...at.filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b)];
  return bounds.map((b, i) => bytes.subarray(b, bounds[i + 1] ?? bytes.length));
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('serverSentEvents', () => {
  it('reads data events, joining data lines and dropping one leading space', async () => {
    const events = await read([
      enc('data: {"a":1}\n\ndata:no-space\ndata:  two spaces\n\nevent: error\ndata: x\n\n'),
    ]);
    expect(events).toEqual([
      { event: null, data: '{"a":1}' },
      { event: null, data: 'no-space\n two spaces' },
      { event: 'error', data: 'x' },
    ]);
  });

  it('ignores comments, unknown fields and blank lines without data', async () => {
    const events = await read([enc(': keep-alive\n\nid: 7\nretry: 10\n\n\n\ndata: y\n\n')]);
    expect(events).toEqual([{ event: null, data: 'y' }]);
  });

  it('dispatches the last event when the stream ends without a blank line', async () => {
    expect(await read([enc('data: a\n\ndata: b')])).toEqual([
      { event: null, data: 'a' },
      { event: null, data: 'b' },
    ]);
  });

  it('gives the same events however the bytes are cut, for \\n, \\r\\n and \\r line ends', async () => {
    // Multi-byte text (Chinese, an emoji) so that cuts fall inside characters too.
    const texts = [
      '你好，今天怎么样？',
      'fine 🙂 thanks',
      '{"choices":[{"delta":{"content":"é"}}]}',
    ];
    for (const eol of ['\n', '\r\n', '\r']) {
      const wire = enc(texts.map((t) => `data: ${t}${eol}${eol}`).join('') + `: c${eol}`);
      const expected = texts.map((t) => ({ event: null, data: t }));
      expect(await read([wire])).toEqual(expected);
      // Every single cut, and a seeded set of multi-cuts.
      for (let i = 1; i < wire.length; i++) expect(await read(cut(wire, [i]))).toEqual(expected);
      let seed = 7;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % wire.length;
      for (let k = 0; k < 200; k++) {
        expect(await read(cut(wire, [next(), next(), next(), next()]))).toEqual(expected);
      }
      // One byte at a time.
      expect(await read(cut(wire, Array.from(wire.keys())))).toEqual(expected);
    }
  });

  it('reads a \\r at the end of one chunk and \\n at the start of the next as one line end', async () => {
    expect(await read([enc('data: a\r'), enc('\ndata: b\r\n\r\n')])).toEqual([
      { event: null, data: 'a\nb' },
    ]);
  });
});

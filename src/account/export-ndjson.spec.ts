import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { NdjsonWriter, ndjsonPieces } from './export-ndjson.js';

async function piecesOf(line: { type: string } & Record<string, unknown>): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of ndjsonPieces(line)) out.push(piece);
  return out;
}

async function* chunks(...pieces: string[]): AsyncGenerator<string> {
  for (const piece of pieces) yield await Promise.resolve(piece);
}

describe('ndjsonPieces', () => {
  it('writes a line without audio as its JSON and a newline', async () => {
    const line = { type: 'message', id: 'm1', content: 'say "hi"\nthen go' };
    expect(await piecesOf(line)).toEqual([`${JSON.stringify(line)}\n`]);
  });

  it("writes a clip's audio piece by piece, and the pieces make the line JSON.stringify would", async () => {
    const bytes = Buffer.from('some audio bytes, not really, and a few more of them');
    const whole = bytes.toString('base64');
    // Pieces cut at multiples of 3 bytes join to the whole's base64.
    const parts = [bytes.subarray(0, 9), bytes.subarray(9, 30), bytes.subarray(30)].map((b) =>
      b.toString('base64'),
    );
    const line = { type: 'voiceClip', message_id: 'c1', size_bytes: bytes.length };
    const pieces = await piecesOf({ ...line, audio_base64: chunks(...parts) });
    for (const part of parts) expect(pieces).toContain(part);
    expect(JSON.parse(pieces.join(''))).toEqual({ ...line, audio_base64: whole });
    expect(pieces.join('').endsWith('"}\n')).toBe(true);
  });

  it('refuses a piece that is not plain base64 rather than write broken JSON', async () => {
    await expect(
      piecesOf({ type: 'voiceClip', audio_base64: chunks('AQID', 'BA"==') }),
    ).rejects.toThrow(/not base64/);
  });
});

describe('NdjsonWriter', () => {
  it('gathers small pieces into larger writes, in order, and writes a large piece on its own', async () => {
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    const writes: string[] = [];
    out.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
    const writer = new NdjsonWriter(out);
    const small = Array.from({ length: 2000 }, (_, i) => `{"n":${i}}\n`);
    for (const piece of small) expect(await writer.write(piece)).toBe(true);
    const large = 'A'.repeat(100_000);
    await writer.write(large);
    await writer.flush();
    out.end();
    await new Promise((resolve) => out.on('end', resolve));
    expect(writes.join('')).toBe(small.join('') + large);
    expect(writes.length).toBeLessThan(10);
  });

  it('answers false once the stream is closed', async () => {
    const out = new PassThrough();
    const writer = new NdjsonWriter(out);
    out.destroy();
    expect(await writer.write('{"n":1}\n')).toBe(false);
  });
});

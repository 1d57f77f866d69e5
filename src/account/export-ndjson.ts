import type { Writable } from 'node:stream';
import type { ExportLine } from './account.service.js';

/**
 * One export line as NDJSON, in pieces to write one after another. A voice clip's audio (an
 * AsyncIterable of base64 pieces, see AccountService.export) is written piece by piece between
 * the line's other fields and its end, never copied into the line's JSON: a clip then costs the
 * server one piece at a time.
 */
export async function* ndjsonPieces(line: ExportLine): AsyncGenerator<string> {
  const audio = line.audio_base64;
  if (!isAsyncIterable(audio)) {
    yield `${JSON.stringify(line)}\n`;
    return;
  }
  const { audio_base64: _, ...rest } = line;
  yield `${JSON.stringify(rest).slice(0, -1)},"audio_base64":"`;
  for await (const piece of audio) {
    if (typeof piece !== 'string' || !PLAIN_BASE64.test(piece)) {
      throw new Error('audio piece is not base64');
    }
    yield piece;
  }
  yield '"}\n';
}

/** What a base64 piece may hold: nothing that needs escaping between JSON quotes. */
const PLAIN_BASE64 = /^[A-Za-z0-9+/=]*$/;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Lines are gathered into writes of about this size: fewer, larger writes for the socket. */
const BATCH_CHARS = 64 * 1024;

/**
 * Writes NDJSON pieces to a response in batches of about 64 KiB (a piece larger than that, a
 * clip's audio, goes on its own), and waits for the client to take each write before the next:
 * a page of small lines is one write rather than hundreds of queued ones. `write` resolves false
 * once the response is closed (the client went away).
 */
export class NdjsonWriter {
  private pending: string[] = [];
  private size = 0;

  constructor(private readonly out: Writable) {}

  async write(piece: string): Promise<boolean> {
    if (this.size + piece.length > BATCH_CHARS && !(await this.flush())) return false;
    if (piece.length >= BATCH_CHARS) return this.send(piece);
    this.pending.push(piece);
    this.size += piece.length;
    return !this.out.destroyed;
  }

  /** Writes what is gathered; false once the response is closed. */
  async flush(): Promise<boolean> {
    if (this.size === 0) return !this.out.destroyed;
    const text = this.pending.join('');
    this.pending = [];
    this.size = 0;
    return this.send(text);
  }

  private async send(text: string): Promise<boolean> {
    if (this.out.destroyed) return false;
    // Written as bytes: a string handed to the socket stays referenced until the client has read
    // it, long enough to be promoted to the old generation, where an export's worth of them would
    // pile up until a full collection. The bytes live outside the heap, and the string dies young.
    if (!this.out.write(Buffer.from(text, 'utf8'))) await drained(this.out);
    return !this.out.destroyed;
  }
}

/**
 * Resolves when the stream can take more, or when it is closed (the client went away: then
 * 'drain' never comes, and the export must not wait for it forever).
 */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

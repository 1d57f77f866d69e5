import { createReadStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { AudioDecodeError } from './audio-decode-error.js';
import type { AudioDecodeErrorCode } from './audio-decode-error.js';
import { DECODE_SAMPLE_RATE, decodeToPcm } from './decode-to-pcm.js';

const FIXTURES = join(process.cwd(), 'test/fixtures/audio');
const fixture = (relative: string): Buffer => readFileSync(join(FIXTURES, relative));
const LIMITS = { maxDurationSec: 60, timeoutMs: 20_000 };

async function decodeError(
  input: Uint8Array | Readable,
  options = LIMITS,
): Promise<AudioDecodeError> {
  try {
    await decodeToPcm(input, options);
  } catch (error) {
    if (error instanceof AudioDecodeError) return error;
    throw error;
  }
  throw new Error('expected decoding to fail');
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return Math.sqrt(sum / samples.length);
}

/** Live ffmpeg processes started by this process (Linux /proc), to check none is left behind. */
function ffmpegChildren(): number {
  if (!existsSync('/proc')) return 0;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[1]) === process.pid && stat.includes('(ffmpeg)');
      } catch {
        return false; // exited meanwhile
      }
    }).length;
}

describe('decodeToPcm', () => {
  const speech = readdirSync(join(FIXTURES, 'speech')).sort();

  it.each(speech)('decodes speech/%s to 16 kHz mono of the right length', async (file) => {
    const audio = await decodeToPcm(fixture(`speech/${file}`), LIMITS);
    const reference = await decodeToPcm(
      fixture(`speech/${basename(file, extname(file))}.wav`),
      LIMITS,
    );
    expect(audio.sampleRate).toBe(DECODE_SAMPLE_RATE);
    expect(audio.durationSec).toBeCloseTo(audio.samples.length / 16000, 9);
    // Codecs pad by their frame size (AAC 1024, Opus 2.5-20 ms, MP3 1152 samples).
    expect(Math.abs(audio.durationSec - reference.durationSec)).toBeLessThan(0.06);
    expect(audio.durationSec).toBeGreaterThan(3);
    expect(rms(audio.samples)).toBeGreaterThan(0.03);
  });

  it.each(['en-us-low.m4a', 'en-us-low.ogg', 'en-us-low.3gp'])(
    'gives the same samples for speech/%s from a stream in small chunks as from a buffer',
    async (file) => {
      const fromBuffer = await decodeToPcm(fixture(`speech/${file}`), LIMITS);
      const stream = createReadStream(join(FIXTURES, 'speech', file), { highWaterMark: 1000 });
      const fromStream = await decodeToPcm(stream, LIMITS);
      expect(fromStream.samples).toEqual(fromBuffer.samples);
    },
  );

  it('decodes digital silence to zeros', async () => {
    const audio = await decodeToPcm(fixture('bad/silence.wav'), LIMITS);
    expect(audio.durationSec).toBe(2);
    expect(rms(audio.samples)).toBe(0);
  });

  it.each<[string, AudioDecodeErrorCode]>([
    ['bad/empty.m4a', 'audio_empty'],
    ['bad/random.bin', 'audio_corrupt'],
    ['bad/truncated.m4a', 'audio_corrupt'],
    ['bad/wrong-header.wav', 'audio_corrupt'],
  ])('rejects %s with %s', async (file, code) => {
    const error = await decodeError(fixture(file));
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/\/tmp|voice-decode/); // no server paths in messages
  });

  it('rejects an empty stream as empty', async () => {
    expect((await decodeError(Readable.from([]))).code).toBe('audio_empty');
  });

  it('stops and reports audio_too_long as soon as the PCM exceeds maxDurationSec', async () => {
    for (const file of ['speech/en-us-low.ogg', 'speech/en-us-low.m4a']) {
      const error = await decodeError(fixture(file), { maxDurationSec: 1, timeoutMs: 20_000 });
      expect(error.code).toBe('audio_too_long');
    }
    await expect(
      decodeToPcm(fixture('speech/en-us-low.ogg'), { maxDurationSec: 5, timeoutMs: 20_000 }),
    ).resolves.toBeDefined();
  });

  it('refuses input over maxInputBytes, from a buffer or a stream', async () => {
    const ogg = fixture('speech/en-us-low.ogg');
    const limits = { ...LIMITS, maxInputBytes: 5000 };
    expect((await decodeError(ogg, limits)).code).toBe('audio_too_large');
    const stream = Readable.from(ogg, { objectMode: false, highWaterMark: 1024 });
    expect((await decodeError(stream, limits)).code).toBe('audio_too_large');
  });

  it('kills ffmpeg and reports a timeout when the input never ends', async () => {
    const stalled = new PassThrough();
    stalled.write(fixture('speech/en-us-low.ogg').subarray(0, 8000)); // then nothing more
    const started = Date.now();
    const error = await decodeError(stalled, { maxDurationSec: 60, timeoutMs: 400 });
    expect(error.code).toBe('audio_decode_timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(stalled.destroyed).toBe(true);
    expect(ffmpegChildren()).toBe(0);
  });

  it('passes an error of the input stream through unchanged', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset by client'));
      },
    });
    await expect(decodeToPcm(failing, LIMITS)).rejects.toThrow('connection reset by client');
  });

  it('leaves no ffmpeg process behind', () => {
    expect(ffmpegChildren()).toBe(0);
  });
});

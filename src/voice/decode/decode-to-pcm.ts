import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { AudioDecodeError } from './audio-decode-error.js';
import { SNIFF_LENGTH, sniffAudioFormat } from './sniff-audio-format.js';

export const DECODE_SAMPLE_RATE = 16000;
export const DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024;

export interface DecodeOptions {
  /** Longer audio is refused (audio_too_long); decoding stops as soon as it is exceeded. */
  maxDurationSec: number;
  /** Budget for the whole call; ffmpeg is killed when it runs out (audio_decode_timeout). */
  timeoutMs: number;
  /** Larger input is refused (audio_too_large); reading stops there. Default 50 MiB. */
  maxInputBytes?: number;
}

export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: typeof DECODE_SAMPLE_RATE;
  durationSec: number;
}

/**
 * Decodes any audio ffmpeg understands (m4a/AAC, Ogg or WebM Opus, AMR, MP3, WAV, ...) to 16 kHz
 * mono float PCM with the bundled ffmpeg binary, input on stdin and PCM on stdout. MP4-family
 * files (.m4a, .3gp) are spooled to a temporary file first: a recorder usually writes their index
 * (moov box) after the audio, and ffmpeg needs to seek back to it, which a pipe cannot do.
 *
 * Fails with an AudioDecodeError (see its codes). On failure the input stream is destroyed and
 * ffmpeg is killed; errors of the input stream itself are passed through unchanged.
 */
export async function decodeToPcm(
  input: Uint8Array | Readable,
  options: DecodeOptions,
): Promise<DecodedAudio> {
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const maxSamples = Math.floor(options.maxDurationSec * DECODE_SAMPLE_RATE);
  const controller = new AbortController();
  const fail = (error: AudioDecodeError): void => controller.abort(error);
  const timer = setTimeout(
    () =>
      fail(
        new AudioDecodeError('audio_decode_timeout', `decoding took over ${options.timeoutMs} ms`),
      ),
    options.timeoutMs,
  );
  let spoolDirectory: string | undefined;
  try {
    if (input instanceof Uint8Array && input.length > maxInputBytes) throw tooLarge(maxInputBytes);
    const source =
      input instanceof Readable
        ? input
        : Readable.from([Buffer.from(input.buffer, input.byteOffset, input.byteLength)]);
    // Destroyed without an error, so that a caller's stream never emits an unhandled 'error'.
    controller.signal.addEventListener('abort', () => source.destroy(), { once: true });
    const { head, rest } = await peek(source, SNIFF_LENGTH, (total) => {
      if (total > maxInputBytes) fail(tooLarge(maxInputBytes));
    });
    controller.signal.throwIfAborted();
    if (head.length === 0) throw new AudioDecodeError('audio_empty', 'the audio is empty');

    let ffmpegInput: FfmpegInput = { kind: 'pipe', stream: rest };
    if (needsSeekableInput(head)) {
      spoolDirectory = await mkdtemp(join(tmpdir(), 'voice-decode-'));
      const path = join(spoolDirectory, 'input');
      await pipeline(rest, createWriteStream(path), { signal: controller.signal });
      controller.signal.throwIfAborted();
      ffmpegInput = { kind: 'file', path };
    }
    const samples = await runFfmpeg(ffmpegInput, maxSamples, options.maxDurationSec, controller);
    return {
      samples,
      sampleRate: DECODE_SAMPLE_RATE,
      durationSec: samples.length / DECODE_SAMPLE_RATE,
    };
  } catch (error) {
    const reason: unknown = controller.signal.reason;
    throw controller.signal.aborted && reason instanceof AudioDecodeError ? reason : error;
  } finally {
    clearTimeout(timer);
    controller.abort(); // after a failure, stops whatever is still reading or running
    if (spoolDirectory) await rm(spoolDirectory, { recursive: true, force: true });
  }
}

type FfmpegInput = { kind: 'pipe'; stream: Readable } | { kind: 'file'; path: string };

function needsSeekableInput(head: Uint8Array): boolean {
  const container = sniffAudioFormat(head)?.container;
  return container === 'mp4' || container === '3gp';
}

function tooLarge(maxInputBytes: number): AudioDecodeError {
  return new AudioDecodeError('audio_too_large', `the audio is larger than ${maxInputBytes} bytes`);
}

/**
 * Reads at least `length` bytes (unless the stream ends first) and returns them with a stream of
 * everything, head included. `onBytes` sees the running byte count of everything read.
 */
async function peek(
  source: Readable,
  length: number,
  onBytes: (total: number) => void,
): Promise<{ head: Buffer; rest: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<unknown, unknown>;
  const headChunks: Buffer[] = [];
  let total = 0;
  const next = async (): Promise<Buffer | null> => {
    const { value, done } = await iterator.next();
    if (done) return null;
    const chunk = Buffer.isBuffer(value) ? value : Buffer.from(value as string);
    total += chunk.length;
    onBytes(total);
    return chunk;
  };
  while (total < length) {
    const chunk = await next();
    if (!chunk) break;
    headChunks.push(chunk);
  }
  async function* everything(): AsyncGenerator<Buffer> {
    try {
      yield* headChunks;
      for (let chunk = await next(); chunk; chunk = await next()) yield chunk;
    } finally {
      await iterator.return?.();
    }
  }
  return { head: Buffer.concat(headChunks), rest: Readable.from(everything()) };
}

const PCM_FORMAT = endianness() === 'LE' ? 'f32le' : 'f32be'; // native order: no byte swapping

async function runFfmpeg(
  input: FfmpegInput,
  maxSamples: number,
  maxDurationSec: number,
  controller: AbortController,
): Promise<Float32Array> {
  const inputName = input.kind === 'file' ? input.path : 'pipe:0';
  const args = [
    ['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ['-i', inputName],
    ['-map', '0:a:0', '-ac', '1', '-ar', String(DECODE_SAMPLE_RATE)],
    ['-c:a', `pcm_${PCM_FORMAT}`, '-f', PCM_FORMAT, 'pipe:1'],
  ].flat();
  const child = spawn(ffmpeg.path, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('close', (code) => resolve(code));
    child.once('error', (error) => {
      if (child.pid === undefined) reject(error); // could not start; 'close' may never come
    });
  });
  const kill = (): void => void child.kill('SIGKILL');
  controller.signal.addEventListener('abort', kill, { once: true });

  const maxBytes = maxSamples * 4;
  const pcm: Buffer[] = [];
  let pcmBytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    pcmBytes += chunk.length;
    if (pcmBytes > maxBytes) {
      controller.abort(
        new AudioDecodeError('audio_too_long', `the audio is longer than ${maxDurationSec} s`),
      );
    } else {
      pcm.push(chunk);
    }
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  if (input.kind === 'pipe') {
    // ffmpeg may stop reading early (bad data, or killed): that ends here as EPIPE, and the exit
    // status below is what reports it.
    pipeline(input.stream, child.stdin, { signal: controller.signal }).catch(() => undefined);
  } else {
    child.stdin.end();
  }

  try {
    const code = await exited;
    controller.signal.throwIfAborted();
    if (code !== 0) {
      throw new AudioDecodeError(
        'audio_corrupt',
        `ffmpeg could not decode the audio: ${lastLine(stderr, inputName)}`,
      );
    }
    if (pcmBytes < 4)
      throw new AudioDecodeError('audio_corrupt', 'ffmpeg found no audio to decode');
    return toSamples(pcm, pcmBytes);
  } finally {
    controller.signal.removeEventListener('abort', kill);
  }
}

function toSamples(chunks: readonly Buffer[], byteCount: number): Float32Array {
  const samples = new Float32Array(Math.floor(byteCount / 4));
  const bytes = new Uint8Array(samples.buffer);
  let offset = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.length, bytes.length - offset);
    bytes.set(chunk.subarray(0, take), offset);
    offset += take;
  }
  return samples;
}

/** ffmpeg's last complaint, without the temporary file's path. */
function lastLine(stderr: string, inputName: string): string {
  const lines = stderr.trim().split('\n');
  return (lines[lines.length - 1] || 'no details').replaceAll(inputName, 'input');
}

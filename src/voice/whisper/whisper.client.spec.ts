import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeWav } from '../decode/index.js';
import { startWhisperStandIn, type WhisperStandIn } from '../stand-in/whisper-stand-in.js';
import { TranscriptionError, WhisperClient } from './whisper.client.js';

let server: WhisperStandIn;
beforeAll(async () => {
  server = await startWhisperStandIn({ model: 'whisper-x' });
});
afterAll(() => server.close());

const client = (over: Partial<ConstructorParameters<typeof WhisperClient>[0]> = {}) =>
  new WhisperClient({
    baseUrl: server.url,
    model: 'whisper-x',
    timeoutMs: 2000,
    retries: 0,
    wordTimestamps: false,
    ...over,
  });
const wav = encodeWav(new Float32Array(16000 * 2), 16000);

describe('WhisperClient against the stand-in', () => {
  it('sends the WAV as a multipart file with verbose_json, the model and the language', async () => {
    server.setResponder(() => ({ text: 'hello there', language: 'en' }));
    const t = await client().transcribe(wav, { language: 'en' });
    expect(t.text).toBe('hello there');
    expect(t.durationSec).toBeCloseTo(2, 2);
    expect(server.requests.at(-1)).toMatchObject({
      model: 'whisper-x',
      language: 'en',
      responseFormat: 'verbose_json',
      fileType: 'audio/wav',
      fileName: 'voice.wav',
      timestampGranularities: [],
      durationSec: 2,
    });
  });

  it('asks for word timestamps only when configured, and uses them when they come', async () => {
    server.setResponder(() => ({
      text: 'one two',
      words: [
        { word: 'one', start: 0.1, end: 0.4 },
        { word: 'two', start: 0.5, end: 0.9 },
      ],
    }));
    const t = await client({ wordTimestamps: true }).transcribe(wav);
    expect(server.requests.at(-1)!.timestampGranularities).toEqual(['word', 'segment']);
    expect(t.words).toHaveLength(2);
  });

  it('retries a 503 and then succeeds', async () => {
    let calls = 0;
    server.setResponder(() => (++calls === 1 ? { status: 503 } : { text: 'second time' }));
    expect((await client({ retries: 1 }).transcribe(wav)).text).toBe('second time');
    expect(calls).toBe(2);
  });

  it('fails clearly on an error, a timeout and a malformed answer', async () => {
    server.setResponder(() => ({ status: 500, errorMessage: 'boom' }));
    await expect(client().transcribe(wav)).rejects.toMatchObject({
      name: 'TranscriptionError',
      status: 500,
    });
    server.setResponder(() => ({ hang: true }));
    const started = Date.now();
    await expect(client({ timeoutMs: 300 }).transcribe(wav)).rejects.toBeInstanceOf(
      TranscriptionError,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    server.setResponder(() => ({ raw: { nothing: 'useful' } }));
    await expect(client().transcribe(wav)).rejects.toThrow(/unexpected answer/);
  });

  it('refuses audio over the 25 MB limit without sending it', async () => {
    const before = server.requests.length;
    await expect(client().transcribe(Buffer.alloc(26 * 1024 * 1024))).rejects.toThrow(/25/);
    expect(server.requests.length).toBe(before);
  });
});

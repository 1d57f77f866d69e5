import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { ChatClient } from '../support/chat-client.js';
import { startTestApp, TEST_TRANSCRIPT, type TestApp } from '../support/test-app.js';

/** A pod's voice work is bounded (ffmpeg, transcription); each refusal has its own code. */
let app: TestApp;
const audio = readFileSync(resolve(import.meta.dirname, '../fixtures/audio/speech/en-us-low.ogg'));
let n = 0;

beforeAll(async () => {
  app = await startTestApp({
    VOICE_DECODE_CONCURRENCY: '1',
    VOICE_DECODE_QUEUE: '0',
    WHISPER_MAX_CONCURRENT: '1',
    WHISPER_MAX_WAITING: '0',
    WHISPER_TIMEOUT_MS: '2000',
    WHISPER_RETRIES: '0',
  });
});
afterAll(() => app.close());

/** Uploads every chunk but not voice:end; returns how to end it. */
async function uploadWithoutEnd(c: ChatClient, clientMsgId: string) {
  await c.request('voice:start', { clientMsgId, mimeType: 'audio/ogg', sizeBytes: audio.length });
  await c.request('voice:chunk', { clientMsgId, index: 0, data: audio });
  return () =>
    c.request<SendAck & { ok: boolean; error?: { code: string; retryAfterMs?: number } }>(
      'voice:end',
      { clientMsgId, chunks: 1 },
      15_000,
    );
}

describe('voice limits', () => {
  it('refuses a voice:end while every ffmpeg place is taken, keeping the upload for a retry', async () => {
    const a = await ChatClient.connect(app.url, `decode-a-${++n}`);
    const b = await ChatClient.connect(app.url, `decode-b-${n}`);
    const endA = await uploadWithoutEnd(a, 'dec-a');
    const endB = await uploadWithoutEnd(b, 'dec-b');
    const [first, second] = await Promise.all([endA(), endB()]);
    const refused = [first, second].filter((r) => !r.ok);
    expect(refused).toHaveLength(1);
    expect(refused[0].error).toMatchObject({ code: 'audio_decode_busy', retryAfterMs: 1000 });
    // The upload was kept: voice:end again, and it is stored.
    const retry = first.ok ? await endB() : await endA();
    expect(retry).toMatchObject({ ok: true, duplicate: false });
    // Both messages' voice work ends (a transcript, or a coded error) before the next test.
    for (const [c, ack] of [
      [a, first.ok ? first : retry],
      [b, second.ok ? second : retry],
    ] as const) {
      await c
        .next('voice:transcript', (t) => t.messageId === ack.messageId, 10_000)
        .catch(() => c.next('error', (e) => e.messageId === ack.messageId, 10_000));
    }
    await new Promise((r) => setTimeout(r, 300));
    a.close();
    b.close();
  }, 30_000);

  it('tells the user when every transcription place is taken; a resend is transcribed', async () => {
    let calls = 0;
    app.whisper.setResponder(() =>
      ++calls === 1 ? { hang: true } : { text: TEST_TRANSCRIPT, language: 'en' },
    );
    const a = await ChatClient.connect(app.url, `asr-a-${++n}`);
    const b = await ChatClient.connect(app.url, `asr-b-${n}`);
    const first = await a.sendVoice<SendAck>(audio, {
      clientMsgId: 'asr-1',
      mimeType: 'audio/ogg',
    });
    for (let i = 0; i < 50 && app.whisper.requests.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await b.sendVoice<SendAck>(audio, {
      clientMsgId: 'asr-2',
      mimeType: 'audio/ogg',
    });
    const busy = await b.next('error', (e) => e.messageId === second.messageId, 10_000);
    expect(busy).toMatchObject({ code: 'transcription_busy', clientMsgId: 'asr-2' });
    expect((await a.next('error', (e) => e.messageId === first.messageId, 10_000)).code).toBe(
      'transcription_failed',
    );
    // Sent again (same clientMsgId): transcribed from the stored audio, and answered.
    await b.request('voice:start', { clientMsgId: 'asr-2', mimeType: 'audio/ogg' });
    const transcript = await b.next('voice:transcript', (t) => t.messageId === second.messageId);
    expect(transcript.text).toBe(TEST_TRANSCRIPT);
    a.close();
    b.close();
  }, 30_000);
});

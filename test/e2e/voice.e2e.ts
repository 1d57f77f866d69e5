import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { VoiceClipExpiryJob } from '../../src/voice/voice-clip-expiry.job.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import {
  TEST_TRANSCRIPT,
  quickReply,
  quickTranscript,
  sleep,
  startTestApp,
  type TestApp,
} from '../support/test-app.js';

const AUDIO = resolve(import.meta.dirname, '../fixtures/audio');
const clip = (name: string) => readFileSync(resolve(AUDIO, name));
const praat = JSON.parse(readFileSync(resolve(AUDIO, 'praat-reference.json'), 'utf8')) as {
  files: Record<string, { f0MedianHz: number; durationSec: number }>;
};

let app: TestApp;
const clients: ChatClient[] = [];
let n = 0;
const newUser = () => `voice-${process.pid}-${++n}`;
const msgId = () => `v-${++n}`;

beforeAll(async () => {
  app = await startTestApp({
    VOICE_MAX_DURATION_SEC: '8',
    VOICE_MAX_BYTES: String(400 * 1024),
    VOICE_UPLOAD_IDLE_MS: '800',
    WHISPER_TIMEOUT_MS: '1500',
    WHISPER_RETRIES: '0',
  });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  app.model.setResponder(quickReply);
  app.whisper.setResponder(quickTranscript);
});
afterAll(() => app.close());

async function connect(userId = newUser()): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url, userId);
  clients.push(c);
  return c;
}

const FORMATS: Array<[string, string]> = [
  ['en-us-low.m4a', 'audio/mp4'],
  ['en-us-low.ogg', 'audio/ogg; codecs=opus'],
  ['en-us-low.webm', 'audio/webm;codecs=opus'],
  ['en-us-low.amr', 'audio/amr'],
  ['en-us-low.3gp', 'audio/3gpp'],
  ['en-us-low.mp3', 'audio/mpeg'],
  ['en-us-low.wav', 'audio/wav'],
];

describe('a voice message', () => {
  it.each(FORMATS)(
    'from %s is stored, transcribed, analysed and answered',
    async (file, mimeType) => {
      const c = await connect();
      const audio = clip(`speech/${file}`);
      const ack = await c.sendVoice<{ ok: boolean } & SendAck>(audio, {
        clientMsgId: msgId(),
        mimeType,
        language: 'en',
      });
      expect(ack).toMatchObject({ ok: true, seq: 1, duplicate: false });

      const transcript = await c.next(
        'voice:transcript',
        (t) => t.messageId === ack.messageId,
        10_000,
      );
      expect(transcript).toEqual({
        messageId: ack.messageId,
        conversationId: ack.conversationId,
        text: TEST_TRANSCRIPT,
        language: 'en',
      });
      const analysis = await c.next('voice:analysis', (a) => a.messageId === ack.messageId, 10_000);
      const reference = praat.files[file] ?? praat.files['en-us-low.wav'];
      expect(analysis.prosody.durationSec).toBeCloseTo(reference.durationSec, 0);
      expect(Math.abs(analysis.prosody.f0MedianHz! / reference.f0MedianHz - 1)).toBeLessThan(0.05);
      expect(analysis.prosody.speakingRateUnit).toBe('syllables_per_sec');

      const end = await c.next('reply:end', (e) => e.message.inReplyTo === ack.messageId, 10_000);
      expect(end.message.status).toBe('completed');
      const prompt = app.model.requests.at(-1)!.body.messages!;
      expect(prompt.at(-1)).toEqual({ role: 'user', content: TEST_TRANSCRIPT });

      // Decoded once, sent as 16 kHz mono WAV, never the phone's original.
      const sent = app.whisper.requests.at(-1)!;
      expect(sent).toMatchObject({
        fileType: 'audio/wav',
        responseFormat: 'verbose_json',
        language: 'en',
      });
      expect(sent.durationSec).toBeCloseTo(reference.durationSec, 1);

      const [row] = await sql(
        app.db.url,
        `SELECT m.kind, m.content, c.size_bytes, octet_length(c.audio) AS stored, c.transcript_status,
              c.language, c.prosody->>'f0MedianHz' AS f0, c.expires_at > now() + interval '29 days' AS kept
         FROM messages m JOIN voice_clips c ON c.message_id = m.id WHERE m.id = $1`,
        [ack.messageId],
      );
      expect(row).toMatchObject({
        kind: 'voice',
        content: TEST_TRANSCRIPT,
        size_bytes: audio.length,
        stored: audio.length,
        transcript_status: 'done',
        language: 'en',
        kept: true,
      });
      expect(Number(row.f0)).toBeCloseTo(analysis.prosody.f0MedianHz!, 3);
    },
  );

  it('reaches the other devices of the user', async () => {
    const user = newUser();
    const phone = await connect(user);
    const watch = await connect(user);
    const ack = await phone.sendVoice<SendAck>(clip('speech/en-f3-high.ogg'), {
      clientMsgId: msgId(),
      mimeType: 'audio/ogg',
    });
    expect((await watch.next('message:new')).message).toMatchObject({
      id: ack.messageId,
      kind: 'voice',
      content: '',
    });
    expect((await watch.next('voice:transcript', () => true, 10_000)).text).toBe(TEST_TRANSCRIPT);
    expect(
      (await watch.next('voice:analysis', () => true, 10_000)).prosody.f0MedianHz,
    ).toBeGreaterThan(150);
    await watch.next('reply:end', () => true, 10_000);
  });

  it('answers a repeated voice:end with the same ack and stores one message', async () => {
    const c = await connect();
    const id = msgId();
    const audio = clip('speech/en-gb-fast.mp3');
    const first = await c.sendVoice<SendAck>(audio, {
      clientMsgId: id,
      mimeType: 'audio/mpeg',
    });
    await c.next('reply:end', () => true, 10_000);
    const again = await c.request('voice:end', { clientMsgId: id, chunks: 1 });
    expect(again).toEqual({ ok: true, ...first, duplicate: true });
    expect(await c.request('voice:start', { clientMsgId: id, mimeType: 'audio/mpeg' })).toEqual({
      ok: true,
      uploadId: null,
      duplicate: true,
      messageId: first.messageId,
      conversationId: first.conversationId,
      seq: first.seq,
    });
    const rows = await sql(
      app.db.url,
      'SELECT count(*)::int AS n FROM voice_clips WHERE message_id = $1',
      [first.messageId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('resumes an interrupted upload where it stopped', async () => {
    const c = await connect();
    const id = msgId();
    const audio = clip('speech/cmn-f2.webm');
    await c.request('voice:start', { clientMsgId: id, mimeType: 'audio/webm' });
    await c.request('voice:chunk', { clientMsgId: id, index: 0, data: audio.subarray(0, 10_000) });
    const resumed = await c.request('voice:start', { clientMsgId: id, mimeType: 'audio/webm' });
    expect(resumed).toMatchObject({ ok: true, nextIndex: 1, duplicate: false });
    await c.request('voice:chunk', { clientMsgId: id, index: 1, data: audio.subarray(10_000) });
    expect(await c.request('voice:end', { clientMsgId: id, chunks: 2 })).toMatchObject({
      ok: true,
      seq: 1,
    });
  });
});

describe('refusals', () => {
  async function expectRefusal(c: ChatClient, ack: Record<string, unknown>, code: string) {
    expect(ack).toMatchObject({ ok: false, error: { code } });
    expect((await c.next('error', (e) => (e.code as string) === code)).code).toBe(code);
  }

  it('refuses a chunk before voice:start, a repeated chunk, a missing chunk and a wrong total', async () => {
    const c = await connect();
    const id = msgId();
    const data = clip('speech/en-us-low.wav');
    await expectRefusal(
      c,
      await c.request('voice:chunk', { clientMsgId: id, index: 0, data: data.subarray(0, 100) }),
      'upload_not_found',
    );
    await c.request('voice:start', { clientMsgId: id, mimeType: 'audio/wav' });
    await c.request('voice:chunk', { clientMsgId: id, index: 0, data: data.subarray(0, 50_000) });
    await expectRefusal(
      c,
      await c.request('voice:chunk', { clientMsgId: id, index: 0, data: data.subarray(0, 50_000) }),
      'chunk_repeated',
    );
    await expectRefusal(
      c,
      await c.request('voice:chunk', {
        clientMsgId: id,
        index: 2,
        data: data.subarray(100_000, 150_000),
      }),
      'chunk_out_of_order',
    );
    await expectRefusal(
      c,
      await c.request('voice:end', { clientMsgId: id, chunks: 3 }),
      'chunk_count_mismatch',
    );
    // The upload is intact: send the rest and finish.
    await c.request('voice:chunk', { clientMsgId: id, index: 1, data: data.subarray(50_000) });
    expect(await c.request('voice:end', { clientMsgId: id, chunks: 2 })).toMatchObject({
      ok: true,
    });
  });

  it.each([
    ['an unsupported type', 'speech/en-us-low.wav', 'text/plain', 'audio_unsupported_type'],
    ['a lying type', 'speech/en-us-low.m4a', 'audio/ogg', 'audio_type_mismatch'],
    ['bytes that are not audio', 'bad/random.bin', 'audio/mpeg', 'audio_unrecognized'],
    ['a wav with a broken header', 'bad/wrong-header.wav', 'audio/wav', 'audio_corrupt'],
    ['a truncated m4a', 'bad/truncated.m4a', 'audio/mp4', 'audio_corrupt'],
    ['a clip longer than the limit', 'speech/en-us-low.wav', 'audio/wav', 'audio_too_long'],
  ])('refuses %s with its own code and stores nothing', async (_name, file, mimeType, code) => {
    const user = newUser();
    const c = await connect(user);
    const audio =
      file === 'speech/en-us-low.wav' && code === 'audio_too_long' ? longClip() : clip(file);
    const ack = await c.sendVoice(audio, { clientMsgId: msgId(), mimeType, chunkBytes: 64 * 1024 });
    await expectRefusal(c, ack, code);
    const rows = await sql(
      app.db.url,
      'SELECT count(*)::int AS n FROM messages WHERE user_id = $1',
      [user],
    );
    expect(rows[0].n).toBe(0);
  });

  it('refuses an empty file, a declared duration over the limit and a recording over the size limit', async () => {
    const c = await connect();
    const id = msgId();
    await c.request('voice:start', { clientMsgId: id, mimeType: 'audio/mp4' });
    await expectRefusal(
      c,
      await c.request('voice:chunk', { clientMsgId: id, index: 0, data: clip('bad/empty.m4a') }),
      'audio_empty',
    );
    await expectRefusal(
      c,
      await c.request('voice:start', {
        clientMsgId: msgId(),
        mimeType: 'audio/mp4',
        durationMs: 9000,
      }),
      'audio_too_long',
    );
    await expectRefusal(
      c,
      await c.request('voice:start', {
        clientMsgId: msgId(),
        mimeType: 'audio/wav',
        sizeBytes: 500 * 1024,
      }),
      'audio_too_large',
    );
    const big = Buffer.concat([
      clip('speech/en-us-low.wav'),
      clip('speech/en-us-low.wav'),
      clip('speech/en-us-low.wav'),
    ]);
    await expectRefusal(
      c,
      await c.sendVoice(big, {
        clientMsgId: msgId(),
        mimeType: 'audio/wav',
        chunkBytes: 100 * 1024,
      }),
      'audio_too_large',
    );
  });

  it('forgets an upload abandoned for longer than the idle time', async () => {
    const c = await connect();
    const id = msgId();
    await c.request('voice:start', { clientMsgId: id, mimeType: 'audio/ogg' });
    await c.request('voice:chunk', {
      clientMsgId: id,
      index: 0,
      data: clip('speech/en-us-low.ogg').subarray(0, 1000),
    });
    await sleep(1100);
    await expectRefusal(
      c,
      await c.request('voice:chunk', { clientMsgId: id, index: 1, data: Buffer.from([1, 2, 3]) }),
      'upload_not_found',
    );
  });

  it('stays healthy after all that', async () => {
    const c = await connect();
    expect(
      await c.request('message:send', { clientMsgId: msgId(), text: 'still fine?' }),
    ).toMatchObject({ ok: true });
    expect((await c.next('reply:end')).message.status).toBe('completed');
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });
});

describe('when transcription goes wrong', () => {
  it('still sends the analysis, says the transcription failed, and retries when the message is sent again', async () => {
    app.whisper.setResponder(() => ({ status: 500, errorMessage: 'CUDA error' }));
    const c = await connect();
    const id = msgId();
    const ack = await c.sendVoice<SendAck>(clip('speech/en-us-low.ogg'), {
      clientMsgId: id,
      mimeType: 'audio/ogg',
    });
    const failed = await c.next(
      'error',
      (e) => (e.code as string) === 'transcription_failed',
      10_000,
    );
    expect(failed).toMatchObject({ messageId: ack.messageId, clientMsgId: id });
    expect((await c.next('voice:analysis', () => true, 10_000)).messageId).toBe(ack.messageId);
    await sleep(200);
    expect(c.all('reply:start')).toHaveLength(0);

    app.whisper.setResponder(quickTranscript);
    const again = await c.request('voice:start', { clientMsgId: id, mimeType: 'audio/ogg' });
    expect(again).toMatchObject({ ok: true, duplicate: true, messageId: ack.messageId });
    expect((await c.next('voice:transcript', () => true, 10_000)).text).toBe(TEST_TRANSCRIPT);
    expect((await c.next('reply:end', () => true, 10_000)).message.inReplyTo).toBe(ack.messageId);
  });

  it('gives up on a server that does not answer in time', async () => {
    app.whisper.setResponder(() => ({ hang: true }));
    const c = await connect();
    const ack = await c.sendVoice<SendAck>(clip('speech/cmn-male.m4a'), {
      clientMsgId: msgId(),
      mimeType: 'audio/m4a',
    });
    const started = Date.now();
    expect(
      (await c.next('error', (e) => (e.code as string) === 'transcription_failed', 10_000))
        .messageId,
    ).toBe(ack.messageId);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await c.next('voice:analysis', () => true, 5000)).messageId).toBe(ack.messageId);
  });

  it('tells the user when nothing was said, and does not reply', async () => {
    app.whisper.setResponder((req) => ({
      raw: {
        duration: String(req.durationSec),
        language: 'en',
        text: ' Thank you for watching.',
        segments: [
          {
            id: 0,
            avg_logprob: -1.4,
            compression_ratio: 0.9,
            end: 2,
            no_speech_prob: 0.93,
            seek: 0,
            start: 0,
            temperature: 0,
            text: ' Thank you for watching.',
            tokens: [],
          },
        ],
        words: null,
      },
    }));
    const c = await connect();
    const ack = await c.sendVoice<SendAck>(clip('bad/silence.wav'), {
      clientMsgId: msgId(),
      mimeType: 'audio/wav',
    });
    expect(
      (await c.next('error', (e) => (e.code as string) === 'voice_no_speech', 10_000)).messageId,
    ).toBe(ack.messageId);
    const analysis = await c.next('voice:analysis', () => true, 10_000);
    expect(analysis.prosody.voicedFraction).toBeLessThan(0.05);
    await sleep(200);
    expect(c.all('reply:start')).toHaveLength(0);
    const [row] = await sql(
      app.db.url,
      'SELECT c.transcript_status, m.content FROM voice_clips c JOIN messages m ON m.id = c.message_id WHERE c.message_id = $1',
      [ack.messageId],
    );
    expect(row).toEqual({ transcript_status: 'no_speech', content: '' });
  });

  it('drops a hallucinated loop and keeps the real speech', async () => {
    app.whisper.setResponder(() => ({
      raw: {
        duration: '4.48',
        language: 'english',
        text: ' I am tired. Subscribe subscribe subscribe subscribe subscribe.',
        segments: [
          {
            id: 0,
            avg_logprob: -0.3,
            compression_ratio: 1.2,
            end: 2.0,
            no_speech_prob: null,
            seek: 0,
            start: 0,
            temperature: 0,
            text: ' I am tired.',
            tokens: [],
          },
          {
            id: 1,
            avg_logprob: -0.5,
            compression_ratio: 3.8,
            end: 4.4,
            no_speech_prob: 0.1,
            seek: 0,
            start: 2.0,
            temperature: 0,
            text: ' Subscribe subscribe subscribe subscribe subscribe.',
            tokens: [],
          },
        ],
        words: null,
      },
    }));
    const c = await connect();
    await c.sendVoice(clip('speech/en-us-low.mp3'), {
      clientMsgId: msgId(),
      mimeType: 'audio/mpeg',
    });
    expect(await c.next('voice:transcript', () => true, 10_000)).toMatchObject({
      text: 'I am tired.',
      language: 'en',
    });
  });
});

describe('retention', () => {
  it('deletes expired audio but keeps the transcript and the features', async () => {
    const c = await connect();
    const ack = await c.sendVoice<SendAck>(clip('speech/en-f3-high.amr'), {
      clientMsgId: msgId(),
      mimeType: 'audio/amr',
    });
    await c.next('reply:end', () => true, 10_000);
    await sql(
      app.db.url,
      `UPDATE voice_clips SET expires_at = now() - interval '1 minute' WHERE message_id = $1`,
      [ack.messageId],
    );
    const expired = await app.running.app.get(VoiceClipExpiryJob).expire();
    expect(expired).toBeGreaterThanOrEqual(1);
    const [row] = await sql(
      app.db.url,
      `SELECT c.audio IS NULL AS gone, c.audio_deleted_at IS NOT NULL AS stamped, c.prosody IS NOT NULL AS features, m.content
         FROM voice_clips c JOIN messages m ON m.id = c.message_id WHERE c.message_id = $1`,
      [ack.messageId],
    );
    expect(row).toEqual({ gone: true, stamped: true, features: true, content: TEST_TRANSCRIPT });
  });
});

/** A WAV of about 9 s (over the 8 s limit of this app): two clips back to back. */
function longClip(): Buffer {
  const a = clip('speech/en-us-low.wav');
  const b = clip('speech/en-gb-fast.wav');
  const header = Buffer.from(a.subarray(0, 44));
  const data = Buffer.concat([a.subarray(44), b.subarray(44)]);
  header.writeUInt32LE(36 + data.length, 4);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/**
 * The demo: starts the service in embedded mode (its own Postgres, in-process jobs, the stand-in
 * model), connects as a phone would, chats a little in English and Chinese, prints the streamed
 * replies, catches up with `sync` like a reconnecting phone, stops the server and exits 0.
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawn } from 'node:child_process';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import type { ClientEventMap, SendAck, SyncAck } from '../src/gateway/chat.protocol.js';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.DEMO_DATA_DIR ?? resolve(root, '.data', 'demo'));
mkdirSync(dataDir, { recursive: true });
const logFile = resolve(dataDir, 'server.log');

console.log(`starting the companion backend in embedded mode (server log: ${logFile})`);
const server = spawn(process.execPath, ['--import', './scripts/ts-hooks.mjs', 'src/main.ts'], {
  cwd: root,
  env: {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: '',
    REDIS_URL: '',
    LLM_BASE_URL: '',
    WHISPER_BASE_URL: '',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const log = createWriteStream(logFile, { flags: 'a' });
server.stderr.pipe(log);

const url = await new Promise<string>((resolveUrl, reject) => {
  let buffered = '';
  server.stdout.on('data', (chunk: Buffer) => {
    log.write(chunk);
    buffered += chunk.toString();
    const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)","instanceId"/.exec(buffered);
    if (match) resolveUrl(match[1]);
    if (/STAND-IN/.test(buffered) && !buffered.includes('[shown]')) {
      buffered += '[shown]';
      console.log(
        'note: no LLM_BASE_URL / WHISPER_BASE_URL, so replies and transcripts come from local ' +
          'stand-ins, not from models (the voice analysis is real)',
      );
    }
  });
  server.once('exit', (code) => reject(new Error(`server exited (${code}); see ${logFile}`)));
  setTimeout(
    () => reject(new Error(`server did not start in 90 s; see ${logFile}`)),
    90_000,
  ).unref();
});
console.log(`server listening on ${url}`);

const secret = readFileSync(resolve(dataDir, 'dev-jwt-secret'), 'utf8').trim();
const token = jwt.sign({}, secret, { subject: 'demo-user', expiresIn: '10m' });

async function connect(): Promise<Socket> {
  const socket = io(`${url}/chat`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((res, rej) => {
    socket.once('connect', () => res());
    socket.once('connect_error', (e) => rej(e));
  });
  return socket;
}

function say(socket: Socket, text: string, conversationId?: string): Promise<SendAck> {
  return new Promise((res, rej) => {
    const clientMsgId = `demo-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    let ack: SendAck | null = null;
    const onStart = () => process.stdout.write('companion> ');
    const onDelta = (d: ClientEventMap['reply:delta']) => process.stdout.write(d.text);
    const onEnd = (e: ClientEventMap['reply:end']) => {
      if (!ack || e.message.inReplyTo !== ack.messageId) return;
      socket.off('reply:start', onStart).off('reply:delta', onDelta).off('reply:end', onEnd);
      console.log(
        `\n  [reply ${e.message.status}, seq ${e.message.seq}, model ${e.message.model}]`,
      );
      res(ack);
    };
    socket.on('reply:start', onStart).on('reply:delta', onDelta).on('reply:end', onEnd);
    socket.on('error', (err: ClientEventMap['error']) =>
      rej(new Error(`${err.code}: ${err.message}`)),
    );
    console.log(`\nyou> ${text}`);
    socket.emit(
      'message:send',
      { clientMsgId, conversationId, text },
      (a: { ok: boolean } & SendAck) => {
        if (!a.ok) return rej(new Error(JSON.stringify(a)));
        ack = a;
      },
    );
  });
}

/** Uploads a short recording (espeak-ng speech, AAC in m4a as an iPhone records it) in chunks. */
async function sendVoice(socket: Socket, conversationId: string): Promise<void> {
  const file = resolve(root, 'test/fixtures/audio/speech/en-us-low.m4a');
  const audio = readFileSync(file);
  const clientMsgId = `demo-voice-${Date.now()}`;
  console.log(`\nyou> [voice message, ${audio.length} bytes of m4a]`);
  const events = new Promise<void>((res) => {
    let pending = 3;
    const done = () => --pending === 0 && res();
    socket.once('voice:transcript', (t: ClientEventMap['voice:transcript']) => {
      console.log(`  transcript (${t.language}): ${t.text}`);
      done();
    });
    socket.once('voice:analysis', (a: ClientEventMap['voice:analysis']) => {
      const p = a.prosody;
      const f = (x: number | null, d = 1) => (x === null ? '-' : x.toFixed(d));
      console.log(
        `  analysis: ${f(p.durationSec)} s, pitch median ${f(p.f0MedianHz)} Hz (range ${f(p.f0RangeSemitones)} st), ` +
          `voiced ${f(p.voicedFraction * 100, 0)}%, loudness ${f(p.loudnessMeanDb)} dBFS, jitter ${f((p.jitterLocal ?? 0) * 100, 2)}%, ` +
          `shimmer ${f((p.shimmerLocal ?? 0) * 100, 1)}%, HNR ${f(p.hnrDb)} dB, ${p.pauseCount} pauses, ` +
          `${f(p.speakingRate)} ${p.speakingRateUnit.replace(/_/g, ' ')}`,
      );
      done();
    });
    socket.on('reply:delta', (d: ClientEventMap['reply:delta']) => process.stdout.write(d.text));
    socket.once('reply:start', () => process.stdout.write('companion> '));
    socket.once('reply:end', (e: ClientEventMap['reply:end']) => {
      socket.off('reply:delta');
      console.log(`\n  [reply ${e.message.status}, seq ${e.message.seq}]`);
      done();
    });
  });
  const ack = (await socket.emitWithAck('voice:start', {
    clientMsgId,
    conversationId,
    mimeType: 'audio/mp4',
    sizeBytes: audio.length,
    language: 'en',
  })) as { ok: boolean };
  if (!ack.ok) throw new Error(`voice:start refused: ${JSON.stringify(ack)}`);
  const chunk = 16 * 1024;
  let index = 0;
  for (let at = 0; at < audio.length; at += chunk) {
    await socket.emitWithAck('voice:chunk', {
      clientMsgId,
      index: index++,
      data: audio.subarray(at, at + chunk),
    });
  }
  const end = (await socket.emitWithAck('voice:end', { clientMsgId, chunks: index })) as {
    ok: boolean;
    seq?: number;
  };
  if (!end.ok) throw new Error(`voice:end refused: ${JSON.stringify(end)}`);
  console.log(`  [stored as seq ${end.seq}]`);
  await events;
}

let exitCode = 0;
try {
  const phone = await connect();
  const first = await say(phone, "Hi, I just got home. Today's exam went badly.");
  await say(phone, '其实我有点担心下周的面试。', first.conversationId);
  await sendVoice(phone, first.conversationId);
  phone.close();

  const reconnected = await connect();
  const sync = await new Promise<SyncAck>((res) =>
    reconnected.emit('sync', { conversationId: first.conversationId, afterSeq: 0 }, res),
  );
  console.log(
    `\nreconnected and synced: ${sync.messages.length} stored messages, last seq ${sync.lastSeq}`,
  );
  for (const m of sync.messages)
    console.log(`  #${m.seq} ${m.role.padEnd(9)} ${m.status.padEnd(9)} ${m.content.slice(0, 60)}`);
  reconnected.close();
} catch (e) {
  console.error(
    `demo failed: ${e instanceof Error ? e.message : String(e)} (server log: ${logFile})`,
  );
  exitCode = 1;
}

server.kill('SIGTERM');
const code = await new Promise<number | null>((r) => server.once('exit', r));
console.log(`\nserver stopped (exit ${code})`);
process.exit(exitCode || (code === 0 ? 0 : 1));

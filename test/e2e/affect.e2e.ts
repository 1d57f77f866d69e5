import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import type { TurnTrace } from '../../src/turn/turn-trace.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import { ChatClient } from '../support/chat-client.js';
import { sql } from '../support/sql.js';
import {
  quickReply,
  quickTranscript,
  sleep,
  startTestApp,
  type TestApp,
  sendAndAwaitReply,
} from '../support/test-app.js';
import { tokenFor } from '../support/tokens.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/affect');
const clip = (name: string) => readFileSync(resolve(FIXTURES, `${name}.ogg`));

let app: TestApp;
const clients: ChatClient[] = [];
let n = 0;
const newUser = () => `affect-${process.pid}-${++n}`;
const msgId = () => `a-${++n}`;

beforeAll(async () => {
  app = await startTestApp();
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

/** Sends a text and waits for its reply; returns the reply:start (with the turn's affect). */
const say = (c: ChatClient, text: string, conversationId?: string) =>
  sendAndAwaitReply(app, c, text, conversationId);

async function speak(c: ChatClient, name: string, conversationId?: string) {
  const ack = await c.sendVoice<SendAck>(clip(name), {
    clientMsgId: msgId(),
    mimeType: 'audio/ogg',
    conversationId,
  });
  const analysis = await c.next('voice:analysis', (a) => a.messageId === ack.messageId, 10_000);
  const start = await c.next('reply:start', (s) => s.inReplyTo === ack.messageId, 10_000);
  await c.next('reply:end', (e) => e.replyId === start.replyId, 10_000);
  return { ack, analysis, start, prompt: app.model.requests.at(-1)!.body.messages! };
}

async function baselineClips(userId: string): Promise<number> {
  const [row] = await sql(
    app.db.url,
    `SELECT (voice_baseline->>'clips')::int AS clips FROM affect_user_states WHERE user_id = $1`,
    [userId],
  );
  return Number(row?.clips ?? 0);
}

describe('the same words said two ways', () => {
  it('get different affect and a different prompt once the voice is known', async () => {
    const user = newUser();
    const c = await connect(user);
    let conversationId: string | undefined;
    for (let i = 1; i <= 5; i++) {
      const usual = await speak(c, `en-usual-${i}`, conversationId);
      conversationId = usual.ack.conversationId;
    }
    for (let i = 0; i < 50 && (await baselineClips(user)) < 5; i++) await sleep(100);
    expect(await baselineClips(user)).toBe(5);

    app.whisper.setResponder(() => ({
      text: 'I am fine, thanks for asking. Really, it is nothing.',
      language: 'en',
    }));
    const flat = await speak(c, 'en-flat', conversationId);
    const lively = await speak(c, 'en-lively', conversationId);

    expect(flat.analysis.vocal!.baselineClips).toBe(5);
    expect(flat.analysis.vocal!.arousal!).toBeLessThan(0);
    expect(lively.analysis.vocal!.arousal!).toBeGreaterThan(0);
    expect(flat.start.affect!.arousal).toBeLessThan(lively.start.affect!.arousal - 0.3);
    expect(flat.start.affect!.incongruence).toBe('positive_words_low_voice');
    expect(lively.start.affect!.incongruence).toBeNull();
    expect(flat.start.affect!.evidence.some((e) => e.source === 'voice')).toBe(true);

    // The note before the last message differs; everything before it is the same prefix.
    const note = (prompt: Array<{ role: string; content: string }>) => prompt.at(-2)!;
    expect(note(flat.prompt)).toMatchObject({ role: 'system' });
    expect(note(flat.prompt).content).toMatch(/do not quite match/);
    expect(note(lively.prompt).content ?? '').not.toMatch(/do not quite match/);
    expect(flat.prompt[0]).toEqual(lively.prompt[0]);
    const [row] = await sql(
      app.db.url,
      `SELECT label, incongruence, confidence FROM turn_affects WHERE message_id = $1`,
      [flat.ack.messageId],
    );
    expect(row).toMatchObject({ incongruence: 'positive_words_low_voice' });
  }, 60_000);

  it('reads a first clip against population norms, and says the confidence is low', async () => {
    const c = await connect();
    const first = await speak(c, 'cmn-flat');
    expect(first.analysis.vocal).toMatchObject({ baselineClips: 0 });
    expect(first.analysis.vocal!.confidence).toBeLessThan(0.5);
  }, 20_000);
});

describe('words alone', () => {
  it('reads Chinese and writes the note in Chinese', async () => {
    const c = await connect();
    const turn = await say(c, '我今天特别难过，考试又没考好。');
    expect(turn.start.affect).toMatchObject({ label: 'sadness' });
    expect(turn.start.affect!.valence).toBeLessThan(-0.3);
    const note = turn.prompt.at(-2)!;
    expect(note.role).toBe('system');
    expect(note.content).toMatch(/本轮回复的提示/);
    expect(note.content).toMatch(/难过/);
  });

  it('reads English, hedged and not, and says nothing when nothing is clear', async () => {
    const c = await connect();
    const anxious = await say(c, "I'm really anxious about tomorrow's interview!!");
    expect(anxious.start.affect).toMatchObject({ label: 'anxiety' });
    expect(anxious.prompt.at(-2)!.content).toMatch(/anxi/);
    const plain = await say(c, 'The train leaves at nine.', anxious.ack.conversationId);
    expect(plain.start.affect).toMatchObject({ label: 'neutral' });
    expect(plain.prompt.at(-1)).toEqual({ role: 'user', content: 'The train leaves at nine.' });
    expect(plain.prompt.at(-2)!.role).toBe('assistant');
  });

  it('notices when the conversation turns down', async () => {
    const c = await connect();
    let conversationId: string | undefined;
    const lines = [
      'Had a nice walk today, feeling good.',
      'Lunch was great too!',
      'I love this sunny weather.',
      'My friend made me laugh so much, so happy.',
      'Work went well, feeling great.',
      'Actually I feel sad now.',
      'Everything feels hopeless and I am so lonely.',
      'I am exhausted and miserable.',
      'I just feel empty and sad.',
    ];
    let lastNote = '';
    for (const line of lines) {
      const turn = await say(c, line, conversationId);
      conversationId = turn.ack.conversationId;
      lastNote = turn.prompt.at(-2)!.content;
    }
    expect(lastNote).toMatch(
      /Over the conversation: has become more down over the last few messages/,
    );
    const [row] = await sql(
      app.db.url,
      `SELECT mood->>'turns' AS turns FROM affect_conversation_states WHERE conversation_id = $1`,
      [conversationId],
    );
    expect(Number(row.turns)).toBe(lines.length);
  });
});

describe('turn trace', () => {
  it('shows an operator why a reply said what it said, and audits the read', async () => {
    const c = await connect();
    const turn = await say(c, 'I feel so lonely tonight.');
    const url = `${app.url}/v1/operator/turns/${turn.start.replyId}/trace`;
    expect((await fetch(url)).status).toBe(401);
    const user = await fetch(url, { headers: { authorization: `Bearer ${tokenFor('someone')}` } });
    expect(user.status).toBe(403);
    expect(await user.json()).toMatchObject({ code: 'forbidden' });

    const operator = tokenFor('op-1', { roles: ['operator'] });
    for (
      let i = 0;
      i < 20 &&
      (await fetch(url, { headers: { authorization: `Bearer ${operator}` } })).status === 404;
      i++
    )
      await sleep(50);
    const res = await fetch(url, { headers: { authorization: `Bearer ${operator}` } });
    expect(res.status).toBe(200);
    const trace = (await res.json()) as TurnTrace & {
      messages: Array<{ role: string; content: string }>;
    };
    expect(trace).toMatchObject({
      replyId: turn.start.replyId,
      answering: turn.ack.messageId,
      status: 'completed',
      model: 'companion-qwen3-test',
      promptVersion: expect.stringMatching(/^companion\/v4@/),
      sampling: { temperature: 0.7, topP: 0.8, topK: 20, presencePenalty: 1.5 },
      affect: { affect: { label: 'loneliness' }, lang: 'en' },
    });
    expect(trace.messages.map(({ role, content }) => ({ role, content }))).toEqual(turn.prompt);
    expect(trace.timings.ttftMs).toEqual(expect.any(Number));
    // By the user message it answers, too.
    const byMessage = await fetch(`${app.url}/v1/operator/turns/${turn.ack.messageId}/trace`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(((await byMessage.json()) as { replyId: string }).replyId).toBe(turn.start.replyId);
    const audit = await sql(
      app.db.url,
      `SELECT action, target_id, subject_user_id FROM operator_audit WHERE operator_id = 'op-1'`,
    );
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit[0]).toMatchObject({ action: 'turn_trace.read', target_id: turn.start.replyId });
    expect(
      (
        await fetch(`${app.url}/v1/operator/turns/not-a-uuid/trace`, {
          headers: { authorization: `Bearer ${operator}` },
        })
      ).status,
    ).toBe(400);
  });
});

describe('a text-emotion model', () => {
  let classifier: VllmStandIn;
  let withModel: TestApp;

  beforeAll(async () => {
    classifier = await startVllmStandIn({ model: 'affect-test' });
    withModel = await startTestApp({
      AFFECT_MODEL_BASE_URL: classifier.url,
      AFFECT_MODEL: 'affect-test',
      AFFECT_MODEL_TIMEOUT_MS: '500',
    });
  });
  afterAll(async () => {
    await withModel.close();
    await classifier.close();
  });

  it('is asked with a JSON schema and its answer is used; a bad answer falls back to the lexicon', async () => {
    classifier.setResponder(() => ({
      pieces: [
        JSON.stringify({
          valence: -0.6,
          arousal: 0.7,
          label: 'frustration',
          confidence: 0.8,
          hedged: false,
          cues: ['ugh'],
        }),
      ],
    }));
    const c = await ChatClient.connect(withModel.url, newUser());
    clients.push(c);
    const ack = await c.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      text: 'ugh, the bus again',
    });
    const start = await c.next('reply:start', () => true, 5000);
    expect(start.affect).toMatchObject({ label: 'frustration' });
    // The reading is stored with the reply (the finish carries it).
    await c.next('reply:end', (e) => e.replyId === start.replyId, 5000);
    const sent = classifier.requests.at(-1)!.body;
    expect(sent).toMatchObject({
      model: 'affect-test',
      response_format: { type: 'json_schema', json_schema: { name: 'text_emotion', strict: true } },
    });
    expect(sent).not.toHaveProperty('guided_json');
    const [row] = await sql(
      withModel.db.url,
      `SELECT text_emotion->>'label' AS label FROM turn_affects WHERE message_id = $1`,
      [ack.messageId],
    );
    expect(row).toEqual({ label: 'frustration' });

    classifier.setResponder(() => ({ pieces: ['not json at all'] }));
    const second = await c.request<SendAck>('message:send', {
      clientMsgId: msgId(),
      conversationId: ack.conversationId,
      text: 'I am so happy today!',
    });
    expect(
      (await c.next('reply:start', (s) => s.inReplyTo === second.messageId, 5000)).affect,
    ).toMatchObject({ label: 'joy' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SendAck } from '../../src/gateway/chat.protocol.js';
import { assignVariant } from '../../src/feedback/experiments/assign.js';
import { experimentDefinitionSchema } from '../../src/feedback/experiments/experiment-definition.js';
import { startVllmStandIn, type VllmStandIn } from '../../src/llm/stand-in/vllm-stand-in.js';
import {
  startWhisperStandIn,
  type WhisperStandIn,
} from '../../src/voice/stand-in/whisper-stand-in.js';
import { ChatClient } from '../support/chat-client.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TEST_MODEL, TEST_WHISPER_MODEL, sleep, until } from '../support/test-app.js';
import { TEST_JWT_SECRET, tokenFor } from '../support/tokens.js';

/**
 * Sticky assignment across two server processes (docs/model-loop.md): both assign a user the
 * variant FNV-1a gives, the first exposure is stored, and after the split changes a user keeps
 * the variant they were served on whichever process answers; a new user follows the new split.
 */

let db: TestDatabase;
let model: VllmStandIn;
let whisper: WhisperStandIn;
let routingFile: string;
const servers: ServerProcess[] = [];
const clients: ChatClient[] = [];

const experiment = {
  key: 'warmth',
  control: 'a',
  variants: [
    { name: 'a', route: 'adapter-a', weight: 1 },
    { name: 'b', route: 'adapter-b', weight: 1 },
  ],
};

beforeAll(async () => {
  db = await createTestDatabase();
  model = await startVllmStandIn({
    model: TEST_MODEL,
    adapters: ['warmth-a', 'warmth-b'],
    responder: () => ({ pieces: ['Hi', '.'] }),
  });
  whisper = await startWhisperStandIn({ model: TEST_WHISPER_MODEL });
  routingFile = join(mkdtempSync(join(tmpdir(), 'experiments-')), 'routing.json');
  writeFileSync(
    routingFile,
    JSON.stringify({
      endpoints: [{ name: 'one', baseUrl: model.url }],
      routes: [
        { name: 'base', endpoint: 'one', model: TEST_MODEL },
        { name: 'adapter-a', endpoint: 'one', model: 'warmth-a' },
        { name: 'adapter-b', endpoint: 'one', model: 'warmth-b' },
      ],
      policy: { default: 'base' },
      experiments: [experiment],
    }),
  );
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.kill('SIGTERM');
  await model.close();
  await whisper.close();
  await db.drop();
});

const env = () => ({
  DATABASE_URL: db.url,
  LLM_BASE_URL: model.url,
  LLM_MODEL: TEST_MODEL,
  WHISPER_BASE_URL: whisper.url,
  WHISPER_MODEL: TEST_WHISPER_MODEL,
  JWT_SECRET: TEST_JWT_SECRET,
  ROUTING_CONFIG_FILE: routingFile,
  MEMORY_ENABLED: 'false',
  // spawnServer learns the URL from the info line `companion backend listening`.
  LOG_LEVEL: 'info',
  SHUTDOWN_GRACE_MS: '2000',
});

/** One turn of `user` on `server`: the model (adapter) that answered, from the stored reply. */
async function turn(
  server: ServerProcess,
  user: string,
): Promise<{ variant: string; model: string }> {
  const client = await ChatClient.connect(server.url, user, { token: tokenFor(user) });
  clients.push(client);
  const ack = await client.request<SendAck>('message:send', {
    clientMsgId: `${user}-${Date.now()}`,
    text: 'hello',
  });
  const start = await client.next('reply:start', (s) => s.inReplyTo === ack.messageId, 15_000);
  await client.next('reply:end', (e) => e.replyId === start.replyId, 15_000);
  client.close();
  const [row] = await sql(db.url, `SELECT route FROM messages WHERE id = $1`, [start.replyId]);
  const route = row.route as { variant: string; model: string };
  return { variant: route.variant, model: route.model };
}

describe('sticky assignment', () => {
  it('is the same on two processes, stored on first exposure, and kept when the split changes', async () => {
    const first = await spawnServer(env(), 60_000);
    servers.push(first);
    const def = experimentDefinitionSchema.parse(experiment);
    const audience = (userId: string) => ({
      userId,
      tier: 'free',
      locale: null,
      platform: null,
      isNew: true,
    });
    const users = Array.from({ length: 8 }, (_, i) => `sticky-${i}`);
    const served = new Map<string, string>();
    for (const u of users) {
      const got = await turn(first, u);
      // What FNV-1a says, here in the test, is what the process served.
      expect(got.variant).toBe(assignVariant(def, audience(u))!.variant);
      expect(got.model).toBe(`warmth-${got.variant}`);
      served.set(u, got.variant);
    }
    expect(new Set(served.values())).toEqual(new Set(['a', 'b']));
    await sleep(200); // first exposures are stored in batches
    const stored = await sql(
      db.url,
      `SELECT user_id, variant FROM experiment_exposures ORDER BY user_id`,
    );
    expect(Object.fromEntries(stored.map((r) => [r.user_id, r.variant]))).toEqual(
      Object.fromEntries(served),
    );

    // Everyone new goes to the control from now on; those already served keep their variant.
    await sql(
      db.url,
      `UPDATE experiments SET definition = jsonb_set(definition, '{variants,1,weight}', '0') WHERE key = 'warmth'`,
    );
    const second = await spawnServer(env(), 60_000);
    servers.push(second);
    for (const u of users) expect((await turn(second, u)).variant).toBe(served.get(u));
    const newcomer = Array.from({ length: 50 }, (_, i) => `new-${i}`).find(
      (u) => assignVariant(def, audience(u))!.variant === 'b',
    )!;
    expect((await turn(second, newcomer)).variant).toBe('a');

    // Results per variant, for analysts: exposures counted; with no retention roll-up yet, the
    // return figures come from the variant's own replies, and say so.
    // First exposures are stored in batches: read until the newcomer's is in.
    const servedA = [...served.values()].filter((v) => v === 'a').length + 1;
    const read = async () => {
      const res = await fetch(`${second.url}/v1/operator/experiments/warmth/results`, {
        headers: { authorization: `Bearer ${tokenFor('analyst-1', { roles: ['analyst'] })}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        variants: Array<{ variant: string; users: number; returnFrom: string }>;
      };
    };
    const results = await until(
      read,
      (r) => r.variants.find((v) => v.variant === 'a')?.users === servedA,
    );
    const byName = Object.fromEntries(results.variants.map((v) => [v.variant, v]));
    expect(byName.a).toMatchObject({ users: servedA, returnFrom: 'replies' });
    expect(byName.b.users).toBe(users.length + 1 - servedA);
  }, 120_000);
});

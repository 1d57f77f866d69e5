import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.js';
import type { DatasetKind } from '../../src/feedback/dataset/records.js';
import { datasetSources, writeDataset } from '../../src/feedback/dataset/write-dataset.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Training data out (docs/model-loop.md): every kind parses and carries the exact prompt the
 * model saw; users without consent, minors and crisis conversations are absent; personal data is
 * replaced; a user is in one split only.
 */

let db: TestDatabase;
let ds: DataSource;
const dir = mkdtempSync(join(tmpdir(), 'dataset-'));
const SINCE = new Date('2020-01-01');
const UNTIL = new Date('2100-01-01');

/** A user with one exchange answered twice (a regenerate), a trace of the second reply, and acts. */
async function seed(
  user: string,
  o: { consent?: boolean | null; minor?: boolean; crisis?: boolean; acts: string[] },
): Promise<void> {
  await sql(
    db.url,
    `WITH u AS (INSERT INTO users (id) VALUES ($1)),
          c AS (INSERT INTO conversations (id, user_id, last_seq) VALUES (gen_random_uuid(), $1, 5) RETURNING id),
          u1 AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, content, status)
                 SELECT gen_random_uuid(), c.id, $1, 1, 'user', 'Hi, I am ' || $1, 'received' FROM c RETURNING id, conversation_id),
          a1 AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, content, status, in_reply_to)
                 SELECT gen_random_uuid(), u1.conversation_id, $1, 2, 'assistant', 'Hello!', 'completed', u1.id FROM u1 RETURNING id),
          u2 AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, content, status)
                 SELECT gen_random_uuid(), u1.conversation_id, $1, 3, 'user', 'Call Anna on 138 0013 8000', 'received' FROM u1
                 RETURNING id, conversation_id),
          a2 AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, content, status, in_reply_to, replaced_at)
                 SELECT gen_random_uuid(), u2.conversation_id, $1, 4, 'assistant', 'Say hi to Anna.', 'completed', u2.id, now() FROM u2
                 RETURNING id, conversation_id, in_reply_to),
          b2 AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, content, status, in_reply_to)
                 SELECT gen_random_uuid(), u2.conversation_id, $1, 5, 'assistant', 'Anna will be glad.', 'completed', u2.id FROM u2
                 RETURNING id),
          tr AS (INSERT INTO turn_traces (reply_id, answering_id, user_id, trace)
                 SELECT x.id, u2.id, $1, json_build_object(
                          'version', 2, 'replyId', x.id, 'answering', u2.id, 'recalled', '[]'::json,
                          'prompt', json_build_object('system', 'You are Mira.', 'summary', null,
                            'note', 'They seem calm.',
                            'history', json_build_array(json_build_object('id', u1.id, 'role', 'user'),
                                                        json_build_object('id', a1.id, 'role', 'assistant'),
                                                        json_build_object('id', u2.id, 'role', 'user'))))
                   FROM (SELECT id FROM a2 UNION ALL SELECT id FROM b2) x, u1, a1, u2),
          me AS (INSERT INTO memories (id, user_id, kind, text, source_message_ids, origin, dedupe_key)
                 VALUES (gen_random_uuid(), $1, 'person', 'Her friend is called Anna.', '{}', 'extraction', $1 || 'anna')),
          co AS (INSERT INTO training_consents (id, user_id, training, version)
                 SELECT gen_random_uuid(), $1, $2::boolean, '1' WHERE $2::boolean IS NOT NULL),
          mi AS (INSERT INTO safety_user_states (user_id, age_band) SELECT $1, 'minor' WHERE $3),
          ce AS (INSERT INTO crisis_events (id, user_id, conversation_id, level, categories, evidence, protocol_version, locale, resources)
                 SELECT gen_random_uuid(), $1, a2.conversation_id, 'high', '{}', '{}', 'safety/v1', 'en', '{}' FROM a2 WHERE $4),
          fa AS (INSERT INTO feedback_events (id, user_id, reply_id, conversation_id, kind, rating, text, created_at)
                 SELECT gen_random_uuid(), $1, CASE WHEN k = 'choose' THEN b2.id ELSE a2.id END, a2.conversation_id,
                        split_part(k, ':', 1), nullif(split_part(k, ':', 2), ''),
                        CASE WHEN k = 'edit' THEN 'Say hello to Anna for me.' END,
                        now() + (ord || ' ms')::interval
                   FROM a2, b2, unnest($5::text[]) WITH ORDINALITY AS t(k, ord))
     SELECT 1`,
    [user, o.consent === undefined ? true : o.consent, o.minor ?? false, o.crisis ?? false, o.acts],
  );
}

async function run(kind: DatasetKind, format: 'trl' | 'sharegpt' = 'trl', validationShare = 0.2) {
  const out = join(dir, `${kind}-${format}.jsonl`);
  const manifest = await writeDataset(
    datasetSources(ds),
    { kind, format, since: SINCE, until: UNTIL, validationShare, pageSize: 7 },
    out,
  );
  const read = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    manifest,
    train: read(manifest.files.train.path),
    validation: read(manifest.files.validation.path),
  };
}

const EXPECTED_PROMPT = (user: string) => [
  { role: 'system', content: 'You are Mira.' },
  { role: 'user', content: `Hi, I am ${user}` },
  { role: 'assistant', content: 'Hello!' },
  { role: 'system', content: 'They seem calm.' },
  { role: 'user', content: 'Call [NAME] on [PHONE]' },
];

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 4), logging: false });
  await ds.initialize();
  await seed('alice', { acts: ['rating:down', 'rating:up', 'edit', 'choose'] });
  await seed('no-consent', { consent: null, acts: ['rating:up', 'edit'] });
  await seed('withdrew', { consent: false, acts: ['rating:up'] });
  await seed('minor', { minor: true, acts: ['rating:up'] });
  await seed('crisis', { crisis: true, acts: ['rating:up'] });
  for (let i = 0; i < 30; i++) await seed(`many-${i}`, { acts: ['rating:up'] });
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

const users = (records: Array<Record<string, unknown>>) =>
  new Set(records.map((r) => /I am ([\w-]+)/.exec(JSON.stringify(r))![1]));

describe('dataset:export', () => {
  it('sft: the exact prompt, with the edit as the completion where there is one', async () => {
    const { train, validation, manifest } = await run('sft');
    const all = [...train, ...validation];
    const alice = all.find((r) => JSON.stringify(r).includes('I am alice'))!;
    expect(alice).toEqual({
      messages: [
        ...EXPECTED_PROMPT('alice'),
        { role: 'assistant', content: 'Say hello to [NAME] for me.' },
      ],
    });
    expect(all).toHaveLength(31); // alice (her edit, once) and the 30 others' thumbs up
    expect(manifest.excluded).toMatchObject({ minor: 1, crisis: 1 });
    expect(manifest.files.train.records + manifest.files.validation.records).toBe(31);
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('dpo: the edit over the reply, and the kept version over the other', async () => {
    const { train, validation } = await run('dpo');
    const alice = [...train, ...validation].filter((r) => JSON.stringify(r).includes('I am alice'));
    expect(alice).toEqual(
      expect.arrayContaining([
        {
          prompt: EXPECTED_PROMPT('alice'),
          chosen: [{ role: 'assistant', content: 'Say hello to [NAME] for me.' }],
          rejected: [{ role: 'assistant', content: 'Say hi to [NAME].' }],
        },
        {
          prompt: EXPECTED_PROMPT('alice'),
          chosen: [{ role: 'assistant', content: '[NAME] will be glad.' }],
          rejected: [{ role: 'assistant', content: 'Say hi to [NAME].' }],
        },
      ]),
    );
    expect(alice).toHaveLength(2);
  });

  it('kto: the latest thumb of each reply, as its label', async () => {
    const { train, validation } = await run('kto');
    const all = [...train, ...validation];
    const alice = all.filter((r) => JSON.stringify(r).includes('I am alice'));
    expect(alice).toEqual([
      {
        prompt: EXPECTED_PROMPT('alice'),
        completion: [{ role: 'assistant', content: 'Say hi to [NAME].' }],
        label: true,
      },
    ]);
  });

  it('leaves out users without consent, minors and crisis conversations, in every kind', async () => {
    for (const kind of ['sft', 'dpo', 'kto'] as const) {
      const { train, validation } = await run(kind);
      const seen = users([...train, ...validation]);
      for (const absent of ['no-consent', 'withdrew', 'minor', 'crisis'])
        expect(seen).not.toContain(absent);
    }
  });

  it('never puts a user in both splits', async () => {
    const { train, validation } = await run('kto', 'trl', 0.3);
    const inTrain = users(train);
    const inValidation = users(validation);
    expect(inTrain.size).toBeGreaterThan(0);
    expect(inValidation.size).toBeGreaterThan(0);
    expect([...inTrain].filter((u) => inValidation.has(u))).toEqual([]);
  });

  it("writes LLaMA-Factory's sharegpt on asking", async () => {
    const { train, validation } = await run('kto', 'sharegpt');
    const alice = [...train, ...validation].find((r) => JSON.stringify(r).includes('I am alice'))!;
    expect(alice).toEqual({
      system: 'You are Mira.\n\nThey seem calm.',
      conversations: [
        { from: 'human', value: 'Hi, I am alice' },
        { from: 'gpt', value: 'Hello!' },
        { from: 'human', value: 'Call [NAME] on [PHONE]' },
        { from: 'gpt', value: 'Say hi to [NAME].' },
      ],
      kto_tag: true,
    });
  });
});

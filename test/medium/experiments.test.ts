import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { assignVariant } from '../../src/feedback/experiments/assign.js';
import type { ExperimentDefinition } from '../../src/feedback/experiments/experiment-definition.js';
import { experimentDefinitionSchema } from '../../src/feedback/experiments/experiment-definition.js';
import { ExperimentRepository } from '../../src/feedback/experiments/experiment.repository.js';
import { ExperimentResultsService } from '../../src/feedback/experiments/experiment-results.service.js';
import { ExperimentsService } from '../../src/feedback/experiments/experiments.service.js';
import { FeedbackRepository } from '../../src/feedback/feedback.repository.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Guardrails stop a variant on their own; results per variant read what the turns stored. */

let db: TestDatabase;
let ds: DataSource;
let repo: ExperimentRepository;
let running: ExperimentsService;
let results: ExperimentResultsService;

const definition: ExperimentDefinition = experimentDefinitionSchema.parse({
  key: 'warmth',
  control: 'a',
  variants: [
    { name: 'a', route: 'best' },
    { name: 'b', route: 'lora-b' },
  ],
  guardrails: { maxErrorRate: 0.1, maxCrisisRate: 0.05, minTurns: 100 },
});

/** `n` replies of a variant by `users` users, `failed` of them failed; thumbs on some. */
async function seedVariant(variant: string, users: number, n: number, failed: number, ups: number) {
  await sql(
    db.url,
    `WITH us AS (INSERT INTO users (id) SELECT $1 || '-' || g FROM generate_series(1, $2) g RETURNING id),
          cs AS (INSERT INTO conversations (id, user_id, last_seq) SELECT gen_random_uuid(), id, 0 FROM us RETURNING id, user_id),
          ms AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, content, status, total_ms, route)
                 SELECT gen_random_uuid(), c.id, c.user_id, g, 'assistant', 'x',
                        CASE WHEN g <= $4 THEN 'failed' ELSE 'completed' END, 900,
                        json_build_object('route', 'r', 'reason', 'experiment', 'experiment', 'warmth', 'variant', $1::text)
                   FROM cs c, generate_series(1, $3) g RETURNING id, user_id, conversation_id, seq),
          ex AS (INSERT INTO experiment_exposures (experiment_key, user_id, variant) SELECT 'warmth', id, $1 FROM us)
     INSERT INTO feedback_events (id, user_id, reply_id, conversation_id, kind, rating, experiment, variant)
     SELECT gen_random_uuid(), user_id, id, conversation_id, 'rating', CASE WHEN seq <= $5 THEN 'up' ELSE 'down' END,
            'warmth', $1 FROM ms WHERE seq <= $5 + 2`,
    [variant, users, n, failed, ups],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 4), logging: false });
  await ds.initialize();
  repo = new ExperimentRepository(ds);
  running = new ExperimentsService({ routing: null } as never, repo);
  results = new ExperimentResultsService(
    repo,
    running,
    new FeedbackRepository(ds),
    new MessageRepository(ds),
  );
  await repo.create(definition);
  await running.reload();
  // a: 40 users x 5 replies, none failed; b: 40 users x 5 replies, 2 of 5 failed (40% errors).
  await seedVariant('a', 40, 5, 0, 2);
  await seedVariant('b', 40, 5, 2, 3);
});
afterAll(async () => {
  running.onModuleDestroy();
  await ds.destroy();
  await db.drop();
});

describe('guardrails', () => {
  it("stop a variant whose error rate breaks the limit, never the control, and its users get the control's route", async () => {
    const user = Array.from({ length: 200 }, (_, i) => `g-${i}`).find(
      (u) => assignVariant(definition, audience(u))?.variant === 'b',
    )!;
    expect(running.assign(audience(user))).toMatchObject({ variant: 'b', route: 'lora-b' });

    expect(await results.checkGuardrails()).toEqual([
      { key: 'warmth', variant: 'b', reason: 'guardrail:error_rate' },
    ]);
    expect(await results.checkGuardrails()).toEqual([]); // once
    expect((await repo.find('warmth'))!.stoppedVariants).toEqual(['b']);
    expect(running.assign(audience(user))).toMatchObject({ variant: 'a', route: 'best' });
  });
});

describe('results per variant', () => {
  it('count users, turns, rates and compare to the control', async () => {
    const r = (await results.results('warmth'))!;
    const [a, b] = r.variants;
    expect(a).toMatchObject({
      variant: 'a',
      control: true,
      users: 40,
      turns: 200,
      errorRate: 0,
      vsControl: null,
    });
    expect(b).toMatchObject({
      variant: 'b',
      users: 40,
      turns: 200,
      errorRate: 0.4,
      stopped: 'guardrail:error_rate',
    });
    // a: 2 up of 4 rated per user; b: 3 up of 5 rated per user.
    expect(a.thumbsUpRate.value).toBeCloseTo(0.5, 9);
    expect(b.thumbsUpRate.value).toBeCloseTo(0.6, 9);
    expect(b.ratedTurns).toBe(200);
    expect(b.averageSessionTurns).toBe(5);
    expect(b.vsControl!.thumbsUp.difference).toBeCloseTo(0.1, 9);
    expect(b.vsControl!.success.chanceToBeat).toBeLessThan(0.001);
    expect(r.srm).toMatchObject({ mismatch: false });
  });
});

function audience(userId: string) {
  return { userId, tier: 'free', locale: null, platform: null, isNew: true };
}

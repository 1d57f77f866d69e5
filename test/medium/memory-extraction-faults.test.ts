import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Global, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { resolve } from 'node:path';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { DataSource } from 'typeorm';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { APP_CONFIG, loadConfig } from '../../src/config/app-config.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { EventBus } from '../../src/jobs/event-bus.js';
import { EventName, JobName } from '../../src/jobs/job-names.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { JobRegistry } from '../../src/jobs/job-registry.js';
import { JobsModule } from '../../src/jobs/jobs.module.js';
import { ModelCompletions } from '../../src/llm/model-completions.js';
import {
  startVllmStandIn,
  type ChatRequestBody,
  type StandInScript,
  type VllmStandIn,
} from '../../src/llm/stand-in/vllm-stand-in.js';
import {
  MEMORY_EXTRACTION_RETRY,
  MemoryExtractionJob,
  type ExtractionRetry,
} from '../../src/memory/memory-extraction.job.js';
import {
  ExtractionHeldError,
  failureOf,
  MemoryExtractionService,
  SKIP_AFTER,
  SPLIT_AFTER,
} from '../../src/memory/memory-extraction.service.js';
import { MemoryRepository } from '../../src/memory/memory.repository.js';
import { Metrics } from '../../src/observability/metrics.js';
import { TemplateStore } from '../../src/prompting/template-store.js';
import { insertConversation } from '../support/history.js';
import { memoryAnswer } from '../support/memory-operations.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Memory extraction when the model endpoint fails: down, hanging, answering garbage for one
 * batch or for everything. No turn is passed without being extracted or skipped out loud.
 */

let db: TestDatabase;
let ds: DataSource;
let memories: MemoryRepository;
let model: VllmStandIn;
let metrics: Metrics;
let extraction: MemoryExtractionService;
let n = 0;

/** Every log line written through Nest's Logger, as JSON. */
const logs: Array<{ level: string; line: string }> = [];
function captureLogs(): void {
  const keep =
    (level: string) =>
    (...args: unknown[]) =>
      logs.push({ level, line: JSON.stringify(args) });
  Logger.overrideLogger({
    log: keep('log'),
    warn: keep('warn'),
    error: keep('error'),
    debug: keep('debug'),
    verbose: keep('verbose'),
    fatal: keep('fatal'),
  });
}

async function user(): Promise<string> {
  const id = `memx-fault-${++n}`;
  await sql(db.url, 'INSERT INTO users (id) VALUES ($1)', [id]);
  return id;
}

/** The user's messages, a millisecond apart from `at` (default now). */
const say = (userId: string, texts: string[], at?: Date) =>
  insertConversation(db.url, userId, texts, { start: at, stepMs: 1, userOnly: true });

async function cursorOf(userId: string): Promise<string | null> {
  const rows = await sql<{ message_id: string }>(
    db.url,
    'SELECT message_id FROM memory_cursors WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.message_id ?? null;
}

async function storedTexts(userId: string): Promise<string[]> {
  return (await memories.current(userId)).map((m) => m.text).sort();
}

async function failures(reason: string): Promise<number> {
  const { values } = await metrics.memoryExtractionFailures.get();
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** Failures that are the endpoint's, not the batch's. */
const endpointFailures = async () =>
  (await failures('model_unavailable')) + (await failures('timeout'));

async function lag(): Promise<{ count: number; sum: number; buckets: Map<number, number> }> {
  const { values } = await metrics.memoryExtractionLag.get();
  const pick = (name: string) => values.find((v) => v.metricName === name)?.value ?? 0;
  const buckets = new Map(
    values
      .filter((v) => v.metricName?.endsWith('_bucket') && v.labels.le !== '+Inf')
      .map((v) => [Number(v.labels.le), v.value]),
  );
  return {
    count: pick('companion_memory_extraction_lag_seconds_count'),
    sum: pick('companion_memory_extraction_lag_seconds_sum'),
    buckets,
  };
}

const lastPrompt = (body: ChatRequestBody) => body.messages?.at(-1)?.content ?? '';

/**
 * A model that reads every turn it is shown: one memory per user turn, its text the turn's own
 * words (turn texts in these tests share no words, so none is merged into another).
 */
function reader(body: ChatRequestBody): StandInScript {
  const turns = [...lastPrompt(body).matchAll(/^(t\d+) \([\d-]+\) User(?: \[[^\]]*\])?: (.*)$/gm)];
  return {
    pieces: [memoryAnswer(turns.map(([, ref, text]) => ({ text, sources: [ref] })))],
  };
}

/** Every turn of a message text shown to the model, and no log line carries it. */
function expectNoTextIn(texts: string[]): void {
  for (const { line } of logs) for (const text of texts) expect(line).not.toContain(text);
}

/** Runs extraction as the queue does (again after each hold), at most `max` times. */
async function runUntilDone(userId: string, max: number, afterEachRun?: () => Promise<void>) {
  const holds: ExtractionHeldError[] = [];
  for (let run = 1; run <= max; run++) {
    try {
      const result = await extraction.extract(userId);
      await afterEachRun?.();
      return { runs: run, holds, result };
    } catch (e) {
      if (!(e instanceof ExtractionHeldError)) throw e;
      holds.push(e);
      await afterEachRun?.();
    }
  }
  return { runs: max, holds, result: null };
}

beforeAll(async () => {
  captureLogs();
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 10), logger: undefined, logging: false });
  await ds.initialize();
  memories = new MemoryRepository(ds);
  model = await startVllmStandIn({ model: 'memory-test', responder: reader });
  metrics = new Metrics();
  extraction = new MemoryExtractionService(
    loadConfig({ MEMORY_BATCH_MESSAGES: '20' }),
    new ModelCompletions({ baseUrl: model.url, model: 'memory-test', timeoutMs: 400, retries: 0 }),
    new TemplateStore(resolve(import.meta.dirname, '../../prompts'), 'memory/v1'),
    new MessageRepository(ds),
    memories,
    new AffectRepository(ds),
    metrics,
  );
});
afterEach(() => model.setResponder(reader));
afterAll(async () => {
  await ds.destroy();
  await model.close();
  await db.drop();
});

describe('memory extraction when the model fails', () => {
  it('holds the cursor while the endpoint is down or hangs, then extracts every turn once it is back', async () => {
    const u = await user();
    const texts = [
      'I adopted a grey cat named Pixel',
      'My brother Tom lives in Lisbon',
      'I start pottery classes on Monday',
    ];
    const ids = await say(u, texts);
    const before = {
      endpoint: await endpointFailures(),
      split: await failures('batch_split'),
      skipped: await failures('skipped_turn'),
    };

    // Down: more runs than it takes to split a rejected batch. An outage is not the batch's fault.
    model.setResponder(() => ({ status: 503 }));
    for (let run = 0; run < SPLIT_AFTER + SKIP_AFTER + 1; run++) {
      await expect(extraction.extract(u)).rejects.toMatchObject({
        name: 'ExtractionHeldError',
        reason: 'model_unavailable',
        messageId: ids[0],
      });
      expect(await cursorOf(u)).toBeNull();
    }
    // Hanging: the request times out, and the batch is held the same way. (Under Jest's VM the
    // SDK cannot tell its own abort from a lost connection; both hold, neither is a strike.)
    model.setResponder(() => ({ firstDelayMs: 1500 }));
    const hang = await extraction.extract(u).catch((e: unknown) => e);
    expect(hang).toBeInstanceOf(ExtractionHeldError);
    expect(['timeout', 'model_unavailable']).toContain((hang as ExtractionHeldError).reason);
    expect(await cursorOf(u)).toBeNull();
    expect(await memories.current(u)).toEqual([]);

    // Back: one request with the whole batch (never split), every turn extracted.
    model.setResponder(reader);
    const requests = model.requests.length;
    expect(await extraction.extract(u)).toEqual({ batches: 1, applied: 3, dropped: 0, skipped: 0 });
    expect(model.requests.length - requests).toBe(1);
    for (const text of texts) expect(lastPrompt(model.requests.at(-1)!.body)).toContain(text);
    expect(await storedTexts(u)).toEqual([...texts].sort());
    expect(await cursorOf(u)).toBe(ids[2]);

    expect((await endpointFailures()) - before.endpoint).toBe(SPLIT_AFTER + SKIP_AFTER + 2);
    expect(await failures('batch_split')).toBe(before.split);
    expect(await failures('skipped_turn')).toBe(before.skipped);
    expectNoTextIn(texts);
  });

  it('applies the valid operations of an answer and drops only the invalid one', async () => {
    const u = await user();
    const texts = ['My sister Anna is a nurse', 'I am allergic to peanuts'];
    const ids = await say(u, texts);
    const secret = 'Secretly afraid of the dark';
    model.setResponder(() => ({
      pieces: [
        memoryAnswer([
          { text: 'Has a sister, Anna, who is a nurse.', sources: ['t1'], kind: 'person' },
          { text: secret, sources: ['t2'], importance: 7 },
          { text: 'Is allergic to peanuts.', sources: ['t2'] },
        ]),
      ],
    }));
    const dropped = await failures('invalid_operation');
    const warnings = logs.length;

    expect(await extraction.extract(u)).toEqual({ batches: 1, applied: 2, dropped: 1, skipped: 0 });
    expect(await storedTexts(u)).toEqual([
      'Has a sister, Anna, who is a nurse.',
      'Is allergic to peanuts.',
    ]);
    expect(await cursorOf(u)).toBe(ids[1]);
    expect(await failures('invalid_operation')).toBe(dropped + 1);
    const warning = logs
      .slice(warnings)
      .find((l) => l.level === 'warn' && l.line.includes('memory operation dropped'));
    expect(warning?.line).toContain('importance: too_big');
    expect(warning?.line).toContain(ids[1]); // its source turn, by id
    expect(warning?.line).toContain('"operation":1');
    expectNoTextIn([...texts, secret, 'Has a sister', 'allergic to peanuts']);
  });

  it('splits a batch the model keeps rejecting and skips, out loud, only the turn it cannot read', async () => {
    const u = await user();
    const poison = 'Here is the block ⟁⟁⟁ that breaks it';
    const texts = [
      'I grow tomatoes on my balcony',
      'My daughter Lea turned six',
      'I run every Sunday morning',
      poison,
      'I play the cello in a quartet',
      'My dentist appointment is on Friday',
    ];
    const ids = await say(u, texts);
    // Any request that shows the poisonous turn gets a cut-off answer; the rest are read.
    model.setResponder((body) =>
      lastPrompt(body).includes('⟁⟁⟁')
        ? { pieces: ['{"operations": [{"op": "add", "te'] }
        : reader(body),
    );
    const before = {
      split: await failures('batch_split'),
      skipped: await failures('skipped_turn'),
    };
    const cursors: Array<string | null> = [];

    const { holds, result, runs } = await runUntilDone(u, 20, async () => {
      cursors.push(await cursorOf(u));
    });

    expect(result).toMatchObject({ skipped: 1 });
    // Every run but the last was held for the answer, and until the skip the cursor never
    // reached the poisonous turn: the turns before it were applied in halves meanwhile.
    expect(holds.every((h) => h.reason === 'invalid_answer')).toBe(true);
    expect(holds.length).toBe(runs - 1);
    expect(runs).toBeLessThanOrEqual(SPLIT_AFTER + SKIP_AFTER);
    for (const cursor of cursors.slice(0, -1)) expect([null, ...ids.slice(0, 3)]).toContain(cursor);
    expect(cursors.at(-1)).toBe(ids[5]);

    // Every other turn is remembered; the skipped one is named in an error log and counted.
    expect(await storedTexts(u)).toEqual(texts.filter((t) => t !== poison).sort());
    const sources = (await memories.current(u)).flatMap((m) => m.sourceMessageIds);
    expect(sources).not.toContain(ids[3]);
    expect(await failures('skipped_turn')).toBe(before.skipped + 1);
    expect(await failures('batch_split')).toBe(before.split + 1);
    const skippedLog = logs.find((l) => l.level === 'error' && l.line.includes(ids[3]));
    expect(skippedLog?.line).toContain('skipped a turn');
    expectNoTextIn(texts);

    // Nothing is left to read.
    expect(await extraction.extract(u)).toMatchObject({ batches: 0 });
  });

  it('skips nothing while the model answers nothing usable, and extracts it all once it does', async () => {
    const u = await user();
    const texts = ['I moved to Porto last spring', 'My dog Biscuit is nine years old'];
    const ids = await say(u, texts);
    model.setResponder(() => ({ pieces: ['I am sorry, I cannot help with that.'] }));
    const skipped = await failures('skipped_turn');

    const { holds, result } = await runUntilDone(u, 3 * (SPLIT_AFTER + SKIP_AFTER), async () => {
      expect(await cursorOf(u)).toBeNull();
    });
    expect(result).toBeNull();
    expect(holds.every((h) => h.reason === 'invalid_answer' && h.messageId === ids[0])).toBe(true);
    expect(await failures('skipped_turn')).toBe(skipped);
    expect(
      logs.some((l) => l.level === 'error' && l.line.includes('rejects a plain turn too')),
    ).toBe(true);

    model.setResponder(reader);
    const done = await runUntilDone(u, 5);
    expect(done.holds).toEqual([]);
    expect(await storedTexts(u)).toEqual([...texts].sort());
    expect(await cursorOf(u)).toBe(ids[1]);
    expect(await failures('skipped_turn')).toBe(skipped);
  });

  it('tells an endpoint failure (held, no strike) from a refused request (a strike against the batch)', () => {
    const http = (status: number) =>
      APIError.generate(status, { message: 'quoted request text' }, undefined, new Headers());
    expect(failureOf(new APIConnectionTimeoutError())).toEqual({
      reason: 'timeout',
      detail: 'no answer in time',
    });
    expect(failureOf(new APIConnectionError({ message: 'ECONNREFUSED' }))).toEqual({
      reason: 'model_unavailable',
      detail: 'no connection',
    });
    expect(failureOf(http(503))).toEqual({ reason: 'model_unavailable', detail: 'HTTP 503' });
    expect(failureOf(http(429))).toEqual({ reason: 'model_unavailable', detail: 'HTTP 429' });
    expect(failureOf(http(404))).toEqual({ reason: 'model_unavailable', detail: 'HTTP 404' });
    expect(failureOf(http(504))).toEqual({ reason: 'timeout', detail: 'HTTP 504' });
    // vLLM's answer to a prompt longer than the model's context.
    expect(failureOf(http(400))).toEqual({ reason: 'request_rejected', detail: 'HTTP 400' });
  });

  it('observes how old the oldest unread turn is when a batch runs', async () => {
    const u = await user();
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await say(u, ['I went sailing off the coast'], twoHoursAgo);
    const before = await lag();
    await extraction.extract(u);
    const after = await lag();
    expect(after.count - before.count).toBe(1);
    expect(after.sum - before.sum).toBeGreaterThanOrEqual(7200);
    expect(after.sum - before.sum).toBeLessThan(7260);
    // In the 3-hour bucket, not in the 1-hour one.
    expect(after.buckets.get(3600)! - before.buckets.get(3600)!).toBe(0);
    expect(after.buckets.get(3 * 3600)! - before.buckets.get(3 * 3600)!).toBe(1);
  });
});

@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
class MetricsHost {}

/** The other jobs' handlers, which the registry wants before it starts. */
@Injectable()
class OtherJobs implements OnModuleInit {
  constructor(private readonly registry: JobRegistry) {}
  onModuleInit(): void {
    for (const name of Object.values(JobName))
      if (name !== JobName.MemoryExtraction) this.registry.register(name, () => Promise.resolve());
  }
}

const QUICK_RETRY: ExtractionRetry = { attempts: 3, backoffMs: 50, maxBackoffMs: 100 };

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const turnCompleted = (userId: string) => ({
  turnId: `turn-${userId}-${Date.now()}`,
  userId,
  conversationId: 'c',
  replyId: 'r',
  status: 'completed' as const,
  errorCode: null,
  answered: [],
  voice: [],
  droppedTurns: 0,
});

describe.each([
  ['BullMQ on Redis', testRedisUrl()],
  ['in-process (embedded mode)', undefined],
])('the extraction job (%s)', (_name, redisUrl) => {
  let module: TestingModule | null = null;
  const prefixes: string[] = [];

  afterEach(async () => {
    await module?.close();
    module = null;
    captureLogs();
  });
  afterAll(async () => {
    for (const p of prefixes) await deleteKeys(testRedisUrl(), p);
  });

  async function boot(): Promise<{ bus: EventBus; queue: JobQueue }> {
    const prefix = uniquePrefix('memx');
    prefixes.push(prefix);
    @Module({
      imports: [MetricsHost, JobsModule.forRoot({ url: redisUrl, prefix })],
      providers: [
        OtherJobs,
        MemoryExtractionJob,
        { provide: APP_CONFIG, useValue: loadConfig({ MEMORY_EXTRACTION_DELAY_MS: '0' }) },
        { provide: MemoryExtractionService, useValue: extraction },
        { provide: MEMORY_EXTRACTION_RETRY, useValue: QUICK_RETRY },
      ],
    })
    class Host {}
    module = await Test.createTestingModule({ imports: [Host] }).compile();
    captureLogs();
    await module.init();
    return { bus: module.get(EventBus), queue: module.get(JobQueue) };
  }

  it("is retried with backoff, gives up, and the user's next turn queues it again from the same cursor", async () => {
    const { bus, queue } = await boot();
    const u = await user();
    const first = await say(u, ['I collect vintage postcards']);
    model.setResponder(() => ({ status: 503 }));
    const requests = model.requests.length;

    await bus.publish(EventName.TurnCompleted, turnCompleted(u));
    await until(() => model.requests.length - requests >= QUICK_RETRY.attempts);
    await until(async () => (await queue.depth()) === 0);
    expect(model.requests.length - requests).toBe(QUICK_RETRY.attempts);
    expect(await cursorOf(u)).toBeNull();

    // The endpoint is back; the next turn queues the job under the same id, and it reads both.
    model.setResponder(reader);
    const second = await say(u, ['My grandmother taught me to knit']);
    await bus.publish(EventName.TurnCompleted, turnCompleted(u));
    await until(async () => (await cursorOf(u)) === second[0]);
    expect(await storedTexts(u)).toEqual([
      'I collect vintage postcards',
      'My grandmother taught me to knit',
    ]);
    expect(first).toHaveLength(1);
  });
});

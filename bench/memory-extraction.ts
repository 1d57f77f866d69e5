/**
 * npm run bench:memory-extraction [-- --users 200 --messages 40 --concurrency 8]
 *
 * Write throughput of memory extraction with an instant model: --users users with --messages
 * turns each, in a scratch database (DATABASE_URL's server, else an embedded PostgreSQL); every
 * user's extraction runs as the job would (read new turns and current memories, render the
 * prompt, ask the model with a JSON schema, validate, apply the operations and move the cursor in
 * one transaction), --concurrency at a time as the queue worker does. The stand-in model answers
 * each batch at once with three operations (two adds, one supersede when there is a memory to
 * supersede). Prints JSON lines: operations per second, turns read per second, batch latency.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config.js';
import { uuidv7 } from '../src/common/uuid.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { ModelCompletions } from '../src/llm/model-completions.js';
import { startVllmStandIn } from '../src/llm/stand-in/vllm-stand-in.js';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { AffectRepository } from '../src/affect/affect.repository.js';
import { MessageRepository } from '../src/conversation/message.repository.js';
import { MemoryExtractionService } from '../src/memory/memory-extraction.service.js';
import { MemoryRepository } from '../src/memory/memory.repository.js';
import { encodeTerms } from '../src/memory/recall/text-terms.js';
import { Metrics } from '../src/observability/metrics.js';
import { TemplateStore } from '../src/prompting/template-store.js';
import { memoryOperation } from '../test/support/memory-operations.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    messages: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
  },
});
const USERS = Number(args.users);
const PER_USER = Number(args.messages);
const CONCURRENCY = Number(args.concurrency);
const print = (r: object) => console.log(JSON.stringify({ bench: 'memory-extraction', ...r }));

const scratch = await createScratchDatabase('memory_xbench');
const model = await startVllmStandIn({
  model: 'instant',
  responder: (body) => {
    const prompt = body.messages?.at(-1)?.content ?? '';
    const hasMemory = /^m1 /m.test(prompt);
    const op = (o: Record<string, unknown>) =>
      memoryOperation({ importance: 0.5, emotional_intensity: 0.3, ...o });
    const stamp = Math.random().toString(36).slice(2, 8);
    const operations = [
      op({ text: `Mentioned a new thing ${stamp}.`, sources: ['t1', 't2'] }),
      op({
        kind: 'event',
        text: `Something happened on the way home ${stamp}.`,
        about: 'yesterday',
        sources: ['t3'],
      }),
      hasMemory
        ? op({
            op: 'supersede',
            target: 'm1',
            text: `Changed their mind ${stamp}.`,
            sources: ['t4'],
          })
        : op({ text: `Likes tea ${stamp}.` }),
    ];
    return { pieces: [JSON.stringify({ operations })] };
  },
});

try {
  const ds = new DataSource({
    ...dataSourceOptions(scratch.url, CONCURRENCY + 2),
    logger: undefined,
    logging: false,
  });
  await ds.initialize();
  const users = Array.from({ length: USERS }, (_, i) => `xbench-${i}`);
  const conversations = users.map((u) => [uuidv7(), u] as const);
  await ds.query(`INSERT INTO users (id) SELECT unnest($1::varchar[])`, [users]);
  await ds.query(
    `INSERT INTO conversations (id, user_id, last_seq) SELECT unnest($1::uuid[]), unnest($2::varchar[]), $3`,
    [conversations.map((c) => c[0]), users, PER_USER],
  );
  const rows = conversations.flatMap(([conversation, user]) =>
    Array.from({ length: PER_USER }, (_, s) => {
      const text =
        s % 2 === 0
          ? `Today I went to the market with my sister and we talked about her new job, message ${s}.`
          : `That sounds lovely, tell me more about it (${s}).`;
      return [
        uuidv7(Date.now() - (PER_USER - s) * 60_000),
        conversation,
        user,
        s + 1,
        s % 2 === 0 ? 'user' : 'assistant',
        text,
      ] as const;
    }),
  );
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    await ds.query(
      `INSERT INTO messages (id, conversation_id, user_id, seq, role, status, content, search_terms, created_at)
       SELECT id, c, u, s, r, CASE WHEN r = 'user' THEN 'received' ELSE 'completed' END, t, st,
              now() - make_interval(mins => $8 - s)
         FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::int[], $5::varchar[], $6::text[], $7::text[])
           AS x(id, c, u, s, r, t, st)`,
      [
        part.map((r) => r[0]),
        part.map((r) => r[1]),
        part.map((r) => r[2]),
        part.map((r) => r[3]),
        part.map((r) => r[4]),
        part.map((r) => r[5]),
        part.map((r) => encodeTerms(r[5])),
        PER_USER,
      ],
    );
  }
  const config = loadConfig({ MEMORY_BATCH_MESSAGES: '20' });
  const metrics = new Metrics();
  const service = new MemoryExtractionService(
    config,
    new ModelCompletions({ baseUrl: model.url, model: 'instant', timeoutMs: 10_000 }),
    new TemplateStore(resolve(import.meta.dirname, '../prompts'), 'memory/v1'),
    new MessageRepository(ds),
    new MemoryRepository(ds),
    new AffectRepository(ds),
    metrics,
  );
  print({
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    users: USERS,
    turnsPerUser: PER_USER,
    concurrency: CONCURRENCY,
  });

  const queue = [...users];
  const batchMs: number[] = [];
  let applied = 0;
  let batches = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let u = queue.shift(); u; u = queue.shift()) {
        const t = performance.now();
        const result = await service.extract(u);
        batchMs.push((performance.now() - t) / Math.max(1, result.batches));
        applied += result.applied;
        batches += result.batches;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const [{ count }] = await ds.query<Array<{ count: string }>>(`SELECT count(*) FROM memories`);
  batchMs.sort((a, b) => a - b);
  print({
    seconds: Number(seconds.toFixed(2)),
    batches,
    operationsApplied: applied,
    memoriesStored: Number(count),
    operationsPerSec: Math.round(applied / seconds),
    turnsReadPerSec: Math.round((USERS * PER_USER) / seconds),
    batchMsP50: Number(batchMs[batchMs.length >> 1].toFixed(1)),
    batchMsP95: Number(batchMs[Math.floor(batchMs.length * 0.95)].toFixed(1)),
    modelCalls: model.requests.length,
  });
  await ds.destroy();
} finally {
  await model.close();
  await scratch.drop();
}

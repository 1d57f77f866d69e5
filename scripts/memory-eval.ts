/**
 * node --import ./scripts/ts-hooks.mjs scripts/memory-eval.ts FILE [--k 10] [--loo]
 *
 * Recall of the memory layer on LoCoMo-format conversations (FILE: e.g.
 * ../shared/data/locomo/locomo-dev.json; read from there, never copied into the repository).
 *
 * 1. A scratch database `memory_eval_<random>` is created on DATABASE_URL's server (or, when that
 *    is unset, on an embedded PostgreSQL in a temporary folder), migrated with runMigrations, and
 *    dropped at the end.
 * 2. Each sample becomes one user: speaker_a is the user, speaker_b the companion; each session is
 *    a conversation whose messages are the session's turns in order (seq 1..n), created at the
 *    session's date and time plus 30 s per turn (so they sort), content = text plus
 *    ` [photo: blip_caption]` for image turns. Inserted with plain SQL. The model-made
 *    `observation`, `session_summary` and `event_summary` are not used.
 * 3. Every question of categories 1-4 with evidence is asked through RecallService (the service's
 *    path: the DB read of the user's candidates, then ranking) at one hour after the last session.
 *    Evidence ids are normalised (the file has "D8:6; D9:17" and "D:11:26"); ids that name no turn
 *    are dropped, and questions left without evidence are skipped.
 * 4. recall@k: the fraction of a question's evidence turns among the source messages of the top k
 *    items, averaged over questions. recallAtBudget: the same for the items selected within the
 *    1,500-token budget. tokensAt10: mean Qwen tokens of the top 10 items. p50Ms/p95Ms: wall time
 *    of each recall call, DB read included.
 *
 * Prints one JSON object. With --loo it also prints leave-one-sample-out figures: for each sample,
 * the parameters are chosen on the other samples from a small grid (best recall within the
 * budget, among settings whose tokensAt10 stays within the budget), then measured on it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../src/common/uuid.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { recall } from '../src/memory/recall/recall.js';
import type { Speakers } from '../src/memory/recall/recall-corpus.js';
import {
  recallParams,
  type RecallParams,
  type RecallParamsOverrides,
} from '../src/memory/recall/recall-params.js';
import { MessageRepository } from '../src/conversation/message.repository.js';
import { RecallTurns } from '../src/memory/recall/recall-turns.js';
import { RecallService } from '../src/memory/recall/recall.service.js';
import type { RecallItem, RecallResult, TurnRecord } from '../src/memory/recall/recall.types.js';
import { textTerms } from '../src/memory/recall/text-terms.js';
import { createScratchDatabase } from './scratch-database.js';
import { QwenTokenizer } from '../src/prompting/qwen-tokenizer.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { k: { type: 'string', default: '10' }, loo: { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  console.error('usage: memory-eval.ts FILE [--k 10] [--loo]');
  process.exit(2);
}
const K = Number(args.k);

interface LocomoTurn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}
interface LocomoSample {
  sample_id: string;
  conversation: Record<string, unknown> & { speaker_a: string; speaker_b: string };
  qa: Array<{ question: string; evidence: string[]; category: number }>;
}

/** One question ready to ask: the user, and the message ids of its evidence turns. */
interface Question {
  sample: string;
  category: number;
  userId: string;
  text: string;
  at: Date;
  evidence: string[];
  speakers: Speakers;
}

interface Scores {
  recallAt: Record<number, number>;
  tokensAt10: number;
  tokensAtK: number;
  recallAtBudget: number;
}

const DEPTHS = [...new Set([5, 10, 20, K])].sort((a, b) => a - b);

function parseSessionDate(text: string): Date {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm) on (\d{1,2}) (\w+),? (\d{4})/i.exec(text);
  if (!m) throw new Error(`unreadable session date: ${text}`);
  const month = new Date(`${m[5]} 1, 2000 UTC`).getUTCMonth();
  const hour = (Number(m[1]) % 12) + (m[3].toLowerCase() === 'pm' ? 12 : 0);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2])));
}

function sessionKeys(conversation: LocomoSample['conversation']): string[] {
  return Object.keys(conversation)
    .filter((k) => /^session_\d+$/.test(k))
    .sort((a, b) => Number(a.split('_')[1]) - Number(b.split('_')[1]));
}

/** Loads one sample as one user's history; returns its questions with evidence as message ids. */
async function loadSample(client: pg.Client, sample: LocomoSample): Promise<Question[]> {
  const c = sample.conversation;
  const userId = `locomo-${sample.sample_id}`;
  await client.query('INSERT INTO users (id) VALUES ($1)', [userId]);
  const messageIdOf = new Map<string, string>();
  const rows = {
    id: [] as string[],
    conversation: [] as string[],
    seq: [] as number[],
    role: [] as string[],
    status: [] as string[],
    content: [] as string[],
    createdAt: [] as string[],
  };
  let lastAt = 0;
  for (const key of sessionKeys(c)) {
    const turns = c[key] as LocomoTurn[];
    if (turns.length === 0) continue;
    const start = parseSessionDate(c[`${key}_date_time`] as string).getTime();
    const conversationId = uuidv7(start);
    const lastTurnAt = new Date(start + 30_000 * (turns.length - 1));
    await client.query(
      `INSERT INTO conversations (id, user_id, last_seq, message_count, last_message_at, created_at)
       VALUES ($1, $2, $3, $3, $4, $5)`,
      [conversationId, userId, turns.length, lastTurnAt, new Date(start)],
    );
    turns.forEach((turn, i) => {
      const at = start + 30_000 * i;
      const id = uuidv7(at);
      const user = turn.speaker === c.speaker_a;
      messageIdOf.set(turn.dia_id, id);
      rows.id.push(id);
      rows.conversation.push(conversationId);
      rows.seq.push(i + 1);
      rows.role.push(user ? 'user' : 'assistant');
      rows.status.push(user ? 'received' : 'completed');
      rows.content.push(
        turn.blip_caption ? `${turn.text} [photo: ${turn.blip_caption}]` : turn.text,
      );
      rows.createdAt.push(new Date(at).toISOString());
      lastAt = Math.max(lastAt, at);
    });
  }
  await client.query(
    `INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, status, content, created_at)
     SELECT id, conv, $1, seq, role, 'text', status, content, created_at
       FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::varchar[], $6::varchar[], $7::text[],
                   $8::timestamptz[]) AS t(id, conv, seq, role, status, content, created_at)`,
    [
      userId,
      rows.id,
      rows.conversation,
      rows.seq,
      rows.role,
      rows.status,
      rows.content,
      rows.createdAt,
    ],
  );
  const at = new Date(lastAt + 3_600_000);
  const speakers = { user: c.speaker_a, assistant: c.speaker_b };
  return sample.qa
    .filter((q) => q.category >= 1 && q.category <= 4)
    .map((q) => ({
      sample: sample.sample_id,
      category: q.category,
      userId,
      text: q.question,
      at,
      speakers,
      evidence: [
        ...new Set(
          q.evidence
            .flatMap((e) => e.split(/[;,\s]+/))
            .map((e) => e.replace(/^D:/, 'D'))
            .map((e) => messageIdOf.get(e))
            .filter((id): id is string => id !== undefined),
        ),
      ],
    }))
    .filter((q) => q.evidence.length > 0);
}

function covered(items: readonly RecallItem[], evidence: readonly string[]): number {
  const ids = new Set(items.flatMap((i) => i.sourceMessageIds));
  return evidence.filter((e) => ids.has(e)).length / evidence.length;
}

function score(result: RecallResult, evidence: readonly string[]): Scores {
  const tokens = (n: number) => result.ranked.slice(0, n).reduce((sum, i) => sum + i.tokens, 0);
  return {
    recallAt: Object.fromEntries(
      DEPTHS.map((k) => [k, covered(result.ranked.slice(0, k), evidence)]),
    ),
    tokensAt10: tokens(10),
    tokensAtK: tokens(K),
    recallAtBudget: covered(result.selected, evidence),
  };
}

function mean(scores: readonly Scores[]): Scores {
  const avg = (f: (s: Scores) => number) => scores.reduce((a, s) => a + f(s), 0) / scores.length;
  return {
    recallAt: Object.fromEntries(DEPTHS.map((k) => [k, avg((s) => s.recallAt[k])])),
    tokensAt10: avg((s) => s.tokensAt10),
    tokensAtK: avg((s) => s.tokensAtK),
    recallAtBudget: avg((s) => s.recallAtBudget),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const r3 = (x: number) => Number(x.toFixed(3));

function report(n: number, s: Scores): Record<string, number> {
  const out: Record<string, number> = {
    questions: n,
    recallAt5: r3(s.recallAt[5]),
    recallAt10: r3(s.recallAt[10]),
    recallAt20: r3(s.recallAt[20]),
    tokensAt10: Math.round(s.tokensAt10),
    recallAtBudget: r3(s.recallAtBudget),
  };
  if (![5, 10, 20].includes(K)) {
    out[`recallAt${K}`] = r3(s.recallAt[K]);
    out[`tokensAt${K}`] = Math.round(s.tokensAtK);
  }
  return out;
}

/** The grid leave-one-out chooses from: the parameters that shape what is recalled. */
const GRID: RecallParamsOverrides[] = [];
for (const windowRadius of [0, 1, 2]) {
  for (const feedback of [0, 0.3, 0.6]) {
    for (const date of [0, 0.5, 1]) {
      for (const recency of [0, 0.05, 0.1]) {
        GRID.push({ windowRadius, feedback: { weight: feedback }, weights: { date, recency } });
      }
    }
  }
}

function describe(o: RecallParamsOverrides): string {
  return `radius=${o.windowRadius} feedback=${o.feedback?.weight} date=${o.weights?.date} recency=${o.weights?.recency}`;
}

async function main(): Promise<void> {
  const samples = JSON.parse(readFileSync(positionals[0], 'utf8')) as LocomoSample[];
  const log = (m: string) => console.error(m);
  const scratch = await createScratchDatabase('memory_eval', { log });
  const url = scratch.url;
  let ds: DataSource | null = null;
  try {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const loadStarted = performance.now();
    const questions: Question[] = [];
    try {
      for (const sample of samples) questions.push(...(await loadSample(client, sample)));
    } finally {
      await client.end();
    }
    log(
      `loaded ${samples.length} samples, ${questions.length} questions in ${Math.round(performance.now() - loadStarted)} ms`,
    );

    ds = new DataSource({ ...dataSourceOptions(url, 4), logger: undefined, logging: false });
    await ds.initialize();
    const repository = new RecallTurns(new MessageRepository(ds));
    const tokenizer = new QwenTokenizer();
    const service = new RecallService(repository, tokenizer);
    // Warm up (JIT, connection pool, tokenizer) so the first question's latency is not the load's.
    for (const q of questions.slice(0, 20)) {
      await service.recall({
        userId: q.userId,
        query: { text: q.text, at: q.at },
        speakers: q.speakers,
      });
    }

    const scores: Scores[] = [];
    const latencies: number[] = [];
    const reads: number[] = [];
    let lineCountMismatches = 0;
    let lineCountChecked = 0;
    for (const q of questions) {
      const started = performance.now();
      const result = await service.recall({
        userId: q.userId,
        query: { text: q.text, at: q.at },
        speakers: q.speakers,
        limit: Math.max(20, K),
      });
      latencies.push(performance.now() - started);
      reads.push(result.timings.readMs);
      scores.push(score(result, q.evidence));
      // Items are counted line by line (cacheable); check that this is the whole text's count.
      for (const item of result.ranked.slice(0, 10)) {
        lineCountChecked++;
        if (tokenizer.count(item.text) !== item.tokens) lineCountMismatches++;
      }
    }
    latencies.sort((a, b) => a - b);
    reads.sort((a, b) => a - b);
    const byCategory = [1, 2, 3, 4].map((c) => {
      const of = scores.filter((_s, i) => questions[i].category === c);
      return `${c}: ${r3(mean(of).recallAt[10])} (${of.length})`;
    });
    log(
      `DB read p50 ${r3(quantile(reads, 0.5))} ms, p95 ${r3(quantile(reads, 0.95))} ms; ` +
        `recall@10 by category ${byCategory.join(', ')}; items whose line-wise token count ` +
        `differs from the whole text's: ${lineCountMismatches} of ${lineCountChecked}`,
    );
    console.log(
      JSON.stringify({
        ...report(questions.length, mean(scores)),
        p50Ms: r3(quantile(latencies, 0.5)),
        p95Ms: r3(quantile(latencies, 0.95)),
      }),
    );

    if (args.loo) {
      const turnsOf = new Map<string, TurnRecord[]>();
      for (const q of questions) {
        if (turnsOf.has(q.userId)) continue;
        // Terms computed once, as the stored-terms column would give them (same function).
        const turns = await repository.turnsForRecall(q.userId, q.at);
        turnsOf.set(
          q.userId,
          turns.map((t) => ({ ...t, terms: textTerms(t.content) })),
        );
      }
      console.log(JSON.stringify(leaveOneOut(questions, turnsOf, tokenizer)));
    }
  } finally {
    await ds?.destroy().catch(() => undefined);
    await scratch.drop();
  }
}

/**
 * For each sample: the grid setting with the best recall within the budget on the *other*
 * samples (tokensAt10 within the budget), measured on this sample. Candidates come from the
 * database once; the grid runs the pure recall function over them.
 */
function leaveOneOut(
  questions: readonly Question[],
  turnsOf: ReadonlyMap<string, TurnRecord[]>,
  tokenizer: QwenTokenizer,
): Record<string, unknown> {
  const tokenCache = new Map<string, number>();
  const countTokens = (text: string) => {
    let n = tokenCache.get(text);
    if (n === undefined) tokenCache.set(text, (n = tokenizer.count(text)));
    return n;
  };
  const run = (params: RecallParams, q: Question) =>
    score(
      recall({
        query: { text: q.text, at: q.at },
        turns: turnsOf.get(q.userId)!,
        speakers: q.speakers,
        countTokens,
        params,
        limit: Math.max(20, K),
      }),
      q.evidence,
    );
  const samples = [...new Set(questions.map((q) => q.sample))];
  // grid x sample -> per-question scores
  const table = GRID.map((overrides) => {
    const params = recallParams(overrides);
    return new Map(
      samples.map((s) => [s, questions.filter((q) => q.sample === s).map((q) => run(params, q))]),
    );
  });
  const budget = recallParams().budgetTokens;
  const heldOut: Scores[] = [];
  const chosen: Record<string, string> = {};
  for (const s of samples) {
    let best = -1;
    let bestValue = -Infinity;
    table.forEach((bySample, g) => {
      const train = mean(samples.filter((o) => o !== s).flatMap((o) => bySample.get(o)!));
      if (train.tokensAt10 <= budget && train.recallAtBudget > bestValue) {
        bestValue = train.recallAtBudget;
        best = g;
      }
    });
    chosen[s] = describe(GRID[best]);
    heldOut.push(...table[best].get(s)!);
  }
  // How each part adds up, over all samples: grid rows, from plain turns to the defaults.
  const steps: Array<[string, RecallParamsOverrides]> = [
    [
      'single turns',
      { windowRadius: 0, feedback: { weight: 0 }, weights: { date: 0, recency: 0 } },
    ],
    [
      '+ windows of 3 turns',
      { windowRadius: 1, feedback: { weight: 0 }, weights: { date: 0, recency: 0 } },
    ],
    [
      '+ query expansion',
      { windowRadius: 1, feedback: { weight: 0.3 }, weights: { date: 0, recency: 0 } },
    ],
    [
      '+ date matching',
      { windowRadius: 1, feedback: { weight: 0.3 }, weights: { date: 0.5, recency: 0 } },
    ],
    [
      '+ recency (the defaults)',
      { windowRadius: 1, feedback: { weight: 0.3 }, weights: { date: 0.5, recency: 0.05 } },
    ],
  ];
  const ablation = Object.fromEntries(
    steps.map(([name, overrides]) => {
      const g = GRID.findIndex((o) => describe(o) === describe(overrides));
      return [name, report(questions.length, mean(samples.flatMap((s) => table[g].get(s)!)))];
    }),
  );
  const defaults = recallParams();
  const perSample = Object.fromEntries(
    samples.map((s) => {
      const qs = questions.filter((q) => q.sample === s);
      return [s, report(qs.length, mean(qs.map((q) => run(defaults, q))))];
    }),
  );
  return {
    leaveOneOut: report(heldOut.length, mean(heldOut)),
    chosen,
    defaultsPerSample: perSample,
    ablation,
  };
}

await main();

/**
 * npm run -s bench:output-check [-- --replies 400] [-- --rounds 5]
 *
 * What the output check (src/safety/output/) adds to a streamed reply, in process. Replies are
 * realistic: 3-9 sentences (about 150-1000 characters) drawn from the labelled lines that pass
 * (test/fixtures/safety-output, label none: crisis support, news, idioms, romance, everyday),
 * English and Chinese, plus a few long ones without a stop (the held-text limit cuts them). The
 * check never stops on them, so every sentence is judged in full: the worst case. They are cut
 * into pieces of 3-5 characters, as a model's tokens arrive, and pushed one by one under the
 * adult and the minor policy (which has more rules), then flushed. A few of these replies are
 * blocked all the same (`repliesBlocked`): a cue in one sentence meets a phrase in the one before
 * it (the check's context), which none of the single lines shows.
 *
 * The same pieces go through the pass-through check in the same run: the baseline. Timed:
 * - per push (a token): wall time of each `push` call;
 * - per reply: all pushes and the flush, against the pass-through baseline (added ms and ratio);
 * - throughput: characters a second through the check.
 *
 * Prints JSON lines: the machine (with its load: other processes show up in the tail), the
 * inputs, then per policy the figures (medians over rounds of each round's percentile).
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createOutputCheck } from '../src/safety/output/output-check.js';
import type { OutputPolicy } from '../src/safety/output/output-policy.js';
import { seededRandom } from '../src/common/seeded-random.js';
import { cutPieces, loadReplySet, type LabelledReply } from '../src/safety/output/reply-set.js';
import { passThrough, type OutputCheck } from '../src/turn/output-check.js';

const { values: args } = parseArgs({
  options: {
    replies: { type: 'string', default: '400' },
    rounds: { type: 'string', default: '5' },
  },
});
const REPLIES = Number(args.replies);
const ROUNDS = Number(args.rounds);
const fixtures = resolve(import.meta.dirname, '../test/fixtures/safety-output');

const print = (record: object): void =>
  console.log(JSON.stringify({ bench: 'output-check', ...record }));

interface Reply {
  text: string;
  pieces: string[];
}

/** Replies of 3-9 passing lines of one language, and one long line without a stop in 20. */
function buildReplies(count: number): Reply[] {
  const lines = ['replies.jsonl', 'replies-holdout.jsonl', 'replies-holdout-2.jsonl']
    .flatMap((f) => loadReplySet(resolve(fixtures, f)))
    .filter((r) => r.label === 'none');
  const byLang = (lang: LabelledReply['lang']) =>
    lines.filter((r) => r.lang === lang && adultAndMinorPass(r.text)).map((r) => r.text);
  const pools = { en: byLang('en'), zh: byLang('zh') };
  const random = seededRandom(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const replies: Reply[] = [];
  for (let i = 0; i < count; i++) {
    const lang = random() < 0.6 ? 'en' : 'zh';
    let text: string;
    if (i % 20 === 19) {
      text =
        lang === 'en'
          ? 'and then we just kept walking along the river talking about everything, '.repeat(8)
          : '然后我们就一直沿着河边走，一边走一边聊，聊了很多很多，'.repeat(8);
    } else {
      const n = 3 + Math.floor(random() * 7);
      const parts: string[] = [];
      for (let k = 0; k < n; k++) parts.push(pick(pools[lang]));
      text = parts.join(lang === 'en' ? ' ' : '');
    }
    replies.push({ text, pieces: cutPieces(text, random, 3, 5) });
  }
  return replies;
}

/** Only lines that pass under both policies (so no reply stops early). */
function adultAndMinorPass(text: string): boolean {
  return [false, true].every((minor) => {
    const check = createOutputCheck({ minor });
    check.push(text);
    check.flush();
    return check.blocked === null;
  });
}

interface RoundResult {
  pushMs: number[];
  replyMs: number[];
  baselineReplyMs: number[];
  chars: number;
  checkMs: number;
  blocked: number;
}

/** Streams every reply through a fresh check and through pass-through, alternately. */
function round(replies: readonly Reply[], policy: OutputPolicy): RoundResult {
  const pushMs: number[] = [];
  const replyMs: number[] = [];
  const baselineReplyMs: number[] = [];
  let chars = 0;
  let checkMs = 0;
  let blocked = 0;
  for (const reply of replies) {
    baselineReplyMs.push(streamThrough(passThrough(), reply.pieces, null));
    const check = createOutputCheck(policy);
    const ms = streamThrough(check, reply.pieces, pushMs);
    if (check.blocked) blocked++;
    replyMs.push(ms);
    checkMs += ms;
    chars += reply.text.length;
  }
  return { pushMs, replyMs, baselineReplyMs, chars, checkMs, blocked };
}

let sink = 0;

/** Wall time of all pushes and the flush; each push's time goes to `pushMs` when given. */
function streamThrough(check: OutputCheck, pieces: readonly string[], pushMs: number[] | null) {
  const started = performance.now();
  let out = 0;
  for (const piece of pieces) {
    if (pushMs) {
      const t = performance.now();
      out += check.push(piece).length;
      pushMs.push(performance.now() - t);
    } else {
      out += check.push(piece).length;
    }
  }
  out += check.flush().length;
  sink += out;
  return performance.now() - started;
}

function percentile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const median = (xs: readonly number[]): number => percentile(xs, 0.5);
const fixed = (x: number, digits = 4): number => Number(x.toFixed(digits));

function bench(replies: readonly Reply[], policy: OutputPolicy): void {
  const rounds = Array.from({ length: ROUNDS }, () => round(replies, policy));
  const over = (f: (r: RoundResult) => number) => fixed(median(rounds.map(f)));
  const added = (r: RoundResult) => r.replyMs.map((ms, i) => ms - r.baselineReplyMs[i]);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  print({
    policy: policy.minor ? 'minor' : 'adult',
    rounds: ROUNDS,
    replies: replies.length,
    repliesBlocked: rounds[0].blocked,
    perPush: {
      pushes: rounds[0].pushMs.length,
      meanUs: fixed(median(rounds.map((r) => (sum(r.pushMs) / r.pushMs.length) * 1000)), 2),
      p50Us: fixed(median(rounds.map((r) => percentile(r.pushMs, 0.5) * 1000)), 2),
      p99Us: fixed(median(rounds.map((r) => percentile(r.pushMs, 0.99) * 1000)), 2),
      maxUs: fixed(Math.max(...rounds.map((r) => Math.max(...r.pushMs))) * 1000, 2),
    },
    perReply: {
      p50Ms: over((r) => percentile(r.replyMs, 0.5)),
      p99Ms: over((r) => percentile(r.replyMs, 0.99)),
      baselineP50Ms: over((r) => percentile(r.baselineReplyMs, 0.5)),
      baselineP99Ms: over((r) => percentile(r.baselineReplyMs, 0.99)),
      addedP50Ms: over((r) => percentile(added(r), 0.5)),
      addedP99Ms: over((r) => percentile(added(r), 0.99)),
      ratioToPassThrough: fixed(
        median(rounds.map((r) => r.checkMs / Math.max(1e-9, sum(r.baselineReplyMs)))),
        1,
      ),
    },
    throughput: {
      charsPerSecond: Math.round(median(rounds.map((r) => r.chars / (r.checkMs / 1000)))),
      passThroughCharsPerSecond: Math.round(
        median(rounds.map((r) => r.chars / (sum(r.baselineReplyMs) / 1000))),
      ),
    },
  });
}

function main(): void {
  print({
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverage1m: Number(loadavg()[0].toFixed(2)),
    },
  });
  const replies = buildReplies(REPLIES);
  const lengths = replies.map((r) => r.text.length);
  print({
    inputs: {
      replies: replies.length,
      chineseReplies: replies.filter((r) => /[\u4e00-\u9fff]/.test(r.text)).length,
      replyChars: {
        min: Math.min(...lengths),
        p50: percentile(lengths, 0.5),
        max: Math.max(...lengths),
      },
      pieceChars: '3-5',
      pieces: replies.reduce((n, r) => n + r.pieces.length, 0),
    },
  });
  // Warm-up (JIT) under both policies before either is timed.
  for (const minor of [false, true]) round(replies, { minor });
  bench(replies, { minor: false });
  bench(replies, { minor: true });
  if (sink < 0) console.log(sink); // keeps the released text alive
}

main();

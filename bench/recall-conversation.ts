/**
 * npm run bench:recall-conversation [-- --turns 2500 --every 5]
 *
 * What recall costs one user as their history grows, with what RecallService keeps from one call
 * to the next (its RecallMemo: each past turn's dates and rendered text) and without it, in the
 * same process and the same run: one user talks (synthetic text: English, Chinese or both, with
 * the relative dates people use, bench/synthetic-text.ts) for --turns messages, a companion's
 * reply after each; every --every messages recall runs for the next message, once with the memo
 * and once without, alternating which goes first. Both count tokens with the real Qwen tokenizer
 * through the same line cache, as the service does; terms come stored, as the service reads them.
 * Pure recall (ranking, date matching, rendering, token counts): no database read.
 * Prints one JSON line per history band (CPU ms per recall, p50 and p95, both ways, and the
 * ratio) and one with the machine.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { cachedTokenCounter } from '../src/memory/recall/token-count-cache.js';
import { recall, type RecallInput } from '../src/memory/recall/recall.js';
import { recallMemo } from '../src/memory/recall/recall-memo.js';
import { textTerms } from '../src/memory/recall/text-terms.js';
import type { TurnRecord } from '../src/memory/recall/recall.types.js';
import { QwenTokenizer } from '../src/prompting/qwen-tokenizer.js';
import { syntheticText, type Lang } from './synthetic-text.js';

const { values: args } = parseArgs({
  options: {
    turns: { type: 'string', default: '2500' },
    every: { type: 'string', default: '5' },
  },
});
const TURNS = Number(args.turns);
const EVERY = Number(args.every);
if (!(TURNS >= 20) || !(EVERY >= 1))
  throw new Error('--turns must be at least 20, --every at least 1');
/** Histories shorter than the first are the warm-up: measured both ways, not reported. */
const BANDS = [50, 200, 500, 1000, 2500, 5000, Infinity];
const HOUR = 3_600_000;

const text = syntheticText(20_261_204);
const tokenizer = new QwenTokenizer();
await tokenizer.ready();
const countTokens = cachedTokenCounter((t) => tokenizer.count(t));
const memo = recallMemo();
const speakers = { user: 'Ann', assistant: 'Kai' };

/** The user's language for this message: the users of the other bench, one after another. */
const langOf = (i: number): Lang => (['en', 'en', 'en', 'zh', 'zh', 'mixed'] as const)[i % 6];

const turns: TurnRecord[] = [];
const samples = new Map<number, { memo: number[]; plain: number[] }>();
const cpuMs = (run: () => void): number => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const start = Date.parse('2026-01-05T19:00:00Z');
let conversation = 0;
for (let i = 0; i < TURNS; i++) {
  // A conversation of 20 messages, each 3 hours after the one before.
  if (i % 20 === 0) conversation++;
  const at = new Date(start + i * 3 * HOUR);
  const lang = langOf(conversation);
  const content =
    i % 7 === 3 ? text.question(lang === 'mixed' ? 'en' : lang) : text.message(lang, 'user');
  if (i > 0 && i % EVERY === 0) {
    const input: RecallInput = {
      query: { text: content, at, affect: null, timeZone: 'Europe/Berlin' },
      turns,
      speakers,
      countTokens,
      exclude: { conversationId: `c${conversation}`, fromSeq: 1 },
    };
    const band = BANDS.findIndex((b) => turns.length < b) - 1;
    const s = samples.get(band) ?? { memo: [], plain: [] };
    if (band >= 0) samples.set(band, s);
    const withMemo = () => s.memo.push(cpuMs(() => recall({ ...input, memo })));
    const plain = () => s.plain.push(cpuMs(() => recall(input)));
    if ((i / EVERY) % 2) {
      withMemo();
      plain();
    } else {
      plain();
      withMemo();
    }
  }
  const seq = (i % 20) * 2;
  for (const [role, body, offset] of [
    ['user', content, 0],
    ['assistant', text.message(lang, 'assistant'), 20_000],
  ] as const) {
    turns.push({
      messageId: `m${turns.length}`,
      conversationId: `c${conversation}`,
      seq: seq + (role === 'user' ? 1 : 2),
      role,
      content: body,
      createdAt: new Date(at.getTime() + offset),
      terms: textTerms(body),
    });
  }
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2));
};
for (const [band, s] of [...samples].sort((a, b) => a[0] - b[0])) {
  const p50 = { memo: q(s.memo, 0.5), plain: q(s.plain, 0.5) };
  console.log(
    JSON.stringify({
      bench: 'recall-conversation',
      pastTurns: `${BANDS[band]}-${BANDS[band + 1] === Infinity ? '' : BANDS[band + 1] - 1}`,
      recalls: s.memo.length,
      cpuMsP50: p50,
      cpuMsP95: { memo: q(s.memo, 0.95), plain: q(s.plain, 0.95) },
      plainOverMemoP50: Number((p50.plain / p50.memo).toFixed(2)),
    }),
  );
}
console.log(
  JSON.stringify({
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model.split(' ').slice(0, 2).join(' '),
      memGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
    },
  }),
);
tokenizer.onModuleDestroy();

/**
 * The output check on the labelled reply sets, per category and language.
 *
 *   npm run -s safety:output-eval [-- --seed 1] [-- --json] [-- --set path.jsonl ...]
 *
 * Every line is streamed through createOutputCheck in seeded pieces of 3-12 characters under
 * its own policy (`minor`), exactly as the unit test does. Per set it prints, for each category
 * and language: the lines so labelled, recall (blocked under that category), precision (of the
 * lines blocked under that category, those labelled so), then the hard negatives and everyday
 * lines blocked, and every miss: a harmful line let through or blocked under another category,
 * a line labelled none that was blocked (with the rule's code).
 *
 * Sets by default: test/fixtures/safety-output/replies.jsonl (the tuning set, optimistic) and
 * the held-out replies-holdout.jsonl, replies-holdout-2.jsonl and replies-holdout-3.jsonl. `--json` prints one JSON
 * object instead of the tables.
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OUTPUT_CATEGORIES, type OutputCategory } from '../src/safety/output/output-policy.js';
import {
  loadReplySet,
  scoreReplySet,
  type ReplyResult,
  type SetScore,
} from '../src/safety/output/reply-set.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true },
  },
});

const fixtures = resolve(import.meta.dirname, '../test/fixtures/safety-output');
const SETS = args.set?.length
  ? args.set.map((p) => resolve(p))
  : [
      'replies.jsonl',
      'replies-holdout.jsonl',
      'replies-holdout-2.jsonl',
      'replies-holdout-3.jsonl',
    ].map((f) => resolve(fixtures, f));
const LANGS = ['en', 'zh'] as const;

interface CategoryRow {
  category: OutputCategory;
  lang: 'en' | 'zh' | 'all';
  labelled: number;
  /** Labelled lines blocked under their own category. */
  found: number;
  /** Lines blocked under this category, whatever their label. */
  flagged: number;
  recall: number | null;
  precision: number | null;
}

interface NegativeRow {
  lang: 'en' | 'zh' | 'all';
  hardNegatives: number;
  hardBlocked: number;
  falsePositiveRate: number | null;
  everyday: number;
  everydayBlocked: number;
}

interface Miss {
  kind: 'missed' | 'wrong_category' | 'false_positive';
  label: string;
  got: string | null;
  code: string | null;
  sentence: number | null;
  lang: string;
  minor: boolean;
  replyKind: string;
  text: string;
}

function rate(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

function categoryRows(results: ReplyResult[]): CategoryRow[] {
  const rows: CategoryRow[] = [];
  for (const category of OUTPUT_CATEGORIES) {
    for (const lang of [...LANGS, 'all'] as const) {
      const inLang = results.filter((r) => lang === 'all' || r.reply.lang === lang);
      const labelled = inLang.filter((r) => r.reply.label === category);
      const flagged = inLang.filter((r) => r.blocked?.category === category);
      const found = labelled.filter((r) => r.blocked?.category === category);
      if (labelled.length === 0 && flagged.length === 0) continue;
      rows.push({
        category,
        lang,
        labelled: labelled.length,
        found: found.length,
        flagged: flagged.length,
        recall: rate(found.length, labelled.length),
        precision: rate(found.length, flagged.length),
      });
    }
  }
  return rows;
}

function negativeRows(results: ReplyResult[]): NegativeRow[] {
  return ([...LANGS, 'all'] as const).map((lang) => {
    const none = results.filter(
      (r) => r.reply.label === 'none' && (lang === 'all' || r.reply.lang === lang),
    );
    const hard = none.filter((r) => r.reply.kind !== 'everyday');
    const everyday = none.filter((r) => r.reply.kind === 'everyday');
    const hardBlocked = hard.filter((r) => r.blocked).length;
    return {
      lang,
      hardNegatives: hard.length,
      hardBlocked,
      falsePositiveRate: rate(hardBlocked, hard.length),
      everyday: everyday.length,
      everydayBlocked: everyday.filter((r) => r.blocked).length,
    };
  });
}

function misses(results: ReplyResult[]): Miss[] {
  const out: Miss[] = [];
  for (const { reply, blocked } of results) {
    let kind: Miss['kind'] | null = null;
    if (reply.label === 'none') kind = blocked ? 'false_positive' : null;
    else if (!blocked) kind = 'missed';
    else if (blocked.category !== reply.label) kind = 'wrong_category';
    if (!kind) continue;
    out.push({
      kind,
      label: reply.label,
      got: blocked?.category ?? null,
      code: blocked?.code ?? null,
      sentence: blocked?.sentence ?? null,
      lang: reply.lang,
      minor: reply.minor,
      replyKind: reply.kind,
      text: reply.text,
    });
  }
  return out;
}

function summary(score: SetScore) {
  return {
    lines: score.results.length,
    harmful: score.harmful,
    caught: score.caught,
    rightCategory: score.rightCategory,
    recall: score.recall,
    categoryAccuracy: score.categoryAccuracy,
    hardNegatives: score.hardNegatives,
    hardNegativesBlocked: score.hardNegativesBlocked,
    falsePositiveRate: score.falsePositiveRate,
    everyday: score.everyday,
    everydayBlocked: score.everydayBlocked,
  };
}

const seed = Number(args.seed);
const report = SETS.map((path) => {
  const score = scoreReplySet(loadReplySet(path), seed);
  return {
    set: basename(path),
    summary: summary(score),
    categories: categoryRows(score.results),
    negatives: negativeRows(score.results),
    misses: misses(score.results),
  };
});

if (args.json) {
  console.log(JSON.stringify({ seed, sets: report }, null, 2));
} else {
  const pct = (x: number | null) =>
    x === null ? '   -  ' : `${(x * 100).toFixed(1).padStart(5)}%`;
  for (const r of report) {
    const s = r.summary;
    console.log(`\n== ${r.set} (${s.lines} lines, seed ${seed})`);
    console.log(
      `harmful ${s.caught}/${s.harmful} blocked (recall ${pct(s.recall)}), ` +
        `${s.rightCategory} under their own label (${pct(s.categoryAccuracy)}); ` +
        `hard negatives blocked ${s.hardNegativesBlocked}/${s.hardNegatives} ` +
        `(${pct(s.falsePositiveRate)}), everyday blocked ${s.everydayBlocked}/${s.everyday}`,
    );
    console.log(
      `\n${'category'.padEnd(26)}${'lang'.padEnd(5)}${'lines'.padStart(6)}${'found'.padStart(6)}` +
        `${'flagged'.padStart(8)}${'recall'.padStart(9)}${'precision'.padStart(10)}`,
    );
    for (const c of r.categories) {
      console.log(
        `${c.category.padEnd(26)}${c.lang.padEnd(5)}${String(c.labelled).padStart(6)}` +
          `${String(c.found).padStart(6)}${String(c.flagged).padStart(8)}` +
          `${pct(c.recall).padStart(9)}${pct(c.precision).padStart(10)}`,
      );
    }
    console.log(
      `\n${'none'.padEnd(26)}${'lang'.padEnd(5)}  hard  blocked      FP  everyday  blocked`,
    );
    for (const n of r.negatives) {
      console.log(
        `${''.padEnd(26)}${n.lang.padEnd(5)}${String(n.hardNegatives).padStart(6)}` +
          `${String(n.hardBlocked).padStart(9)}${pct(n.falsePositiveRate).padStart(8)}` +
          `${String(n.everyday).padStart(10)}${String(n.everydayBlocked).padStart(9)}`,
      );
    }
    console.log(`\nmisses: ${r.misses.length}`);
    for (const m of r.misses) {
      const got = m.got ? `${m.got}/${m.code} at sentence ${m.sentence}` : 'passed';
      const who = m.minor ? 'minor' : 'adult';
      console.log(`- ${m.kind} [${m.lang}, ${who}, ${m.replyKind}] ${m.label} -> ${got}`);
      console.log(`    ${m.text}`);
    }
  }
}

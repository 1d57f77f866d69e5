/**
 * Scores detectForget on a labelled set of chat messages.
 *
 *   npm run -s memory:forget-eval [-- --file PATH]
 *
 * PATH is JSON lines `{"text", "lang", "label", "topic"?}` with label last, topic, unclear or
 * none (default: test/fixtures/forget/forget-intents.jsonl; its README gives the labelling
 * rules). A deletion request is a `last` or `topic` line; a prediction of `last` or `topic` is a
 * positive, `unclear` and null are negatives. Topic accuracy is the exact match of the topic on
 * `topic` lines predicted `topic`; scope mismatches are deletion requests heard with the other
 * scope (`last` as `topic` or the reverse). Prints exactly one JSON object on stdout.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectForget, type ForgetIntent } from '../src/memory/forget-intent.js';

const LABELS = ['last', 'topic', 'unclear', 'none'] as const;
type Label = (typeof LABELS)[number];

interface Line {
  text: string;
  lang: string;
  label: Label;
  topic?: string;
}

interface Miss {
  text: string;
  expected: string;
  got: string;
}

const DEFAULT_FILE = fileURLToPath(
  new URL('../test/fixtures/forget/forget-intents.jsonl', import.meta.url),
);

function parseArgs(argv: string[]): { file: string } {
  let file = DEFAULT_FILE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--file' && argv[i + 1]) file = resolve(argv[++i]);
    else if (arg.startsWith('--file=')) file = resolve(arg.slice('--file='.length));
    else throw new Error(`unknown argument ${arg}; usage: forget-eval [--file PATH]`);
  }
  return { file };
}

function parseLines(text: string, file: string): Line[] {
  return text
    .split('\n')
    .map((raw, i) => ({ raw: raw.trim(), n: i + 1 }))
    .filter(({ raw }) => raw.length > 0)
    .map(({ raw, n }) => {
      const line = JSON.parse(raw) as Line;
      if (typeof line.text !== 'string' || !LABELS.includes(line.label)) {
        throw new Error(`${file}:${n}: needs a text and a label (${LABELS.join(', ')})`);
      }
      if (line.label === 'topic' && typeof line.topic !== 'string') {
        throw new Error(`${file}:${n}: a topic line needs its topic`);
      }
      return line;
    });
}

function describeExpected(line: Line): string {
  return line.label === 'topic' ? `topic: ${line.topic}` : line.label;
}

function describeGot(intent: ForgetIntent | null): string {
  if (!intent) return 'none';
  if (intent.scope === 'last') return 'last';
  if (intent.scope === 'topic') return `topic: ${intent.topic}`;
  return intent.topic === null ? 'unclear' : `unclear: ${intent.topic}`;
}

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10000) / 10000);

function score(lines: Line[], file: string) {
  const counts: Record<Label, number> = { last: 0, topic: 0, unclear: 0, none: 0 };
  const byLang: Record<string, Record<Label, number>> = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let topicChecked = 0;
  let topicCorrect = 0;
  let noneUnclear = 0;
  let unclearHeard = 0;
  const falsePositives: Miss[] = [];
  const falseNegatives: Miss[] = [];
  const topicMismatches: Miss[] = [];
  const scopeMismatches: Miss[] = [];
  for (const line of lines) {
    counts[line.label]++;
    byLang[line.lang] ??= { last: 0, topic: 0, unclear: 0, none: 0 };
    byLang[line.lang][line.label]++;
    const intent = detectForget(line.text);
    const expected = line.label === 'last' || line.label === 'topic';
    const predicted = intent?.scope === 'last' || intent?.scope === 'topic';
    const miss = () => ({
      text: line.text,
      expected: describeExpected(line),
      got: describeGot(intent),
    });
    if (expected && predicted) {
      tp++;
      if (intent?.scope !== line.label) scopeMismatches.push(miss());
    } else if (predicted) {
      fp++;
      falsePositives.push(miss());
    } else if (expected) {
      fn++;
      falseNegatives.push(miss());
    } else tn++;
    if (line.label === 'topic' && intent?.scope === 'topic') {
      topicChecked++;
      if (intent.topic === line.topic) topicCorrect++;
      else topicMismatches.push(miss());
    }
    if (line.label === 'none' && intent?.scope === 'unclear') noneUnclear++;
    if (line.label === 'unclear' && intent?.scope === 'unclear') unclearHeard++;
  }
  return {
    file,
    lines: lines.length,
    counts,
    byLang,
    deletion: {
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      trueNegatives: tn,
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, tp + fn),
    },
    topic: {
      checked: topicChecked,
      correct: topicCorrect,
      accuracy: ratio(topicCorrect, topicChecked),
    },
    noneGotUnclear: { count: noneUnclear, of: counts.none, rate: ratio(noneUnclear, counts.none) },
    unclearGotUnclear: { count: unclearHeard, of: counts.unclear },
    falsePositives,
    falseNegatives,
    topicMismatches,
    scopeMismatches,
  };
}

async function main(): Promise<void> {
  const { file } = parseArgs(process.argv.slice(2));
  const lines = parseLines(await readFile(file, 'utf8'), file);
  console.log(JSON.stringify(score(lines, file), null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

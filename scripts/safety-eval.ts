/**
 * Scores the in-process crisis risk detector (src/safety/risk/) on the labelled sets.
 *
 *   npm run -s safety:eval [-- PATH ... | --file PATH ...] [--locomo PATH] [--json]
 *
 * Each PATH is JSON lines `{"text", "lang", "label", "category"?, "note"?}` (default: the
 * committed sets, test/fixtures/safety/crisis-messages.jsonl, crisis-holdout.jsonl,
 * crisis-holdout-2.jsonl, crisis-holdout-3.jsonl and crisis-holdout-4.jsonl; their README gives the labelling rules). A `crisis` line is a positive; a reading that triggers the
 * crisis protocol (`high` or `critical`) is a predicted positive. Per category, a crisis line
 * counts as found for its category when the protocol triggers and the category is the first of
 * the reading's categories. Prints precision, recall and F1 per set, language and category, the
 * level reached per `none` kind, and the misses (the fixture's own lines, with evidence codes).
 *
 * --locomo PATH reads a LoCoMo file (a list of samples whose `conversation` holds `session_N`
 * lists of `{speaker, dia_id, text}` turns: everyday talk between two people) and prints the
 * share of turns read as `high` or `critical` (every one is a false positive there), with the
 * turns themselves. --json prints one JSON object instead of the tables.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectRisk } from '../src/safety/risk/detect-risk.js';
import { triggersCrisisProtocol, type RiskReading } from '../src/safety/risk/risk-reading.js';
import { detectRiskLanguage } from '../src/safety/risk/risk-text.js';

interface Line {
  text: string;
  lang: 'en' | 'zh' | 'mixed';
  label: 'crisis' | 'none';
  category?: string;
  note?: string;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

interface Miss {
  kind: 'missed' | 'false_alarm' | 'wrong_category';
  text: string;
  lang: string;
  expected: string;
  got: string;
  codes: string[];
}

const FIXTURES = fileURLToPath(new URL('../test/fixtures/safety/', import.meta.url));
const DEFAULT_FILES = [
  resolve(FIXTURES, 'crisis-messages.jsonl'),
  resolve(FIXTURES, 'crisis-holdout.jsonl'),
  resolve(FIXTURES, 'crisis-holdout-2.jsonl'),
  resolve(FIXTURES, 'crisis-holdout-3.jsonl'),
  resolve(FIXTURES, 'crisis-holdout-4.jsonl'),
];

function parseArgs(argv: string[]): { files: string[]; locomo: string | null; json: boolean } {
  const files: string[] = [];
  let locomo: string | null = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--file' && argv[i + 1]) files.push(resolve(argv[++i]));
    else if (arg.startsWith('--file=')) files.push(resolve(arg.slice('--file='.length)));
    else if (arg === '--locomo' && argv[i + 1]) locomo = resolve(argv[++i]);
    else if (arg.startsWith('--locomo=')) locomo = resolve(arg.slice('--locomo='.length));
    else if (arg === '--json') json = true;
    else if (!arg.startsWith('-')) files.push(resolve(arg));
    else
      throw new Error(
        `unknown argument ${arg}; usage: safety-eval [PATH | --file PATH ...] [--locomo PATH] [--json]`,
      );
  }
  return { files: files.length > 0 ? files : DEFAULT_FILES, locomo, json };
}

const CATEGORIES = ['suicide', 'self_harm', 'harm_others', 'abuse'];
const POSITIVE = new Set([
  'crisis',
  'positive',
  'risk',
  'unsafe',
  'yes',
  'true',
  '1',
  ...CATEGORIES,
]);
const NEGATIVE = new Set(['none', 'negative', 'safe', 'ok', 'no', 'false', '0']);

/** `crisis` or `none` from the label as other sets write it too (booleans, 0/1, safe/unsafe). */
function labelOf(value: unknown): Line['label'] | null {
  const text = String(value).trim().toLowerCase();
  if (POSITIVE.has(text)) return 'crisis';
  if (NEGATIVE.has(text)) return 'none';
  return null;
}

function readLines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((raw, i) => ({ raw: raw.trim(), n: i + 1 }))
    .filter(({ raw }) => raw.length > 0)
    .map(({ raw, n }) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        throw new Error(`${file}:${n}: not JSON`);
      }
      const label = labelOf(parsed.label);
      if (typeof parsed.text !== 'string' || label === null) {
        throw new Error(`${file}:${n}: needs a text and a label (crisis or none)`);
      }
      // A label may name the category itself ("suicide"); a line without one counts overall only.
      const category =
        typeof parsed.category === 'string'
          ? parsed.category
          : label === 'crisis' && CATEGORIES.includes(String(parsed.label))
            ? String(parsed.label)
            : undefined;
      const lang =
        parsed.lang === 'zh' || parsed.lang === 'mixed' || parsed.lang === 'en'
          ? parsed.lang
          : detectRiskLanguage(parsed.text);
      return {
        text: parsed.text,
        lang,
        label,
        ...(category ? { category } : {}),
        ...(typeof parsed.note === 'string' ? { note: parsed.note } : {}),
      } satisfies Line;
    });
}

const empty = (): Counts => ({ tp: 0, fp: 0, fn: 0, tn: 0 });

function add(counts: Counts, expected: boolean, predicted: boolean): void {
  if (expected && predicted) counts.tp++;
  else if (expected) counts.fn++;
  else if (predicted) counts.fp++;
  else counts.tn++;
}

function figures(c: Counts) {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  // Of the lines that are not a crisis, the share read as one (ordinary chat set off as crisis).
  const falsePositiveRate = c.fp + c.tn === 0 ? 0 : c.fp / (c.fp + c.tn);
  return {
    ...c,
    precision: round(precision),
    recall: round(recall),
    f1: round(f1),
    falsePositiveRate: round(falsePositiveRate),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function scoreSet(lines: Line[]) {
  const overall = empty();
  const byLang = new Map<string, Counts>();
  const byCategory = new Map<string, Counts>();
  const byKind = new Map<string, Record<string, number>>();
  const misses: Miss[] = [];
  for (const line of lines) {
    const reading: RiskReading = detectRisk(line.text);
    const expected = line.label === 'crisis';
    const predicted = triggersCrisisProtocol(reading.level);
    add(overall, expected, predicted);
    const lang = byLang.get(line.lang) ?? empty();
    add(lang, expected, predicted);
    byLang.set(line.lang, lang);
    // Per category: positive when this category is the reading's first, under the protocol.
    const predictedCategory = predicted ? (reading.categories[0] ?? null) : null;
    for (const category of expected && !line.category ? [] : CATEGORIES) {
      const counts = byCategory.get(category) ?? empty();
      add(counts, line.category === category, predictedCategory === category);
      byCategory.set(category, counts);
    }
    const codes = reading.evidence.map((e) => `${e.code}(${e.weight})`);
    if (expected && !predicted) {
      misses.push({
        kind: 'missed',
        text: line.text,
        lang: line.lang,
        expected: `${line.category}`,
        got: reading.level,
        codes,
      });
    } else if (!expected && predicted) {
      misses.push({
        kind: 'false_alarm',
        text: line.text,
        lang: line.lang,
        expected: `none/${line.note ?? ''}`,
        got: `${reading.level}/${reading.categories.join(',')}`,
        codes,
      });
    } else if (expected && predicted && line.category && predictedCategory !== line.category) {
      misses.push({
        kind: 'wrong_category',
        text: line.text,
        lang: line.lang,
        expected: `${line.category}`,
        got: `${reading.level}/${reading.categories.join(',')}`,
        codes,
      });
    }
    if (!expected) {
      const kind = line.note ?? 'none';
      const levels = byKind.get(kind) ?? {};
      levels[reading.level] = (levels[reading.level] ?? 0) + 1;
      byKind.set(kind, levels);
    }
  }
  return {
    lines: lines.length,
    overall: figures(overall),
    byLang: Object.fromEntries([...byLang].map(([k, v]) => [k, figures(v)])),
    byCategory: Object.fromEntries([...byCategory].map(([k, v]) => [k, figures(v)])),
    noneLevels: Object.fromEntries(byKind),
    misses,
  };
}

interface LocomoTurn {
  speaker?: string;
  dia_id?: string;
  text?: string;
}

function scoreLocomo(file: string) {
  const samples = JSON.parse(readFileSync(file, 'utf8')) as Array<{
    conversation?: Record<string, unknown>;
  }>;
  let turns = 0;
  const levels: Record<string, number> = {};
  const alarms: Array<{ id: string; level: string; text: string; codes: string[] }> = [];
  for (const sample of samples) {
    for (const [key, value] of Object.entries(sample.conversation ?? {})) {
      if (!/^session_\d+$/.test(key) || !Array.isArray(value)) continue;
      for (const turn of value as LocomoTurn[]) {
        if (typeof turn.text !== 'string') continue;
        turns++;
        const reading = detectRisk(turn.text);
        levels[reading.level] = (levels[reading.level] ?? 0) + 1;
        if (triggersCrisisProtocol(reading.level)) {
          alarms.push({
            id: turn.dia_id ?? '',
            level: reading.level,
            text: turn.text,
            codes: reading.evidence.map((e) => e.code),
          });
        }
      }
    }
  }
  return {
    file: basename(file),
    turns,
    levels,
    falsePositives: alarms.length,
    falsePositiveRate: turns === 0 ? 0 : Math.round((alarms.length / turns) * 100_000) / 1000,
    alarms,
  };
}

function pct(x: number): string {
  return (x * 100).toFixed(1).padStart(6);
}

function printSet(name: string, result: ReturnType<typeof scoreSet>): void {
  console.log(`\n== ${name} (${result.lines} lines)`);
  console.log('                    P      R     F1   FPR    tp  fp  fn');
  const row = (label: string, f: ReturnType<typeof figures>) =>
    console.log(
      `${label.padEnd(14)}${pct(f.precision)} ${pct(f.recall)} ${pct(f.f1)} ${pct(f.falsePositiveRate)}  ${String(f.tp).padStart(4)}${String(f.fp).padStart(4)}${String(f.fn).padStart(4)}`,
    );
  row('all', result.overall);
  for (const [lang, f] of Object.entries(result.byLang)) row(`lang ${lang}`, f);
  for (const [category, f] of Object.entries(result.byCategory)) row(category, f);
  console.log('\nlevels on none lines, by kind:');
  for (const [kind, levels] of Object.entries(result.noneLevels)) {
    console.log(`  ${kind.padEnd(14)}${JSON.stringify(levels)}`);
  }
  if (result.misses.length > 0) {
    console.log('\nmisses:');
    for (const m of result.misses) {
      console.log(`  [${m.kind}] (${m.lang}) expected ${m.expected}, got ${m.got}: ${m.text}`);
      if (m.codes.length > 0) console.log(`      ${m.codes.join(' ')}`);
    }
  }
}

function main(): void {
  const { files, locomo, json } = parseArgs(process.argv.slice(2));
  const sets = files.map((file) => ({ file: basename(file), ...scoreSet(readLines(file)) }));
  const everyday = locomo ? scoreLocomo(locomo) : null;
  if (json) {
    console.log(JSON.stringify({ sets, locomo: everyday }, null, 2));
    return;
  }
  for (const set of sets) printSet(set.file, set);
  if (everyday) {
    console.log(`\n== LoCoMo ${everyday.file}: ${everyday.turns} turns`);
    console.log(`levels: ${JSON.stringify(everyday.levels)}`);
    console.log(
      `high/critical (false positives): ${everyday.falsePositives} = ${everyday.falsePositiveRate}% (target <= 0.3%)`,
    );
    for (const a of everyday.alarms)
      console.log(`  ${a.id} ${a.level} ${a.codes.join(' ')}: ${a.text}`);
  }
}

main();

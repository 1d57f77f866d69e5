/**
 * npm run bench:safety [-- --rounds 20]
 *
 * Times the in-process crisis risk detector (detectRisk) per message: every line of the labelled
 * sets (test/fixtures/safety/*.jsonl), then long messages (4,000 characters, the default
 * MESSAGE_MAX_CHARS, and 100,000, the most the chat accepts; ordinary text with and without a
 * crisis sentence in them). After a warm-up, each message is read --rounds times. Prints JSON
 * lines: one per group with p50, p99 and max in milliseconds and messages per second, then the
 * machine (CPU model, cores, Node version). The goal: p99 under 2 ms on the labelled messages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { detectRisk } from '../src/safety/risk/index.js';

function parseArgs(argv: string[]): { rounds: number } {
  let rounds = 20;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--rounds' && argv[i + 1]) rounds = Number(argv[++i]);
    else if (arg.startsWith('--rounds=')) rounds = Number(arg.slice('--rounds='.length));
    else throw new Error(`unknown argument ${arg}; usage: bench:safety [--rounds N]`);
  }
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error('--rounds must be a positive integer');
  return { rounds };
}

const FIXTURES = fileURLToPath(new URL('../test/fixtures/safety/', import.meta.url));

function labelled(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(`${FIXTURES}${f}`, 'utf8')
        .split('\n')
        .filter((l) => l.trim().length > 0)
        .map((l) => (JSON.parse(l) as { text: string }).text),
    );
}

function fill(chars: number, tail: string): string {
  const ordinary =
    'We went to the market this morning and bought apples, then I called my sister about the weekend. 今天天气不错，我们去公园散步了。 ';
  return (
    `${ordinary.repeat(Math.ceil(chars / ordinary.length))}`.slice(0, chars - tail.length) + tail
  );
}

function time(texts: string[], rounds: number) {
  for (const t of texts) detectRisk(t);
  const times: number[] = [];
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) {
      const at = performance.now();
      detectRisk(t);
      times.push(performance.now() - at);
    }
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))];
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  return {
    messages: texts.length,
    reads: times.length,
    p50Ms: ms(at(0.5)),
    p99Ms: ms(at(0.99)),
    maxMs: ms(times[times.length - 1]),
    perSecond: Math.round(times.length / (total / 1000)),
  };
}

function main(): void {
  const { rounds } = parseArgs(process.argv.slice(2));
  const sets = labelled();
  const groups: Array<[string, string[], number]> = [
    ['labelled', sets, rounds],
    [
      '4k_chars',
      [fill(4_000, ''), fill(4_000, ' I want to die.'), fill(4_000, ' 我不想活了。')],
      rounds * 10,
    ],
    [
      '100k_chars',
      [fill(100_000, ''), fill(100_000, ' I want to die.'), 'i want to die '.repeat(7_200)],
      rounds,
    ],
  ];
  for (const [group, texts, n] of groups) {
    console.log(JSON.stringify({ group, ...time(texts, n) }));
  }
  const cpu = cpus();
  console.log(
    JSON.stringify({
      machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, node: process.version },
      goal: 'labelled p99 < 2 ms',
    }),
  );
}

main();

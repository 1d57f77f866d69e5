/**
 * The young generation's size through a quiet spell: a process allocates as a gateway's turns do
 * (short-lived objects, a few kept for half a second) for two spells of load, sits idle, then
 * takes load again; it prints the young collections and V8's new-space size after each phase.
 * Run with the image's V8 flags (Dockerfile) and without `--min-semi-space-size`, each beside the
 * Deployment's `--max-semi-space-size` (16 MiB), in processes of their own started together.
 * Left to itself V8 halves the young generation after the quiet spell and the next spell of load
 * runs about three times the young collections (src/v8-flags.ts).
 *
 *   npm run bench:young-generation [-- --idle-seconds 60 --load-seconds 10]
 */
import { spawn } from 'node:child_process';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { getHeapSpaceStatistics } from 'node:v8';

const { values: args } = parseArgs({
  options: {
    'idle-seconds': { type: 'string', default: '60' },
    'load-seconds': { type: 'string', default: '10' },
    child: { type: 'boolean', default: false },
  },
});
const IDLE_S = Number(args['idle-seconds']);
const LOAD_S = Number(args['load-seconds']);
if (!(IDLE_S > 0 && LOAD_S > 0)) throw new Error('--idle-seconds and --load-seconds: positive');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function child(): Promise<void> {
  let scavenges = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const { detail } = e as PerformanceEntry & { detail?: { kind?: number } };
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
    }
  }).observe({ entryTypes: ['gc'] });
  const newSpaceMiB = () =>
    (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / 1048576;
  const kept: unknown[][] = [];
  // About 150 turns a second, each some 300 KB of objects that die with it and a few that live
  // half a second (as a turn's rows and texts do until its reply is stored).
  const load = async (seconds: number) => {
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      for (let turn = 0; turn < 15; turn++) {
        const objects = [];
        for (let i = 0; i < 2000; i++) objects.push({ i, text: `x${i}`, pair: [i, i + 1] });
        kept.push(objects.slice(0, 20));
        if (kept.length > 75) kept.shift();
      }
      await sleep(100);
    }
  };
  const phases: Array<{ phase: string; youngCollections: number; newSpaceMiB: number }> = [];
  const mark = (phase: string) => {
    phases.push({ phase, youngCollections: scavenges, newSpaceMiB: newSpaceMiB() });
    scavenges = 0;
  };
  await load(LOAD_S);
  mark('load 1');
  await load(LOAD_S);
  mark('load 2');
  await sleep(IDLE_S * 1000);
  mark('idle');
  await load(LOAD_S);
  mark('load after idle');
  await load(LOAD_S);
  mark('load after that');
  process.stdout.write(JSON.stringify(phases));
}

function run(flags: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [...flags, ...process.execArgv, process.argv[1], '--child', ...process.argv.slice(2)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}`)),
    );
  });
}

if (args.child) {
  await child();
} else {
  // Imported here only: the module sets its flags in the process that loads it, and the children
  // must run with exactly the flags they are given.
  const { V8_FLAGS } = await import('../src/v8-flags.js');
  const max = '--max-semi-space-size=16';
  const image = [...V8_FLAGS, max];
  const withoutMin = [...V8_FLAGS.filter((f) => !f.startsWith('--min-semi-space-size')), max];
  const [withMin, without] = await Promise.all([run(image), run(withoutMin)]);
  console.log(JSON.stringify({ flags: image, phases: withMin }));
  console.log(JSON.stringify({ flags: withoutMin, phases: without }));
  console.log(
    JSON.stringify({
      machine: {
        cpus: cpus().length,
        memGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      idleSeconds: IDLE_S,
      loadSeconds: LOAD_S,
    }),
  );
}

/**
 * npm run bench:voice [-- --runs 5]
 *
 * Decode + prosody on a ~21 s clip (the five fixture speech clips, concatenated and re-encoded as
 * iOS-style AAC .m4a at run time), timed three ways, each the median of --runs runs after a
 * warm-up:
 * 1. whole process: the CLI (scripts/analyze-audio.ts) spawned as a user would run it, from the
 *    TypeScript sources (compiled on load by scripts/ts-hooks.mjs) and precompiled to JavaScript
 *    as deployed; wall and CPU time (user + system, ffmpeg included) via /usr/bin/time;
 * 2. in process: decodeToPcm (CPU includes the ffmpeg child) and analyzeProsody separately;
 * 3. Praat's pitch + jitter + shimmer + HNR analysis of the same 16 kHz samples, as a process.
 * Prints JSON lines: real-time factors (processing time / audio duration) and the CPU-time ratio
 * Praat / ours, plus both programs' measures on the clip.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { transformFileSync } from '@swc/core';
import { decodeToPcm } from '../src/voice/decode/decode-to-pcm.js';
import { encodeWav } from '../src/voice/decode/encode-wav.js';
import { analyzeProsody } from '../src/voice/prosody/analyze-prosody.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(args.runs);
const root = resolve(import.meta.dirname, '..');
const speechDir = join(root, 'test/fixtures/audio/speech');
const TIME = '/usr/bin/time';

interface Timing {
  wallMs: number;
  cpuMs: number;
}

const print = (record: object): void => console.log(JSON.stringify({ bench: 'voice', ...record }));
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Median wall and CPU time of `runs` runs after one warm-up. */
async function measure(runs: number, once: () => Timing | Promise<Timing>): Promise<Timing> {
  await once();
  const timings: Timing[] = [];
  for (let i = 0; i < runs; i++) timings.push(await once());
  return {
    wallMs: median(timings.map((t) => t.wallMs)),
    cpuMs: median(timings.map((t) => t.cpuMs)),
  };
}

/** CPU time (ms) of this process's reaped children so far, from /proc/self/stat (Linux). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return ((Number(fields[13]) + Number(fields[14])) / ticksPerSecond) * 1000;
}

/** Runs a command under /usr/bin/time; returns its wall and CPU time and its stdout. */
function timeCommand(
  command: string,
  commandArgs: string[],
  dir: string,
): Timing & { stdout: string } {
  const timeFile = join(dir, 'time.txt');
  const result = spawnSync(TIME, ['-f', '%e %U %S', '-o', timeFile, command, ...commandArgs], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  const [wall, user, system] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  return { wallMs: wall * 1000, cpuMs: (user + system) * 1000, stdout: result.stdout };
}

function makeClip(dir: string): string {
  const parts = ['en-us-low', 'en-f3-high', 'en-gb-fast', 'cmn-male', 'cmn-f2'];
  const list = join(dir, 'parts.txt');
  writeFileSync(list, parts.map((p) => `file '${join(speechDir, `${p}.m4a`)}'\n`).join(''));
  const clip = join(dir, 'clip.m4a');
  const result = spawnSync(ffmpeg.path, [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-f', 'concat', '-safe', '0', '-i', list],
    ...['-ac', '1', '-ar', '44100', '-c:a', 'aac', '-b:a', '48k', clip],
  ]);
  if (result.status !== 0) throw new Error(`ffmpeg concat failed: ${String(result.stderr)}`);
  return clip;
}

/**
 * The CLI and the voice modules compiled to JavaScript, as they would be deployed, under
 * node_modules/.cache so that their package imports still resolve. Returns the CLI's path.
 */
function compileCli(): string {
  const out = join(root, 'node_modules/.cache/bench-voice');
  rmSync(out, { recursive: true, force: true });
  const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8')) as Record<string, unknown>;
  delete swcrc.$schema;
  const sources = [
    'scripts/analyze-audio.ts',
    ...['src/voice/decode', 'src/voice/prosody'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
        .map((file) => `${dir}/${file}`),
    ),
  ];
  for (const source of sources) {
    const { code } = transformFileSync(join(root, source), { ...swcrc, swcrc: false });
    const target = join(out, source.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  return relative(root, join(out, 'scripts/analyze-audio.js'));
}

const PRAAT_SCRIPT = `form Analysis
  sentence File x
endform
sound = Read from file: file$
pitch = To Pitch: 0, 75, 600
selectObject: sound
pulses = To PointProcess (periodic, cc): 75, 600
jitter = Get jitter (local): 0, 0, 0.0001, 0.02, 1.3
selectObject: sound, pulses
shimmer = Get shimmer (local): 0, 0, 0.0001, 0.02, 1.3, 1.6
selectObject: sound
harmonicity = To Harmonicity (cc): 0.01, 75, 0.1, 1.0
hnr = Get mean: 0, 0
writeInfoLine: jitter, " ", shimmer, " ", hnr
`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-voice-'));
  try {
    print({
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        ffmpeg: ffmpeg.version,
      },
    });
    const clip = makeClip(dir);
    const limits = { maxDurationSec: 600, timeoutMs: 60_000 };
    const audio = await decodeToPcm(readFileSync(clip), limits);
    const seconds = audio.durationSec;
    print({ clip: { format: 'm4a (AAC, 44.1 kHz, 48 kb/s)', durationSec: round(seconds, 3) } });

    // 1. Whole process: as run from the sources (TypeScript compiled on load) and as deployed.
    const fromSources = ['--import', './scripts/ts-hooks.mjs', 'scripts/analyze-audio.ts', clip];
    const cliFromSources = await measure(RUNS, () =>
      timeCommand(process.execPath, fromSources, dir),
    );
    const compiled = [compileCli(), clip];
    const cli = await measure(RUNS, () => timeCommand(process.execPath, compiled, dir));
    const nodeOnly = await measure(RUNS, () => timeCommand(process.execPath, ['-e', '0'], dir));
    for (const [stage, timing] of [
      ['whole_process_cli_typescript_sources', cliFromSources],
      ['whole_process_cli_compiled', cli],
    ] as const) {
      print({
        stage,
        runs: RUNS,
        wallMs: round(timing.wallMs),
        cpuMs: round(timing.cpuMs),
        realTimeFactor: round(timing.wallMs / 1000 / seconds, 4),
      });
    }
    print({ stage: 'node_startup_only', runs: RUNS, cpuMs: round(nodeOnly.cpuMs) });

    // 2. In process.
    const decode = await measure(RUNS, async () => {
      const started = performance.now();
      const children = childrenCpuMs();
      const cpu = process.cpuUsage();
      await decodeToPcm(readFileSync(clip), limits);
      const own = process.cpuUsage(cpu);
      return {
        wallMs: performance.now() - started,
        cpuMs: (own.user + own.system) / 1000 + (childrenCpuMs() - children),
      };
    });
    let ours = analyzeProsody(audio.samples, audio.sampleRate);
    const prosody = await measure(RUNS, () => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      ours = analyzeProsody(audio.samples, audio.sampleRate);
      const used = process.cpuUsage(cpu);
      return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
    });
    print({
      stage: 'in_process_decode',
      runs: RUNS,
      wallMs: round(decode.wallMs),
      cpuMs: round(decode.cpuMs),
      realTimeFactor: round(decode.wallMs / 1000 / seconds, 4),
    });
    print({
      stage: 'in_process_prosody',
      runs: RUNS,
      wallMs: round(prosody.wallMs),
      cpuMs: round(prosody.cpuMs),
      realTimeFactor: round(prosody.wallMs / 1000 / seconds, 4),
    });

    // 3. Praat on the same samples.
    const praat = spawnSync('praat', ['--version'], { encoding: 'utf8' });
    if (praat.status !== 0 || !existsSync(TIME)) {
      print({ stage: 'praat', skipped: 'praat or /usr/bin/time is not installed' });
      return;
    }
    const wav = join(dir, 'clip-16k.wav');
    writeFileSync(wav, encodeWav(audio.samples, audio.sampleRate, 'float32'));
    const script = join(dir, 'analysis.praat');
    writeFileSync(script, PRAAT_SCRIPT);
    let praatOutput = '';
    const praatRun = await measure(RUNS, () => {
      const run = timeCommand('praat', ['--run', script, wav], dir);
      praatOutput = run.stdout;
      return run;
    });
    const [jitter, shimmer, hnr] = praatOutput.trim().split(/\s+/).map(Number);
    print({
      stage: 'praat_pitch_jitter_shimmer_hnr',
      version: praat.stdout.trim(),
      runs: RUNS,
      wallMs: round(praatRun.wallMs),
      cpuMs: round(praatRun.cpuMs),
      realTimeFactor: round(praatRun.wallMs / 1000 / seconds, 4),
    });
    print({
      cpuTimeRatio: {
        praatOverInProcessProsody: round(praatRun.cpuMs / prosody.cpuMs, 2),
        praatOverWholeProcessCompiledCli: round(praatRun.cpuMs / cli.cpuMs, 2),
        praatOverWholeProcessCliFromSources: round(praatRun.cpuMs / cliFromSources.cpuMs, 2),
      },
    });
    print({
      measures: {
        praat: { jitterLocal: jitter, shimmerLocal: shimmer, hnrDb: hnr },
        ours: { jitterLocal: ours.jitterLocal, shimmerLocal: ours.shimmerLocal, hnrDb: ours.hnrDb },
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(root, 'node_modules/.cache/bench-voice'), { recursive: true, force: true });
  }
}

await main();

/**
 * node --import ./scripts/ts-hooks.mjs bench/affect.ts [--iterations 10000]
 *
 * Added latency per turn of the affect layer, in process: lexicon text emotion + vocal tone
 * (cue values, z-scores against a mature 60-clip baseline, clip quality) + fusion + mood
 * update and shift detection, i.e. classifyText + assessTurn. Inputs are realistic: English and
 * Chinese messages of 2-400 characters, and the prosody and spectral tilt of the espeak-ng
 * fixture clips (test/fixtures/affect), decoded and analysed once at start with the real
 * decoder. Also timed, as they run elsewhere: the baseline job (parse the stored jsonb, update,
 * serialise) and measureSpectralTilt, which belongs to the audio analysis (per second of audio).
 *
 * Prints JSON lines: the machine (with its load, as other processes show up in the tail), then
 * per stage the p50 / p90 / p99 wall time in milliseconds (medians over 5 rounds).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeToPcm } from '../src/voice/decode/decode-to-pcm.js';
import { analyzeProsody } from '../src/voice/prosody/analyze-prosody.js';
import type { ProsodyFeatures } from '../src/voice/prosody/analyze-prosody.js';
import {
  assessTurn,
  classifyText,
  emptyMoodTrajectory,
  emptyVoiceBaseline,
  measureSpectralTilt,
  parseVoiceBaseline,
  updateVoiceBaseline,
  voiceCueValues,
} from '../src/affect/index.js';
import type { MoodTrajectory, SpectralTilt, VoiceBaseline } from '../src/affect/index.js';
import { affectCue } from '../src/affect/affect-cue.js';
import { detectLanguage } from '../src/affect/detect-language.js';
import { fitHistory } from '../src/prompting/fit-history.js';
import { QwenTokenizer } from '../src/prompting/qwen-tokenizer.js';
import { TemplateStore } from '../src/prompting/template-store.js';

const { values: args } = parseArgs({
  options: { iterations: { type: 'string', default: '10000' } },
});
const ITERATIONS = Number(args.iterations);
const ROUNDS = 5;
const root = resolve(import.meta.dirname, '..');
const fixtures = join(root, 'test/fixtures/affect');

const MESSAGES = [
  "I'm fine",
  'ok',
  '今天好开心😄',
  "I'm fine, thanks for asking. Really, it's nothing.",
  '我没事，谢谢你的关心。真的，没什么。',
  'ugh, my boss moved the deadline again and I have to redo the whole report tonight',
  '有点累，但是见到你很开心',
  "I can't sleep, I keep thinking about the interview tomorrow and what if I mess it up...",
  '老板又骂我，气死了！！我真的受够了这份工作',
  'we went to the beach and the sunset was amazing!!! best day in a long time',
  '最近一个人住，晚上回家好安静，有时候觉得挺孤独的',
  "not bad, just a bit tired. the kids were loud all day lol, but honestly I'm okay",
  '随便吧，反正也没人在乎',
  'The meeting moved to 3 pm on Thursday, can you remind me?',
  '明天天气怎么样？我想去公园散步，不过好像要下雨了',
  "I miss my mom so much 😢 it's been a year and it still hurts",
  'haha that was so funny xD',
  '我不是很开心，也说不上为什么，就是觉得心里空空的……',
  [
    'So today started badly: the train was late, I spilled coffee on my shirt and then my manager',
    'told me in front of everyone that the numbers were wrong, which they were not. I stayed calm',
    'but inside I was furious. After lunch things got a bit better, a friend called and we laughed',
    "about it, and now I'm home, tired but relieved that the week is almost over. Thanks for",
    'listening, really.',
  ].join(' '),
];

const print = (record: object): void => console.log(JSON.stringify({ bench: 'affect', ...record }));

function summary(samplesMs: number[]): Record<string, number> {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const ms = (x: number): number => Number(x.toFixed(4));
  return { p50Ms: ms(at(0.5)), p90Ms: ms(at(0.9)), p99Ms: ms(at(0.99)), maxMs: ms(sorted.at(-1)!) };
}

/**
 * Wall time of each call, in ROUNDS rounds of `iterations` calls after a warm-up of a tenth as
 * many (JIT). Other processes on a small shared machine put spikes into single rounds, so a
 * stage reports the median over rounds of each percentile (and the worst round's p99).
 */
function time(iterations: number, run: (i: number) => void): number[][] {
  for (let i = 0; i < Math.ceil(iterations / 10); i++) run(i);
  const rounds: number[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const wall = new Array<number>(iterations);
    for (let i = 0; i < iterations; i++) {
      const started = performance.now();
      run(i);
      wall[i] = performance.now() - started;
    }
    rounds.push(wall);
  }
  return rounds;
}

function report(stage: string, rounds: number[][], extra: object = {}): void {
  const perRound = rounds.map(summary);
  const medianOf = (key: string): number =>
    [...perRound.map((p) => p[key])].sort((a, b) => a - b)[Math.floor(perRound.length / 2)];
  print({
    stage,
    ...extra,
    rounds: rounds.length,
    callsPerRound: rounds[0].length,
    p50Ms: medianOf('p50Ms'),
    p90Ms: medianOf('p90Ms'),
    p99Ms: medianOf('p99Ms'),
    worstRoundP99Ms: Math.max(...perRound.map((p) => p.p99Ms)),
  });
}

interface Clip {
  features: ProsodyFeatures;
  spectral: SpectralTilt;
  samples: Float32Array;
  sampleRate: number;
}

async function loadClips(): Promise<Clip[]> {
  const clips: Clip[] = [];
  for (const file of readdirSync(fixtures)
    .filter((f) => f.endsWith('.ogg'))
    .sort()) {
    const audio = await decodeToPcm(readFileSync(join(fixtures, file)), {
      maxDurationSec: 60,
      timeoutMs: 20_000,
    });
    clips.push({
      features: analyzeProsody(audio.samples, audio.sampleRate),
      spectral: measureSpectralTilt(audio.samples, audio.sampleRate),
      samples: audio.samples,
      sampleRate: audio.sampleRate,
    });
  }
  return clips;
}

/** 60 clips of the user: the fixture clips with their values jittered a little. */
function matureBaseline(clips: readonly Clip[]): VoiceBaseline {
  let baseline = emptyVoiceBaseline();
  for (let i = 0; i < 60; i++) {
    const clip = clips[i % clips.length];
    const values = voiceCueValues(clip.features, clip.spectral);
    const jittered = Object.fromEntries(
      Object.entries(values).map(([cue, v]) => [cue, v === null ? null : v + Math.sin(i) * 0.3]),
    ) as typeof values;
    baseline = updateVoiceBaseline(baseline, jittered);
  }
  return baseline;
}

async function main(): Promise<void> {
  print({
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // Other processes on the machine show up in the tail.
      loadAverage1m: Number(loadavg()[0].toFixed(2)),
    },
  });
  const clips = await loadClips();
  const baseline = matureBaseline(clips);
  const storedBaseline = JSON.stringify(baseline);
  print({
    inputs: {
      messages: MESSAGES.length,
      messageChars: [
        Math.min(...MESSAGES.map((m) => m.length)),
        Math.max(...MESSAGES.map((m) => m.length)),
      ],
      clips: clips.length,
      baselineClips: baseline.clips,
      baselineJsonBytes: Buffer.byteLength(storedBaseline),
      iterations: ITERATIONS,
    },
  });

  let mood: MoodTrajectory = emptyMoodTrajectory();
  let at = Date.UTC(2025, 0, 1);
  const voiceTurn = time(ITERATIONS, (i) => {
    const clip = clips[i % clips.length];
    const result = assessTurn({
      text: classifyText(MESSAGES[i % MESSAGES.length]),
      voice: { features: clip.features, spectral: clip.spectral, baseline },
      mood,
      atMs: (at += 30_000),
    });
    mood = result.mood;
  });
  report('voice_turn: text + vocal tone + z-scores + fusion + mood', voiceTurn);

  const typedTurn = time(ITERATIONS, (i) => {
    mood = assessTurn({
      text: classifyText(MESSAGES[i % MESSAGES.length]),
      mood,
      atMs: (at += 30_000),
    }).mood;
  });
  report('typed_turn: text + fusion + mood', typedTurn);

  // What the service adds per turn on top of the affect maths: the cue, the note rendered from
  // prompts/companion/v2 (Nunjucks) and counted with the Qwen tokenizer, and the prompt fitted.
  const templates = new TemplateStore(join(root, 'prompts'), 'companion/v2');
  const tokenizer = new QwenTokenizer();
  const system = templates.render('system', {
    companionName: 'Mira',
    userName: '',
    today: '2026-11-22',
  });
  const systemTokens = tokenizer.count(system);
  const history = MESSAGES.slice(0, 12).map((content, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content,
    tokens: tokenizer.count(content),
  }));
  const withPrompt = time(ITERATIONS, (i) => {
    const clip = clips[i % clips.length];
    const message = MESSAGES[i % MESSAGES.length];
    const result = assessTurn({
      text: classifyText(message),
      voice: { features: clip.features, spectral: clip.spectral, baseline },
      mood,
      atMs: (at += 30_000),
    });
    mood = result.mood;
    const lang = detectLanguage(message);
    const cue = affectCue(result.affect, result.moodSummary, lang);
    const note = cue ? templates.render(`context.${lang}`, { cue }) : null;
    fitHistory({
      system,
      note,
      history,
      budget: 6144,
      count: (t) => (t === system ? systemTokens : tokenizer.count(t)),
      messageOverhead: QwenTokenizer.MESSAGE_OVERHEAD,
      primerTokens: QwenTokenizer.primerTokens(false),
    });
  });
  report(
    'voice_turn_with_prompt: affect + cue + note rendered and counted + history fitted',
    withPrompt,
  );

  const text = time(ITERATIONS, (i) => classifyText(MESSAGES[i % MESSAGES.length]));
  report('text_emotion_only', text);
  const longest = MESSAGES.reduce((a, b) => (b.length > a.length ? b : a));
  report(
    `text_emotion_longest_message_${longest.length}_chars`,
    time(ITERATIONS, () => classifyText(longest)),
  );

  const job = time(ITERATIONS, (i) => {
    const clip = clips[i % clips.length];
    JSON.stringify(
      updateVoiceBaseline(
        parseVoiceBaseline(JSON.parse(storedBaseline)),
        voiceCueValues(clip.features, clip.spectral),
      ),
    );
  });
  report('baseline_job: parse jsonb + update + serialise (not per turn)', job);

  const seconds = clips.reduce((s, c) => s + c.samples.length / c.sampleRate, 0);
  const tilt = time(Math.max(10, Math.floor(ITERATIONS / 200)), () => {
    for (const clip of clips) measureSpectralTilt(clip.samples, clip.sampleRate);
  });
  report(
    'spectral_tilt_per_second_of_audio (audio analysis stage, not per turn)',
    tilt.map((round) => round.map((ms) => ms / seconds)),
    { audioSec: Number(seconds.toFixed(2)) },
  );
}

await main();

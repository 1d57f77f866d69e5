/**
 * Vocal arousal on real emotional speech, each speaker judged against their own voice.
 *
 *   node --import ./scripts/ts-hooks.mjs scripts/affect-eval.ts ../shared/data/emodb/manifest.csv
 *
 * MANIFEST is a CSV `file,speaker,emotion,arousal` (paths relative to it; arousal high, low or
 * mid). Every clip goes through the production path: decodeToPcm, analyzeProsody,
 * measureSpectralTilt, the voice baseline and assessVocalTone. A clip is predicted high when its
 * arousal score is above 0, i.e. above the speaker's usual voice: no threshold or weight is
 * fitted to this data. Clips labelled mid are analysed (they are part of a speaker's voice) but
 * not scored. Scored: unweighted average recall (UAR) of high and low.
 *
 * Protocols (a speaker = a user; the clip judged is never in its own baseline):
 * - allOtherClips: the baseline holds all the speaker's other clips (the headline figure);
 * - incremental: the speaker's clips arrive in a random order (20 seeded orders) and each is
 *   judged against the clips before it, cold start included, as a real user's would be;
 *   reported overall and by how many clips the baseline had;
 * - fromOtherClips: the baseline holds k random other clips (20 draws per clip);
 * - ablations: allOtherClips with a single cue.
 *
 * Prints exactly one JSON object on stdout. Features are cached in memory only.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { seededRandom } from '../src/common/seeded-random.js';
import { decodeToPcm } from '../src/voice/decode/index.js';
import { analyzeProsody } from '../src/voice/prosody/index.js';
import { assessClipQuality } from '../src/affect/clip-quality.js';
import type { ClipQuality } from '../src/affect/clip-quality.js';
import { measureSpectralTilt } from '../src/affect/spectral-tilt.js';
import {
  compareWithBaseline,
  emptyVoiceBaseline,
  updateVoiceBaseline,
} from '../src/affect/voice-baseline.js';
import type { VoiceBaseline } from '../src/affect/voice-baseline.js';
import { voiceCueValues } from '../src/affect/voice-cues.js';
import type { VoiceCue, VoiceCueValues } from '../src/affect/voice-cues.js';
import { estimateVocalTone } from '../src/affect/vocal-tone.js';
import type { VocalToneOptions } from '../src/affect/vocal-tone.js';

/**
 * The dataset's README: clips were cut to 2.0 s and peak-normalised, so absolute loudness and
 * speaking rate mean nothing there. Production passes no such option.
 */
const DATASET_OPTIONS: VocalToneOptions = {
  ignore: ['loudness', 'rateSyllables', 'rateWords'],
};
const ORDERS = 20;
const DRAWS = 20;
const K_VALUES = [1, 3, 5, 10, 20];
const BUCKETS: ReadonlyArray<readonly [string, number, number]> = [
  ['0', 0, 0],
  ['1-4', 1, 4],
  ['5-9', 5, 9],
  ['10-19', 10, 19],
  ['20+', 20, Infinity],
];

interface Clip {
  file: string;
  speaker: string;
  emotion: string;
  arousal: 'high' | 'low' | 'mid';
  cues: VoiceCueValues;
  quality: ClipQuality;
}

interface Judgement {
  label: 'high' | 'low';
  score: number;
  predictedHigh: boolean;
  confidence: number;
}

/** Mean vocal tension per emotion against all the speaker's other clips (descriptive only). */
function tensionByEmotion(speakers: Map<string, Clip[]>): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const clips of speakers.values()) {
    for (const clip of clips) {
      const baseline = baselineOf(clips.filter((c) => c !== clip));
      const tone = estimateVocalTone(
        compareWithBaseline(baseline, clip.cues),
        clip.quality,
        baseline,
        DATASET_OPTIONS,
      );
      if (tone.tension.value === null) continue;
      const entry = sums.get(clip.emotion) ?? { sum: 0, n: 0 };
      sums.set(clip.emotion, { sum: entry.sum + tone.tension.value, n: entry.n + 1 });
    }
  }
  return Object.fromEntries(
    [...sums]
      .sort((a, b) => b[1].sum / b[1].n - a[1].sum / a[1].n)
      .map(([e, { sum, n }]) => [e, round(sum / n)]),
  );
}

async function loadClips(manifestPath: string): Promise<Clip[]> {
  const lines = (await readFile(manifestPath, 'utf8')).trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`manifest has no "${name}" column`);
    return index;
  };
  const [fileCol, speakerCol, emotionCol, arousalCol] = [
    'file',
    'speaker',
    'emotion',
    'arousal',
  ].map(column);
  const clips: Clip[] = [];
  for (const line of lines.slice(1)) {
    const fields = line.split(',').map((f) => f.trim());
    const arousal = fields[arousalCol];
    if (arousal !== 'high' && arousal !== 'low' && arousal !== 'mid') {
      throw new Error(`bad arousal "${arousal}" in: ${line}`);
    }
    const bytes = await readFile(resolve(dirname(manifestPath), fields[fileCol]));
    const audio = await decodeToPcm(bytes, { maxDurationSec: 120, timeoutMs: 30_000 });
    const features = analyzeProsody(audio.samples, audio.sampleRate);
    const spectral = measureSpectralTilt(audio.samples, audio.sampleRate);
    clips.push({
      file: fields[fileCol],
      speaker: fields[speakerCol],
      emotion: fields[emotionCol],
      arousal,
      cues: voiceCueValues(features, spectral),
      quality: assessClipQuality(features),
    });
  }
  return clips;
}

function baselineOf(clips: readonly Clip[]): VoiceBaseline {
  return clips.reduce((b, clip) => updateVoiceBaseline(b, clip.cues), emptyVoiceBaseline());
}

function judge(
  clip: Clip,
  baseline: VoiceBaseline,
  options: VocalToneOptions = DATASET_OPTIONS,
): Judgement | null {
  if (clip.arousal === 'mid') return null;
  const tone = estimateVocalTone(
    compareWithBaseline(baseline, clip.cues),
    clip.quality,
    baseline,
    options,
  );
  // No usable cue (nothing voiced): "as usual", i.e. not high.
  const score = tone.arousal.score ?? 0;
  return {
    label: clip.arousal,
    score,
    predictedHigh: score > 0,
    confidence: tone.arousal.confidence,
  };
}

/** Unweighted average recall of high and low. */
function uar(judgements: readonly Judgement[]): number | null {
  const recall = (label: 'high' | 'low'): number | null => {
    const of = judgements.filter((j) => j.label === label);
    if (of.length === 0) return null;
    return of.filter((j) => j.predictedHigh === (label === 'high')).length / of.length;
  };
  const high = recall('high');
  const low = recall('low');
  return high === null || low === null ? null : round((high + low) / 2);
}

/** Area under the ROC curve of the score for high versus low (ties count half). */
function auc(judgements: readonly Judgement[]): number {
  const high = judgements.filter((j) => j.label === 'high').map((j) => j.score);
  const low = judgements.filter((j) => j.label === 'low').map((j) => j.score);
  let wins = 0;
  for (const h of high) for (const l of low) wins += h > l ? 1 : h === l ? 0.5 : 0;
  return round(wins / (high.length * low.length));
}

/**
 * A baseline of the speaker's other neutral clips only: closer to a real user, whose usual voice
 * is mostly calm, than the balanced mix of emotions above. "Above usual" then no longer splits
 * high from low at 0, which the AUC (threshold-free) separates from the ranking itself.
 */
function neutralBaseline(speakers: Map<string, Clip[]>): Judgement[] {
  const judgements: Judgement[] = [];
  for (const clips of speakers.values()) {
    for (const clip of clips) {
      const j = judge(clip, baselineOf(clips.filter((c) => c !== clip && c.emotion === 'neutral')));
      if (j) judgements.push(j);
    }
  }
  return judgements;
}

/**
 * Share of correct high/low calls by confidence band: if confidence means anything, accuracy
 * rises with it (it is not a calibrated probability).
 */
function accuracyByConfidence(judgements: readonly Judgement[]): Record<string, object> {
  const bands: Array<[string, number, number]> = [
    ['0-0.3', 0, 0.3],
    ['0.3-0.5', 0.3, 0.5],
    ['0.5-0.7', 0.5, 0.7],
    ['0.7-1', 0.7, 1.01],
  ];
  return Object.fromEntries(
    bands.map(([name, lo, hi]) => {
      const inBand = judgements.filter((j) => j.confidence >= lo && j.confidence < hi);
      const correct = inBand.filter((j) => j.predictedHigh === (j.label === 'high')).length;
      return [
        name,
        {
          judgements: inBand.length,
          accuracy: inBand.length ? round(correct / inBand.length) : null,
        },
      ];
    }),
  );
}

function meanConfidence(judgements: readonly Judgement[]): number {
  return round(judgements.reduce((s, j) => s + j.confidence, 0) / Math.max(1, judgements.length));
}

function bySpeaker(clips: readonly Clip[]): Map<string, Clip[]> {
  const groups = new Map<string, Clip[]>();
  for (const clip of clips) groups.set(clip.speaker, [...(groups.get(clip.speaker) ?? []), clip]);
  return groups;
}

function allOtherClips(
  speakers: Map<string, Clip[]>,
  options?: VocalToneOptions,
): Map<string, Judgement[]> {
  const out = new Map<string, Judgement[]>();
  for (const [speaker, clips] of speakers) {
    const judgements: Judgement[] = [];
    for (const clip of clips) {
      const j = judge(clip, baselineOf(clips.filter((c) => c !== clip)), options);
      if (j) judgements.push(j);
    }
    out.set(speaker, judgements);
  }
  return out;
}

function incremental(speakers: Map<string, Clip[]>): Map<string, Judgement[]> {
  const byBucket = new Map<string, Judgement[]>(BUCKETS.map(([name]) => [name, []]));
  const random = seededRandom(1);
  for (const clips of speakers.values()) {
    for (let order = 0; order < ORDERS; order++) {
      let baseline = emptyVoiceBaseline();
      for (const clip of shuffled(clips, random)) {
        const j = judge(clip, baseline);
        const bucket = BUCKETS.find(([, lo, hi]) => baseline.clips >= lo && baseline.clips <= hi)!;
        if (j) byBucket.get(bucket[0])!.push(j);
        baseline = updateVoiceBaseline(baseline, clip.cues);
      }
    }
  }
  return byBucket;
}

function fromOtherClips(speakers: Map<string, Clip[]>, k: number): Judgement[] {
  const random = seededRandom(k);
  const judgements: Judgement[] = [];
  for (const clips of speakers.values()) {
    for (const clip of clips) {
      const others = clips.filter((c) => c !== clip);
      for (let draw = 0; draw < DRAWS; draw++) {
        const j = judge(clip, baselineOf(shuffled(others, random).slice(0, k)));
        if (j) judgements.push(j);
      }
    }
  }
  return judgements;
}

function onlyCue(cue: VoiceCue): VocalToneOptions {
  const all: VoiceCue[] = ['pitch', 'tilt', 'loudness', 'rateSyllables', 'rateWords'];
  return { ignore: all.filter((c) => c !== cue) };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function main(): Promise<number> {
  const manifest = process.argv[2];
  if (!manifest || process.argv.length > 3) {
    console.error('usage: affect-eval MANIFEST.csv');
    return 2;
  }
  let clips: Clip[];
  try {
    clips = await loadClips(resolve(manifest));
  } catch (error) {
    console.error(`affect-eval: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const speakers = bySpeaker(clips);

  const main = allOtherClips(speakers);
  const pooled = [...main.values()].flat();
  const growing = incremental(speakers);
  const growingAll = [...growing.values()].flat();

  const result = {
    clips: pooled.length,
    arousalUar: uar(pooled),
    perSpeaker: Object.fromEntries(
      [...main].map(([s, j]) => [s, { clips: j.length, uar: uar(j) }]),
    ),
    method:
      'predicted high iff the weighted mean z-score of pitch and spectral tilt against the ' +
      "speaker's own other clips is above 0; no parameter fitted to this data",
    ignoredCues: DATASET_OPTIONS.ignore,
    arousalAuc: auc(pooled),
    clipsInManifest: clips.length,
    meanConfidence: meanConfidence(pooled),
    incremental: {
      orders: ORDERS,
      arousalUar: uar(growingAll),
      accuracyByConfidence: accuracyByConfidence(growingAll),
      byBaselineClips: Object.fromEntries(
        [...growing].map(([bucket, j]) => [
          bucket,
          { judgements: j.length, uar: uar(j), meanConfidence: meanConfidence(j) },
        ]),
      ),
    },
    fromOtherClips: Object.fromEntries(
      K_VALUES.map((k) => {
        const j = fromOtherClips(speakers, k);
        return [k, { draws: DRAWS, uar: uar(j), meanConfidence: meanConfidence(j) }];
      }),
    ),
    neutralBaseline: (() => {
      const j = neutralBaseline(speakers);
      return { uar: uar(j), auc: auc(j), meanConfidence: meanConfidence(j) };
    })(),
    tensionMeanByEmotion: tensionByEmotion(speakers),
    ablations: Object.fromEntries(
      (['pitch', 'tilt'] as const).map((cue) => [
        `${cue}Only`,
        uar([...allOtherClips(speakers, onlyCue(cue)).values()].flat()),
      ]),
    ),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

process.exitCode = await main();

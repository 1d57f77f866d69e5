// Agreement with Praat on every fixture clip: the features computed here against Praat 6.3's
// analysis of the very same 16 kHz decodes (test/fixtures/audio/praat-reference.json, made by
// scripts/make-audio-fixtures.sh), so this test needs no Praat.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { decodeToPcm } from './decode/decode-to-pcm.js';
import { analyzeProsody } from './prosody/analyze-prosody.js';

interface PraatMeasures {
  durationSec: number;
  voicedFraction: number;
  f0MedianHz: number;
  jitterLocal: number;
  shimmerLocal: number;
  hnrDb: number;
}

const FIXTURES = join(process.cwd(), 'test/fixtures/audio');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'praat-reference.json'), 'utf8')) as {
  generator: string;
  files: Record<string, PraatMeasures>;
};
const clips = readdirSync(join(FIXTURES, 'speech')).sort();

const relativeError = (value: number | null, expected: number): number =>
  Math.abs((value ?? Number.NaN) - expected) / expected;

describe(`agreement with ${reference.generator}`, () => {
  it('has a reference for every clip, and every clip for the reference', () => {
    expect(Object.keys(reference.files).sort()).toEqual(clips);
    expect(clips.length).toBeGreaterThanOrEqual(30);
  });

  it.each(clips)('%s', async (clip) => {
    const praat = reference.files[clip];
    const audio = await decodeToPcm(readFileSync(join(FIXTURES, 'speech', clip)), {
      maxDurationSec: 60,
      timeoutMs: 20_000,
    });
    const ours = analyzeProsody(audio.samples, audio.sampleRate);

    expect(ours.durationSec).toBeCloseTo(praat.durationSec, 6); // the same samples
    expect(relativeError(ours.f0MedianHz, praat.f0MedianHz)).toBeLessThan(0.05);
    expect(Math.abs(ours.voicedFraction - praat.voicedFraction)).toBeLessThan(0.08);
    expect(Math.abs(ours.hnrDb! - praat.hnrDb)).toBeLessThan(2);
    expect(relativeError(ours.jitterLocal, praat.jitterLocal)).toBeLessThan(0.3);
    expect(relativeError(ours.shimmerLocal, praat.shimmerLocal)).toBeLessThan(0.3);
  });
});

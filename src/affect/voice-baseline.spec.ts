import { describe, expect, it } from '@jest/globals';
import { median, robustScale } from './robust-statistics.js';
import {
  BASELINE_WINDOW,
  PITCH_NORMS,
  baselineMaturity,
  compareWithBaseline,
  cueReference,
  emptyVoiceBaseline,
  highVoiceShare,
  parseVoiceBaseline,
  updateVoiceBaseline,
} from './voice-baseline.js';
import type { VoiceBaseline } from './voice-baseline.js';
import { CUE_SPECS, VOICE_CUES } from './voice-cues.js';
import type { VoiceCueValues } from './voice-cues.js';

const st = (hz: number): number => 12 * Math.log2(hz);
const cues = (values: Partial<VoiceCueValues>): VoiceCueValues => ({
  ...(Object.fromEntries(VOICE_CUES.map((c) => [c, null])) as VoiceCueValues),
  ...values,
});
const baselineOf = (values: ReadonlyArray<Partial<VoiceCueValues>>): VoiceBaseline =>
  values.reduce<VoiceBaseline>((b, v) => updateVoiceBaseline(b, cues(v)), emptyVoiceBaseline());

describe('robust statistics', () => {
  it('median and scaled MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    // deviations from 3: 2 1 0 1 2 -> MAD 1
    expect(robustScale([1, 2, 3, 4, 5])).toBeCloseTo(1.4826, 10);
    // one wild value moves neither
    expect(median([1, 2, 3, 4, 500])).toBe(3);
    expect(robustScale([1, 2, 3, 4, 500])).toBeCloseTo(1.4826, 10);
  });
});

describe('updateVoiceBaseline', () => {
  it('appends measured cues, skips missing ones, counts clips and does not mutate', () => {
    const empty = emptyVoiceBaseline();
    const one = updateVoiceBaseline(empty, cues({ pitch: 90, loudness: -25.12345 }));
    expect(empty).toEqual({ version: 1, clips: 0, recent: {} });
    expect(one).toEqual({ version: 1, clips: 1, recent: { pitch: [90], loudness: [-25.123] } });
    // a clip with nothing measurable is not counted
    expect(updateVoiceBaseline(one, cues({})).clips).toBe(1);
    expect(updateVoiceBaseline(one, cues({ pitch: Number.NaN })).clips).toBe(1);
  });

  it('keeps only the most recent values', () => {
    let b = emptyVoiceBaseline();
    for (let i = 0; i < BASELINE_WINDOW + 5; i++) b = updateVoiceBaseline(b, cues({ pitch: i }));
    expect(b.clips).toBe(BASELINE_WINDOW + 5);
    expect(b.recent.pitch).toHaveLength(BASELINE_WINDOW);
    expect(b.recent.pitch![0]).toBe(5);
  });

  it('survives a JSON round trip and stays small', () => {
    let b = emptyVoiceBaseline();
    for (let i = 0; i < 100; i++) {
      b = updateVoiceBaseline(
        b,
        cues(Object.fromEntries(VOICE_CUES.map((c, k) => [c, -30 + k * 7.123456 + Math.sin(i)]))),
      );
    }
    const json = JSON.stringify(b);
    expect(parseVoiceBaseline(JSON.parse(json))).toEqual(b);
    expect(json.length).toBeLessThan(5000);
  });
});

describe('parseVoiceBaseline', () => {
  it('turns anything unusable into an empty baseline and drops bad values', () => {
    expect(parseVoiceBaseline(null)).toEqual(emptyVoiceBaseline());
    expect(parseVoiceBaseline('x')).toEqual(emptyVoiceBaseline());
    expect(parseVoiceBaseline({ version: 2, clips: 3, recent: {} })).toEqual(emptyVoiceBaseline());
    expect(
      parseVoiceBaseline({
        version: 1,
        clips: 'many',
        recent: { pitch: [1, 'a', null, 2], bogus: [1], loudness: 'x' },
      }),
    ).toEqual({ version: 1, clips: 2, recent: { pitch: [1, 2] } });
  });
});

describe('cueReference', () => {
  it('cold start: pitch is compared with the norm of its voice range, other cues not at all', () => {
    const empty = emptyVoiceBaseline();
    const low = cueReference(empty, 'pitch', st(115))!;
    const high = cueReference(empty, 'pitch', st(220))!;
    expect(low.source).toBe('population');
    expect(low.center).toBeCloseTo(st(PITCH_NORMS.lowHz), 0);
    expect(high.center).toBeCloseTo(st(PITCH_NORMS.highHz), 0);
    expect(low.reliability).toBeCloseTo(4 / (4 + 6.25), 3);
    expect(cueReference(empty, 'loudness', -20)).toBeNull();
    expect(cueReference(empty, 'tilt', 10)).toBeNull();
    // near the boundary the two norms are blended, not switched
    expect(highVoiceShare(st(159))).toBeGreaterThan(0.3);
    expect(highVoiceShare(st(159))).toBeLessThan(0.7);
  });

  it('blends from the population norm to the user as clips arrive', () => {
    // A low voice at 150 Hz: far above the 120 Hz norm of its range.
    const clips: Array<Partial<VoiceCueValues>> = [];
    let previous = cueReference(emptyVoiceBaseline(), 'pitch', st(150))!;
    expect(previous.center).toBeLessThan(st(150) - 1);
    const sources: string[] = [];
    for (let n = 1; n <= 30; n++) {
      clips.push({ pitch: st(150) });
      const reference = cueReference(baselineOf(clips), 'pitch')!;
      expect(reference.reliability).toBeGreaterThan(previous.reliability);
      expect(reference.center).toBeGreaterThan(previous.center);
      sources.push(reference.source);
      previous = reference;
    }
    // blended for the first clips, then personal for good
    const firstPersonal = sources.indexOf('personal');
    expect(firstPersonal).toBeGreaterThan(0);
    expect(firstPersonal).toBeLessThan(10);
    expect(sources.slice(0, firstPersonal).every((s) => s === 'blended')).toBe(true);
    expect(sources.slice(firstPersonal).every((s) => s === 'personal')).toBe(true);
    expect(previous.reliability).toBeGreaterThan(0.95);
    expect(previous.center).toBeCloseTo(st(150), 1);
  });

  it("uses the typical spread at first and the user's own (floored) spread later", () => {
    const one = cueReference(baselineOf([{ loudness: -20 }]), 'loudness')!;
    // within: typical 3 dB; centre variance 9 / 1: predictive sqrt(18)
    expect(one.center).toBe(-20);
    expect(one.scale).toBeCloseTo(Math.sqrt(18), 6);
    expect(one.reliability).toBeCloseTo(0.5, 6);

    const steady = baselineOf(Array.from({ length: 40 }, () => ({ loudness: -20 })));
    const floor = CUE_SPECS.loudness.minScale;
    const reference = cueReference(steady, 'loudness')!;
    // MAD 0: the prior's share (4 x 9 / 43 = 0.84 dB^2) falls below the 1 dB floor, which holds
    expect(reference.scale).toBeCloseTo(floor * Math.sqrt(1 + 1 / 40), 6);
    const varied = baselineOf(Array.from({ length: 40 }, (_, i) => ({ loudness: -20 + (i % 5) })));
    // deviations from the median 2,1,0,1,2 -> MAD 1 -> own spread 1.48 dB, close to it
    const ownVariance = 1.4826 ** 2;
    expect(cueReference(varied, 'loudness')!.scale).toBeCloseTo(
      Math.sqrt(((4 * 9 + 39 * ownVariance) / 43) * (1 + 1 / 40)),
      6,
    );
  });
});

describe('compareWithBaseline', () => {
  const usual = baselineOf(
    Array.from({ length: 30 }, (_, i) => ({
      pitch: st(200) + ((i % 5) - 2) * 0.8,
      loudness: -24 + ((i % 3) - 1) * 1.5,
    })),
  );

  it('gives z about 0 for the usual voice and signed z for deviations', () => {
    const same = compareWithBaseline(usual, cues({ pitch: st(200), loudness: -24 }));
    expect(Math.abs(same.pitch!.z)).toBeLessThan(0.1);
    expect(Math.abs(same.loudness!.z)).toBeLessThan(0.1);
    const raised = compareWithBaseline(usual, cues({ pitch: st(200) + 3, loudness: -30 }));
    expect(raised.pitch!.z).toBeGreaterThan(1.5);
    expect(raised.loudness!.z).toBeLessThan(-1.5);
    expect(raised.pitch!.source).toBe('personal');
  });

  it('is robust to an outlier clip in the baseline', () => {
    const withOutlier = updateVoiceBaseline(usual, cues({ pitch: st(600), loudness: 0 }));
    const clip = cues({ pitch: st(200) + 2, loudness: -24 });
    expect(compareWithBaseline(withOutlier, clip).pitch!.z).toBeCloseTo(
      compareWithBaseline(usual, clip).pitch!.z,
      1,
    );
  });

  it('clips z at 4 and leaves out cues without value or reference', () => {
    const result = compareWithBaseline(usual, cues({ pitch: st(600), tilt: 12 }));
    expect(result.pitch!.z).toBe(4);
    expect(result.tilt).toBeUndefined(); // no tilt history, no population norm
    expect(result.loudness).toBeUndefined();
  });

  it('reports maturity: 0 new, 0.8 at 20 clips', () => {
    expect(baselineMaturity(emptyVoiceBaseline())).toBe(0);
    expect(baselineMaturity(baselineOf(Array.from({ length: 20 }, () => ({ pitch: 90 }))))).toBe(
      0.8,
    );
  });
});

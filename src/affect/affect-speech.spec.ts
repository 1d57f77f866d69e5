// The same sentence spoken two ways, through the real decoder and prosody analysis: espeak-ng
// clips (test/fixtures/affect, made by make-fixtures.sh and committed so that the test needs no
// espeak-ng) of a reassuring sentence said flat (low, narrow, slow, quiet) and lively (high,
// wide, fast, loud), judged against a baseline of five ordinary sentences by the same voice.
// espeak-ng does not model vocal effort, so its spectral tilt follows F0 rather than effort; the
// production path (tilt included) still has to separate the two from pitch, level and rate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { decodeToPcm } from '../voice/decode/decode-to-pcm.js';
import { analyzeProsody } from '../voice/prosody/analyze-prosody.js';
import type { ProsodyFeatures } from '../voice/prosody/analyze-prosody.js';
import { fuseAffect } from './fuse-affect.js';
import { classifyText } from './lexicon-text-emotion.js';
import { measureSpectralTilt } from './spectral-tilt.js';
import type { SpectralTilt } from './spectral-tilt.js';
import { emptyVoiceBaseline, updateVoiceBaseline } from './voice-baseline.js';
import type { VoiceBaseline } from './voice-baseline.js';
import { voiceCueValues } from './voice-cues.js';
import { assessVocalTone } from './vocal-tone.js';

const FIXTURES = join(process.cwd(), 'test/fixtures/affect');

interface Clip {
  features: ProsodyFeatures;
  spectral: SpectralTilt;
}

async function load(id: string): Promise<Clip> {
  const audio = await decodeToPcm(readFileSync(join(FIXTURES, `${id}.ogg`)), {
    maxDurationSec: 30,
    timeoutMs: 20_000,
  });
  return {
    features: analyzeProsody(audio.samples, audio.sampleRate),
    spectral: measureSpectralTilt(audio.samples, audio.sampleRate),
  };
}

const VOICES = [
  { voice: 'en', text: "I'm fine, thanks for asking. Really, it's nothing." },
  { voice: 'cmn', text: '我没事，谢谢你的关心。真的，没什么。' },
] as const;

describe.each(VOICES)('$voice: one sentence said flat and lively', ({ voice, text }) => {
  let baseline: VoiceBaseline;
  let flat: Clip;
  let lively: Clip;

  it('decodes and analyses the clips', async () => {
    baseline = emptyVoiceBaseline();
    for (let i = 1; i <= 5; i++) {
      const clip = await load(`${voice}-usual-${i}`);
      baseline = updateVoiceBaseline(baseline, voiceCueValues(clip.features, clip.spectral));
    }
    flat = await load(`${voice}-flat`);
    lively = await load(`${voice}-lively`);
    expect(baseline.clips).toBe(5);
    expect(flat.features.f0MedianHz).toBeLessThan(lively.features.f0MedianHz!);
  });

  it("against the speaker's baseline: clearly different arousal, in the right direction", () => {
    const low = assessVocalTone(flat.features, flat.spectral, baseline);
    const high = assessVocalTone(lively.features, lively.spectral, baseline);
    expect(low.arousal.value).toBeLessThan(-0.3);
    expect(high.arousal.value).toBeGreaterThan(0.5);
    expect(high.arousal.value! - low.arousal.value!).toBeGreaterThan(1);
    expect(low.arousal.confidence).toBeGreaterThan(0.5);
    expect(high.arousal.confidence).toBeGreaterThan(0.5);
    expect(low.deviations.pitch!.z).toBeLessThan(-1);
    expect(high.deviations.pitch!.z).toBeGreaterThan(1);
    expect(low.deviations.loudness!.z).toBeLessThan(-2);
    expect(high.deviations.loudness!.z).toBeGreaterThan(1);
    expect(low.deviations.pitchRange!.z).toBeLessThan(-1);
    expect(low.hesitancy.value).toBeGreaterThan(high.hesitancy.value!);
  });

  it('at cold start: still ordered, but with low confidence and saying so', () => {
    const low = assessVocalTone(flat.features, flat.spectral, emptyVoiceBaseline());
    const high = assessVocalTone(lively.features, lively.spectral, emptyVoiceBaseline());
    expect(high.arousal.value!).toBeGreaterThan(low.arousal.value!);
    expect(low.arousal.confidence).toBeLessThan(0.3);
    expect(high.arousal.confidence).toBeLessThan(0.3);
    expect(low.tension.value).toBeNull(); // no range reference yet
  });

  it('"I am fine" said flat is incongruent; said lively it is not', () => {
    const words = classifyText(text);
    expect(words.hedged).toBe(true);
    const flatTurn = fuseAffect(words, assessVocalTone(flat.features, flat.spectral, baseline));
    const livelyTurn = fuseAffect(
      words,
      assessVocalTone(lively.features, lively.spectral, baseline),
    );
    expect(flatTurn.incongruence?.kind).toBe('positive_words_low_voice');
    expect(livelyTurn.incongruence).toBeNull();
    expect(flatTurn.valence).toBeLessThan(livelyTurn.valence);
    expect(flatTurn.arousal).toBeLessThan(livelyTurn.arousal - 0.5);
    const speaking = flatTurn.evidence.find((e) => e.code === 'voice_speaking')!;
    expect(speaking.en).toMatch(/^speaking (much )?slower and quieter than usual$/);
    expect(speaking.zh).toMatch(/^说话比平时慢(很多)?、声音更轻$/);
  });
});

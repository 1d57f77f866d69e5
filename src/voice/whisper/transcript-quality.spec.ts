import { describe, expect, it } from '@jest/globals';
import { cleanTranscript, verboseTranscriptionSchema } from './transcript-quality.js';

const parse = (raw: unknown) => cleanTranscript(verboseTranscriptionSchema.parse(raw));
const segment = (over: Record<string, unknown>) => ({
  id: 0,
  seek: 0,
  start: 0,
  end: 1,
  text: ' hi',
  tokens: [],
  temperature: 0,
  avg_logprob: -0.2,
  compression_ratio: 1.1,
  no_speech_prob: 0.01,
  ...over,
});

describe('cleanTranscript', () => {
  it("reads vLLM's verbose_json: duration as a string, words null, language in full", () => {
    const t = parse({
      duration: '4.48',
      language: 'chinese',
      text: ' 你好',
      segments: [segment({ text: ' 你好' })],
      words: null,
    });
    expect(t).toMatchObject({ text: '你好', language: 'zh', durationSec: 4.48, words: null });
    expect(t.quality).toMatchObject({
      segments: 1,
      droppedSegments: 0,
      suspect: false,
      wordTimestamps: false,
    });
  });

  it('accepts null probabilities and ratios (some servers send them)', () => {
    const t = parse({
      duration: 2,
      language: 'en',
      text: ' ok then',
      segments: [
        segment({
          text: ' ok then',
          no_speech_prob: null,
          compression_ratio: null,
          avg_logprob: null,
        }),
      ],
    });
    expect(t.text).toBe('ok then');
    expect(t.quality.avgLogprob).toBeNull();
  });

  it('drops silent segments and hallucinated loops, and their words', () => {
    const t = parse({
      duration: '6',
      language: 'en',
      text: ' I am here. Thanks for watching! la la la la la la',
      segments: [
        segment({ start: 0, end: 2, text: ' I am here.' }),
        segment({
          start: 2,
          end: 4,
          text: ' Thanks for watching!',
          no_speech_prob: 0.8,
          avg_logprob: -1.3,
        }),
        segment({ start: 4, end: 6, text: ' la la la la la la', compression_ratio: 2.9 }),
      ],
      words: [
        { word: 'I', start: 0.1, end: 0.2 },
        { word: 'am', start: 0.3, end: 0.5 },
        { word: 'here', start: 0.6, end: 1 },
        { word: 'Thanks', start: 2.1, end: 2.5 },
      ],
    });
    expect(t.text).toBe('I am here.');
    expect(t.words?.map((w) => w.word)).toEqual(['I', 'am', 'here']);
    expect(t.quality).toMatchObject({
      segments: 3,
      droppedSegments: 2,
      maxCompressionRatio: 2.9,
      wordTimestamps: true,
    });
  });

  it('keeps an uncertain segment that is not silent, marked suspect', () => {
    const t = parse({
      language: 'en',
      text: ' mumble',
      segments: [segment({ text: ' mumble', avg_logprob: -1.2, no_speech_prob: 0.3 })],
    });
    expect(t.text).toBe('mumble');
    expect(t.quality.suspect).toBe(true);
  });

  it('falls back to the text when a server sends no segments, and yields nothing for silence', () => {
    expect(parse({ text: '  plain  text ' }).text).toBe('plain text');
    const silent = parse({
      language: 'en',
      text: ' you',
      segments: [segment({ text: ' you', no_speech_prob: 0.97, avg_logprob: -2 })],
    });
    expect(silent.text).toBe('');
  });

  it('refuses an answer that is not a transcription', () => {
    expect(verboseTranscriptionSchema.safeParse({ segments: [] }).success).toBe(false);
    expect(verboseTranscriptionSchema.safeParse({ text: 'x', duration: 'long' }).success).toBe(
      false,
    );
  });
});

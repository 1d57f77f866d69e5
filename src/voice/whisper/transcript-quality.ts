import { z } from 'zod';

/**
 * Whisper's verbose_json as the OpenAI-compatible servers send it. vLLM sends `duration` as a
 * string and no words; some servers send null `no_speech_prob` / `compression_ratio` or null
 * words. Everything not needed is ignored.
 */
const number = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?(e-?\d+)?$/i)
    .transform(Number),
]);

const segmentSchema = z.object({
  start: number,
  end: number,
  text: z.string(),
  avg_logprob: number.nullish(),
  compression_ratio: number.nullish(),
  no_speech_prob: number.nullish(),
});

const wordSchema = z.object({ word: z.string(), start: number, end: number });

export const verboseTranscriptionSchema = z.object({
  text: z.string(),
  language: z.string().nullish(),
  duration: number.nullish(),
  segments: z.array(segmentSchema).nullish(),
  words: z.array(wordSchema).nullish(),
});
export type VerboseTranscription = z.infer<typeof verboseTranscriptionSchema>;
export type TranscriptSegment = z.infer<typeof segmentSchema>;

/** Thresholds as Whisper itself uses them to detect failed or silent decoding. */
export const SILENCE_NO_SPEECH_PROB = 0.6;
export const SUSPECT_AVG_LOGPROB = -1;
export const LOOP_COMPRESSION_RATIO = 2.4;

export interface CleanTranscript {
  text: string;
  language: string | null;
  durationSec: number | null;
  words: Array<{ word: string; start: number; end: number }> | null;
  quality: {
    segments: number;
    droppedSegments: number;
    avgLogprob: number | null;
    maxNoSpeechProb: number | null;
    maxCompressionRatio: number | null;
    /** Kept text whose decoding was uncertain (mean avg_logprob below -1). */
    suspect: boolean;
    wordTimestamps: boolean;
  };
}

/**
 * Keeps the segments that are speech: drops a segment Whisper itself would call silent
 * (no_speech_prob above 0.6 with avg_logprob below -1) and one that repeats itself (compression
 * ratio above 2.4, the hallucinated loops Whisper produces on silence and noise). Without
 * segments, the text is taken as it is. Words outside the kept segments go too.
 */
export function cleanTranscript(raw: VerboseTranscription): CleanTranscript {
  const segments = raw.segments ?? null;
  const kept = segments?.filter((s) => !isSilent(s) && !isLoop(s)) ?? null;
  const text = normaliseSpaces(kept ? kept.map((s) => s.text).join('') : raw.text);
  const logprobs = (kept ?? []).map((s) => s.avg_logprob).filter(isNumber);
  const avgLogprob = logprobs.length ? logprobs.reduce((a, b) => a + b, 0) / logprobs.length : null;
  const inKept = (w: { start: number; end: number }) =>
    !kept || kept.some((s) => w.start >= s.start - 0.05 && w.end <= s.end + 0.05);
  const words = raw.words?.filter((w) => w.word.trim() && inKept(w)) ?? null;
  return {
    text,
    language: raw.language ? normaliseLanguage(raw.language) : null,
    durationSec: raw.duration ?? null,
    words: words && words.length > 0 ? words : null,
    quality: {
      segments: segments?.length ?? 0,
      droppedSegments: segments && kept ? segments.length - kept.length : 0,
      avgLogprob,
      maxNoSpeechProb: max(segments?.map((s) => s.no_speech_prob)),
      maxCompressionRatio: max(segments?.map((s) => s.compression_ratio)),
      suspect: avgLogprob !== null && avgLogprob < SUSPECT_AVG_LOGPROB,
      wordTimestamps: words !== null && words.length > 0,
    },
  };
}

function isSilent(s: TranscriptSegment): boolean {
  const noSpeech = s.no_speech_prob ?? null;
  const logprob = s.avg_logprob ?? null;
  if (noSpeech === null) return false;
  // Without a logprob, only a near-certain "no speech" counts.
  return logprob === null
    ? noSpeech > 0.9
    : noSpeech > SILENCE_NO_SPEECH_PROB && logprob < SUSPECT_AVG_LOGPROB;
}

function isLoop(s: TranscriptSegment): boolean {
  return (s.compression_ratio ?? 0) > LOOP_COMPRESSION_RATIO;
}

/** Whisper names languages in full ("english", "chinese"); the service uses ISO 639-1. */
const LANGUAGE_CODES: Record<string, string> = {
  english: 'en',
  chinese: 'zh',
  mandarin: 'zh',
  cantonese: 'yue',
  japanese: 'ja',
  korean: 'ko',
  german: 'de',
  french: 'fr',
  spanish: 'es',
  italian: 'it',
  portuguese: 'pt',
  russian: 'ru',
};

export function normaliseLanguage(language: string): string {
  const lower = language.trim().toLowerCase();
  return LANGUAGE_CODES[lower] ?? lower;
}

function normaliseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isNumber(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function max(xs: Array<number | null | undefined> | undefined): number | null {
  const values = (xs ?? []).filter(isNumber);
  return values.length ? Math.max(...values) : null;
}

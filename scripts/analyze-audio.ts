// Decodes an audio file (any format the upload path accepts) and prints its prosody features as
// one JSON object on stdout. A file that cannot be analysed exits 1 with one line on stderr.
//
//   node --import ./scripts/ts-hooks.mjs scripts/analyze-audio.ts FILE [--words WORDS.json]
//
// WORDS.json, if given, is an array of { start, end, word } (seconds), e.g. from a transcription
// server; the speaking rate is then in words per second.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeToPcm, isAudioDecodeError } from '../src/voice/decode/index.js';
import { analyzeProsody } from '../src/voice/prosody/index.js';
import type { WordTiming } from '../src/voice/prosody/index.js';

const USAGE = 'usage: analyze-audio FILE [--words WORDS.json]';

async function main(): Promise<number> {
  let file: string;
  let wordsFile: string | undefined;
  try {
    const { positionals, values } = parseArgs({
      allowPositionals: true,
      options: { words: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new Error('expected exactly one FILE');
    file = positionals[0];
    wordsFile = values.words;
  } catch (error) {
    console.error(`analyze-audio: ${messageOf(error)}\n${USAGE}`);
    return 2;
  }

  try {
    const words = wordsFile ? parseWords(await readFile(wordsFile, 'utf8')) : undefined;
    const audio = await decodeToPcm(createReadStream(file), {
      maxDurationSec: 600,
      timeoutMs: 120_000,
    });
    const features = analyzeProsody(audio.samples, audio.sampleRate, { words });
    process.stdout.write(`${JSON.stringify(features)}\n`);
    return 0;
  } catch (error) {
    const code = isAudioDecodeError(error) ? `${error.code}: ` : '';
    console.error(`analyze-audio: ${file}: ${code}${messageOf(error)}`);
    return 1;
  }
}

function parseWords(json: string): WordTiming[] {
  const words: unknown = JSON.parse(json);
  const valid =
    Array.isArray(words) &&
    words.every(
      (w: Partial<WordTiming>) =>
        typeof w?.start === 'number' && typeof w.end === 'number' && typeof w.word === 'string',
    );
  if (!valid) throw new Error('the words file must be an array of { start, end, word }');
  return words as WordTiming[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

process.exitCode = await main();

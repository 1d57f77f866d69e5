import type { ExportLine } from './account.service.js';

/** What a base64 string may hold: nothing that needs escaping between JSON quotes. */
const PLAIN_BASE64 = /^[A-Za-z0-9+/=]*$/;

/**
 * One export line as NDJSON, in pieces to write one after another. A voice clip's audio (base64,
 * up to 4/3 of VOICE_MAX_BYTES) is written as it is, last, rather than copied into the line's
 * JSON (and that again with its newline): a clip then costs the server about its own size once.
 */
export function ndjsonPieces(line: ExportLine): string[] {
  const audio = line.audio_base64;
  if (typeof audio !== 'string' || !PLAIN_BASE64.test(audio)) return [`${JSON.stringify(line)}\n`];
  const { audio_base64: _, ...rest } = line;
  return [`${JSON.stringify(rest).slice(0, -1)},"audio_base64":"`, audio, '"}\n'];
}

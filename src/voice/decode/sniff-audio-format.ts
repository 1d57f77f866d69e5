/**
 * Recognises the container (and, where the first bytes tell, the codec) of an uploaded audio file
 * from its magic numbers, so that the upload layer can reject a declared MIME type that does not
 * match the content before anything is decoded.
 */
export type AudioContainer =
  'wav' | 'ogg' | 'webm' | 'matroska' | 'mp4' | '3gp' | 'amr' | 'mp3' | 'aac';

export type AudioCodec =
  | 'pcm'
  | 'g711'
  | 'opus'
  | 'vorbis'
  | 'speex'
  | 'flac'
  | 'aac'
  | 'amr_nb'
  | 'amr_wb'
  | 'mp3'
  | 'unknown';

export interface SniffedAudio {
  readonly container: AudioContainer;
  /** 'unknown' when the codec is not visible in the first bytes (e.g. mp4 with moov at the end). */
  readonly codec: AudioCodec;
}

/** How many leading bytes sniffAudioFormat wants to see (fewer work for most formats). */
export const SNIFF_LENGTH = 4096;

export const MIME_TYPES: Readonly<Record<AudioContainer, readonly string[]>> = {
  wav: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'audio/x-pn-wav'],
  ogg: ['audio/ogg', 'application/ogg', 'audio/opus', 'audio/x-ogg', 'audio/vorbis'],
  webm: ['audio/webm', 'video/webm'],
  matroska: ['audio/x-matroska', 'video/x-matroska'],
  // Several uploaders label iOS .m4a recordings with the codec's type, audio/aac.
  mp4: ['audio/mp4', 'audio/m4a', 'audio/x-m4a', 'video/mp4', 'audio/aac', 'audio/x-aac'],
  '3gp': ['audio/3gpp', 'video/3gpp', 'audio/3gpp2', 'video/3gpp2', 'audio/amr'],
  amr: ['audio/amr', 'audio/amr-wb', 'audio/x-amr', 'audio/3gpp'],
  mp3: ['audio/mpeg', 'audio/mp3', 'audio/mpeg3', 'audio/x-mpeg-3', 'audio/x-mp3', 'audio/mpg'],
  aac: ['audio/aac', 'audio/aacp', 'audio/x-aac', 'audio/x-hx-aac-adts'],
};

/** Types that make no claim about the content; any recognised audio goes with them. */
const GENERIC_MIME_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

export function sniffAudioFormat(head: Uint8Array): SniffedAudio | null {
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE') {
    return { container: 'wav', codec: wavCodec(head) };
  }
  if (ascii(head, 0, 4) === 'OggS') return { container: 'ogg', codec: oggCodec(head) };
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    const container = includesAscii(head, 'webm') ? 'webm' : 'matroska';
    return { container, codec: matroskaCodec(head) };
  }
  if (ascii(head, 4, 4) === 'ftyp') return isoMediaFormat(head);
  if (ascii(head, 0, 9) === '#!AMR-WB\n') return { container: 'amr', codec: 'amr_wb' };
  if (ascii(head, 0, 6) === '#!AMR\n') return { container: 'amr', codec: 'amr_nb' };
  if (ascii(head, 0, 3) === 'ID3') return afterId3Tag(head);
  if (isMp3FrameAt(head, 0, true)) return { container: 'mp3', codec: 'mp3' };
  if (isAdtsFrameAt(head, 0)) return { container: 'aac', codec: 'aac' };
  return null;
}

export type MimeCheck =
  | { readonly ok: true; readonly format: SniffedAudio }
  | {
      readonly ok: false;
      readonly reason: 'unrecognized_audio' | 'mime_mismatch';
      readonly format: SniffedAudio | null;
    };

/**
 * Whether the first bytes are audio we recognise and agree with the declared MIME type
 * (parameters such as "; codecs=opus" and case are ignored; a generic type claims nothing).
 */
export function checkDeclaredMimeType(declared: string | undefined, head: Uint8Array): MimeCheck {
  const format = sniffAudioFormat(head);
  if (!format) return { ok: false, reason: 'unrecognized_audio', format };
  const type = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (GENERIC_MIME_TYPES.has(type) || MIME_TYPES[format.container].includes(type)) {
    return { ok: true, format };
  }
  return { ok: false, reason: 'mime_mismatch', format };
}

function wavCodec(head: Uint8Array): AudioCodec {
  for (let offset = 12; offset + 8 <= head.length;) {
    const size = readUint32LE(head, offset + 4);
    if (ascii(head, offset, 4) === 'fmt ' && offset + 10 <= head.length) {
      const tag = head[offset + 8] | (head[offset + 9] << 8);
      if (tag === 0x0001 || tag === 0x0003 || tag === 0xfffe) return 'pcm';
      if (tag === 0x0006 || tag === 0x0007) return 'g711';
      if (tag === 0x0055) return 'mp3';
      return 'unknown';
    }
    offset += 8 + size + (size % 2);
  }
  return 'unknown';
}

function oggCodec(head: Uint8Array): AudioCodec {
  const segments = head[26] ?? 0;
  const packet = 27 + segments;
  if (ascii(head, packet, 8) === 'OpusHead') return 'opus';
  if (head[packet] === 0x01 && ascii(head, packet + 1, 6) === 'vorbis') return 'vorbis';
  if (ascii(head, packet, 8) === 'Speex   ') return 'speex';
  if (head[packet] === 0x7f && ascii(head, packet + 1, 4) === 'FLAC') return 'flac';
  return 'unknown';
}

function matroskaCodec(head: Uint8Array): AudioCodec {
  if (includesAscii(head, 'A_OPUS')) return 'opus';
  if (includesAscii(head, 'A_VORBIS')) return 'vorbis';
  if (includesAscii(head, 'A_AAC')) return 'aac';
  if (includesAscii(head, 'A_MPEG/L3')) return 'mp3';
  if (includesAscii(head, 'A_PCM')) return 'pcm';
  return 'unknown';
}

const THREE_GP_BRANDS = /^3g(p|e|g|s|2)/;

/** ISO base media (ftyp box): .m4a/.mp4/.mov, or .3gp/.3g2 by brand. */
function isoMediaFormat(head: Uint8Array): SniffedAudio {
  const container = THREE_GP_BRANDS.test(ascii(head, 8, 4)) ? '3gp' : 'mp4';
  // The sample entry is only in the head when the moov box comes first ("fast start").
  let codec: AudioCodec = 'unknown';
  if (includesAscii(head, 'mp4a')) codec = 'aac';
  else if (includesAscii(head, 'samr')) codec = 'amr_nb';
  else if (includesAscii(head, 'sawb')) codec = 'amr_wb';
  else if (includesAscii(head, 'Opus')) codec = 'opus';
  return { container, codec };
}

function afterId3Tag(head: Uint8Array): SniffedAudio {
  // ID3v2 size: four 7-bit bytes; a footer adds 10 more bytes.
  const size =
    ((head[6] & 0x7f) << 21) |
    ((head[7] & 0x7f) << 14) |
    ((head[8] & 0x7f) << 7) |
    (head[9] & 0x7f);
  const frame = 10 + size + ((head[5] ?? 0) & 0x10 ? 10 : 0);
  if (isAdtsFrameAt(head, frame)) return { container: 'aac', codec: 'aac' };
  return { container: 'mp3', codec: 'mp3' };
}

const MPEG1_LAYER3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_LAYER3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MPEG1_SAMPLE_RATES = [44100, 48000, 32000];

/**
 * An MPEG audio layer III frame header at `offset`. Random bytes pass an 11-bit sync check
 * often enough that, when the head is long enough, the next frame's header must follow too.
 */
function isMp3FrameAt(head: Uint8Array, offset: number, confirmNext: boolean): boolean {
  if (offset + 4 > head.length) return false;
  if (head[offset] !== 0xff || (head[offset + 1] & 0xe0) !== 0xe0) return false;
  const version = (head[offset + 1] >> 3) & 0x03; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const layer = (head[offset + 1] >> 1) & 0x03; // 1: layer III
  const bitrateIndex = head[offset + 2] >> 4;
  const rateIndex = (head[offset + 2] >> 2) & 0x03;
  if (
    version === 1 ||
    layer !== 1 ||
    bitrateIndex === 0 ||
    bitrateIndex === 15 ||
    rateIndex === 3
  ) {
    return false;
  }
  if (!confirmNext) return true;
  const mpeg1 = version === 3;
  const kbps = (mpeg1 ? MPEG1_LAYER3_KBPS : MPEG2_LAYER3_KBPS)[bitrateIndex];
  const sampleRate = MPEG1_SAMPLE_RATES[rateIndex] / (version === 3 ? 1 : version === 2 ? 2 : 4);
  const padding = (head[offset + 2] >> 1) & 0x01;
  const length = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / sampleRate) + padding;
  const next = offset + length;
  return next + 4 > head.length || isMp3FrameAt(head, next, false);
}

/** An ADTS (raw AAC) frame header: 12-bit sync, layer 0, valid sampling-frequency index. */
function isAdtsFrameAt(head: Uint8Array, offset: number): boolean {
  if (offset + 7 > head.length) return false;
  if (head[offset] !== 0xff || (head[offset + 1] & 0xf6) !== 0xf0) return false;
  return ((head[offset + 2] >> 2) & 0x0f) < 13;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (offset < 0 || offset + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function includesAscii(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(text, 0, 'latin1');
}

function readUint32LE(bytes: Uint8Array, offset: number): number {
  if (offset + 4 > bytes.length) return Number.MAX_SAFE_INTEGER;
  return (
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16)) +
    bytes[offset + 3] * 2 ** 24
  );
}

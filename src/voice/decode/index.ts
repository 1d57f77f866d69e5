export { AudioDecodeError, isAudioDecodeError } from './audio-decode-error.js';
export type { AudioDecodeErrorCode } from './audio-decode-error.js';
export { DECODE_SAMPLE_RATE, DEFAULT_MAX_INPUT_BYTES, decodeToPcm } from './decode-to-pcm.js';
export type { DecodeOptions, DecodedAudio } from './decode-to-pcm.js';
export { encodeWav } from './encode-wav.js';
export {
  MIME_TYPES,
  SNIFF_LENGTH,
  checkDeclaredMimeType,
  sniffAudioFormat,
} from './sniff-audio-format.js';
export type { AudioCodec, AudioContainer, MimeCheck, SniffedAudio } from './sniff-audio-format.js';

import { z } from 'zod';
import type { VocalSummary } from '../affect/affect.service.js';
import type { ProsodyFeatures } from './prosody/index.js';

/** Voice upload events of protocol v1 (docs/protocol.md, "Voice messages"). */

const clientMsgId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const voiceStartSchema = z
  .object({
    clientMsgId,
    conversationId: z.string().uuid().optional(),
    mimeType: z.string().min(1).max(100),
    sizeBytes: z.number().int().min(0).optional(),
    durationMs: z.number().int().min(0).optional(),
    /** The user's language when the app knows it (ISO 639-1, e.g. "en", "zh"): helps transcription. */
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, 'an ISO 639 language code such as en or zh')
      .optional(),
  })
  .strict();
export type VoiceStart = z.infer<typeof voiceStartSchema>;

export const voiceChunkSchema = z
  .object({
    clientMsgId,
    index: z.number().int().min(0),
    data: z.custom<Uint8Array>(
      (v) => v instanceof Uint8Array,
      'binary data (a Buffer or Uint8Array)',
    ),
  })
  .strict();
export type VoiceChunk = z.infer<typeof voiceChunkSchema>;

export const voiceEndSchema = z.object({ clientMsgId, chunks: z.number().int().min(1) }).strict();
export type VoiceEnd = z.infer<typeof voiceEndSchema>;

export enum VoiceErrorCode {
  /** A MIME type the service does not take. */
  UnsupportedType = 'audio_unsupported_type',
  /** The bytes are audio of another kind than the declared MIME type says. */
  TypeMismatch = 'audio_type_mismatch',
  /** The bytes are not audio the service recognises. */
  Unrecognized = 'audio_unrecognized',
  Empty = 'audio_empty',
  Corrupt = 'audio_corrupt',
  TooLong = 'audio_too_long',
  TooLarge = 'audio_too_large',
  DecodeTimeout = 'audio_decode_timeout',
  UploadNotFound = 'upload_not_found',
  /** Too many uploads of this user under way. */
  UploadLimit = 'upload_limit',
  /** This pod holds as many unfinished upload bytes as it may: retry the chunk or the start. */
  UploadCapacity = 'upload_capacity',
  /** Every ffmpeg slot of this pod is taken and the line is full: send voice:end again. */
  DecodeBusy = 'audio_decode_busy',
  /** Every transcription slot is taken and the line is full: the message is kept, resend it. */
  TranscriptionBusy = 'transcription_busy',
  /** The voice analysis line is full: the reply goes on without the voice's tone. */
  AnalysisBusy = 'voice_analysis_busy',
  /** The voice analysis took too long: the reply goes on without the voice's tone. */
  AnalysisTimeout = 'voice_analysis_timeout',
  ChunkOutOfOrder = 'chunk_out_of_order',
  ChunkRepeated = 'chunk_repeated',
  ChunkTooLarge = 'chunk_too_large',
  ChunkCountMismatch = 'chunk_count_mismatch',
  TranscriptionFailed = 'transcription_failed',
  NoSpeech = 'voice_no_speech',
}

export type VoiceStartAck =
  | { uploadId: string; nextIndex: number; duplicate: false }
  | { uploadId: null; duplicate: true; messageId: string; conversationId: string; seq: number };

export interface VoiceChunkAck {
  index: number;
  nextIndex: number;
}

export interface VoiceTranscriptEvent {
  messageId: string;
  conversationId: string;
  text: string;
  language: string | null;
}

export interface VoiceAnalysisEvent {
  messageId: string;
  conversationId: string;
  prosody: ProsodyFeatures;
  /** The voice alone against the user's usual voice (src/affect); null if it could not be read. */
  vocal: VocalSummary | null;
}

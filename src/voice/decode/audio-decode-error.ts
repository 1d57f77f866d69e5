/** Stable codes the upload layer can map to client-facing errors. */
export type AudioDecodeErrorCode =
  /** No bytes at all. */
  | 'audio_empty'
  /** ffmpeg could not decode the input, or decoded it to no audio. */
  | 'audio_corrupt'
  /** More than maxDurationSec of audio; decoding was stopped there. */
  | 'audio_too_long'
  /** More than maxInputBytes of input; reading was stopped there. */
  | 'audio_too_large'
  /** Decoding did not finish within timeoutMs; ffmpeg was killed. */
  | 'audio_decode_timeout';

export class AudioDecodeError extends Error {
  override readonly name = 'AudioDecodeError';

  constructor(
    readonly code: AudioDecodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAudioDecodeError(error: unknown): error is AudioDecodeError {
  return error instanceof AudioDecodeError;
}

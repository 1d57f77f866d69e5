import OpenAI, { toFile } from 'openai';
import {
  cleanTranscript,
  verboseTranscriptionSchema,
  type CleanTranscript,
} from './transcript-quality.js';

export interface WhisperSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  retries: number;
  wordTimestamps: boolean;
}

/** OpenAI's limit for an uploaded file, which the compatible servers share. */
export const MAX_TRANSCRIPTION_BYTES = 25 * 1024 * 1024;

export class TranscriptionError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TranscriptionError';
  }
}

/**
 * Transcribes through the official client against an OpenAI-compatible `/audio/transcriptions`
 * (vLLM, faster-whisper servers). It is sent the 16 kHz mono WAV the service decoded, never the
 * phone's original (AMR is not accepted, some servers mishandle m4a/webm). verbose_json is
 * validated leniently (string durations, null probabilities, missing words) and cleaned of
 * silent and looping segments. The client retries timeouts, 429 and 5xx with backoff.
 */
export class WhisperClient {
  private readonly client: OpenAI;

  constructor(private readonly settings: WhisperSettings) {
    this.client = new OpenAI({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey || 'none',
      timeout: settings.timeoutMs,
      maxRetries: settings.retries,
    });
  }

  async transcribe(
    wav: Buffer,
    options: { language?: string | null; signal?: AbortSignal } = {},
  ): Promise<CleanTranscript> {
    if (wav.length > MAX_TRANSCRIPTION_BYTES) {
      throw new TranscriptionError(
        `the audio is over the 25 MB transcription limit (${MAX_TRANSCRIPTION_BYTES} bytes)`,
      );
    }
    let raw: unknown;
    try {
      raw = await this.client.audio.transcriptions.create(
        {
          file: await toFile(wav, 'voice.wav', { type: 'audio/wav' }),
          model: this.settings.model,
          response_format: 'verbose_json',
          temperature: 0,
          ...(options.language ? { language: options.language } : {}),
          ...(this.settings.wordTimestamps
            ? { timestamp_granularities: ['word', 'segment'] as Array<'word' | 'segment'> }
            : {}),
        },
        { signal: options.signal },
      );
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      throw new TranscriptionError(
        `transcription failed: ${e instanceof Error ? e.message : String(e)}`,
        typeof status === 'number' ? status : undefined,
      );
    }
    const parsed = verboseTranscriptionSchema.safeParse(raw);
    if (!parsed.success) {
      throw new TranscriptionError(
        `the transcription server sent an unexpected answer: ${parsed.error.issues[0]?.message}`,
      );
    }
    return cleanTranscript(parsed.data);
  }
}

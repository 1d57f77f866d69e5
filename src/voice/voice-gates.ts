import { ConcurrencyGate } from '../common/concurrency-gate.js';
import type { AppConfig } from '../config/app-config.js';

/**
 * What bounds a pod's voice work, besides the upload bytes it holds: ffmpeg processes
 * (VOICE_DECODE_CONCURRENCY, VOICE_DECODE_QUEUE) and transcription requests
 * (WHISPER_MAX_CONCURRENT, WHISPER_MAX_WAITING). Prosody analysis has its own pool and line
 * (ProsodyAnalyzer). Each refusal has its own code (docs/protocol.md).
 */
export class VoiceGates {
  readonly decode: ConcurrencyGate;
  readonly transcribe: ConcurrencyGate;

  constructor(config: AppConfig) {
    this.decode = new ConcurrencyGate(
      config.voice.decodeConcurrency,
      config.voice.decodeQueue,
      'audio decodes',
    );
    this.transcribe = new ConcurrencyGate(
      config.whisper.maxConcurrent,
      config.whisper.maxWaiting,
      'transcriptions',
    );
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ChatEmitter } from '../chat/chat-emitter.js';
import type { MessageEntity } from '../chat/message.entity.js';
import { ReplyService } from '../chat/reply.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { Metrics } from '../observability/metrics.js';
import { PromptService } from '../prompting/prompt.service.js';
import { AffectService } from '../affect/affect.service.js';
import { ProsodyAnalyzer, type VoiceAnalysis } from './analysis/prosody-analyzer.js';
import { DECODE_SAMPLE_RATE, decodeToPcm, encodeWav } from './decode/index.js';
import { wordRate } from './prosody/index.js';
import { VoiceClipRepository } from './voice-clip.repository.js';
import { VoiceErrorCode } from './voice.protocol.js';
import { WhisperClient } from './whisper/whisper.client.js';
import type { CleanTranscript } from './whisper/transcript-quality.js';

/** Attempts at transcribing one clip before it is failed for good (a resend starts over). */
const MAX_ATTEMPTS = 3;

/**
 * What happens to a stored voice message: the decoded PCM is transcribed (as WAV) and analysed
 * (on a worker thread) at the same time; the transcript becomes the message's text, the prosody
 * is stored with the clip, both go to every device of the user, and then the reply starts. If
 * transcription fails the user still gets the analysis and a clear error.
 *
 * The pod that stored the clip holds a processing lease on it; a sweep picks up clips whose pod
 * died before finishing, decodes them again from the stored audio and processes them.
 */
@Injectable()
export class VoiceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(VoiceProcessor.name);
  private readonly inFlight = new Set<Promise<void>>();
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly clips: VoiceClipRepository,
    private readonly whisper: WhisperClient,
    private readonly analyzer: ProsodyAnalyzer,
    private readonly replies: ReplyService,
    private readonly prompts: PromptService,
    private readonly emitter: ChatEmitter,
    private readonly metrics: Metrics,
    private readonly affect: AffectService,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.max(1000, Math.floor(this.config.voice.processingLeaseMs / 2));
    this.sweepTimer = setInterval(() => void this.sweep(), every);
    this.sweepTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.allSettled([...this.inFlight]);
    await this.analyzer.close();
  }

  /** Processes a clip this pod just stored, with the PCM it already decoded. */
  process(
    message: MessageEntity,
    samples: Float32Array,
    languageHint: string | null,
    receivedAt?: number,
  ): void {
    const run = this.run(message, samples, languageHint, receivedAt)
      .catch((e: unknown) =>
        this.logger.error({ messageId: message.id, err: String(e) }, 'voice processing crashed'),
      )
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** A resent voice message whose transcription failed: try again from the stored audio. */
  async retry(message: MessageEntity): Promise<boolean> {
    const clip = await this.clips.claimForRetry(
      message.id,
      message.userId,
      this.runtime.instanceId,
      this.config.voice.processingLeaseMs,
    );
    if (!clip) return false;
    this.processStored(clip.message, clip.audio, clip.languageHint);
    return true;
  }

  /** Picks up clips whose pod died mid-way; fails for good those out of attempts. */
  async sweep(): Promise<void> {
    try {
      for (const message of await this.clips.failExhausted(MAX_ATTEMPTS)) {
        this.tellFailed(message, 'could not transcribe the voice message after several attempts');
      }
      const claimed = await this.clips.claimAbandoned(
        this.runtime.instanceId,
        this.config.voice.processingLeaseMs,
        MAX_ATTEMPTS,
      );
      for (const clip of claimed) {
        this.logger.warn(
          { messageId: clip.message.id, attempt: clip.attempts },
          'resuming an abandoned voice clip',
        );
        this.processStored(clip.message, clip.audio, clip.languageHint);
      }
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'voice recovery sweep failed');
    }
  }

  private processStored(message: MessageEntity, audio: Buffer, languageHint: string | null): void {
    const run = decodeToPcm(audio, {
      maxDurationSec: this.config.voice.maxDurationSec,
      timeoutMs: this.config.voice.decodeTimeoutMs,
      maxInputBytes: this.config.voice.maxBytes,
    })
      .then((decoded) => this.run(message, decoded.samples, languageHint))
      .catch((e: unknown) =>
        this.logger.error({ messageId: message.id, err: String(e) }, 'voice reprocessing failed'),
      )
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async run(
    message: MessageEntity,
    samples: Float32Array,
    languageHint: string | null,
    receivedAt?: number,
  ): Promise<void> {
    const waitForWords = this.config.whisper.wordTimestamps;
    const transcription = this.timed('transcribe', () =>
      this.whisper.transcribe(encodeWav(samples, DECODE_SAMPLE_RATE), { language: languageHint }),
    );
    const analysis = this.timed('analyse', () =>
      this.analyzer.analyze(samples, DECODE_SAMPLE_RATE),
    );
    // Without word timings the analysis need not wait for the transcript: devices get it at once.
    const analysed = waitForWords
      ? null
      : analysis.then((p) => this.publishProsody(message, p)).catch(() => undefined);

    const [transcript, measured] = await Promise.allSettled([transcription, analysis]);
    if (measured.status === 'rejected') {
      this.logger.warn(
        { messageId: message.id, err: String(measured.reason) },
        'prosody analysis failed',
      );
    } else if (waitForWords) {
      const words = transcript.status === 'fulfilled' ? transcript.value.words : null;
      const { features, spectral } = measured.value;
      await this.publishProsody(message, {
        features: words ? { ...features, ...wordRate(words) } : features,
        spectral,
      });
    }
    await analysed;

    if (transcript.status === 'rejected') {
      this.logger.warn(
        { messageId: message.id, err: String(transcript.reason) },
        'transcription failed',
      );
      await this.clips.markFailed(message.id, this.runtime.instanceId);
      this.tellFailed(message, 'could not transcribe the voice message; send it again to retry');
      return;
    }
    await this.publishTranscript(message, transcript.value, receivedAt);
  }

  /** Stores the analysis and tells every device, with the voice read against the user's usual. */
  private async publishProsody(message: MessageEntity, analysis: VoiceAnalysis): Promise<void> {
    await this.clips.saveAnalysis(message.id, analysis);
    const vocal = await this.affect.vocalSummary(message.userId, analysis).catch((e: unknown) => {
      this.logger.warn({ messageId: message.id, err: String(e) }, 'vocal tone failed');
      return null;
    });
    this.emitter.toUser(message.userId, 'voice:analysis', {
      messageId: message.id,
      conversationId: message.conversationId,
      prosody: analysis.features,
      vocal,
    });
  }

  private async publishTranscript(
    message: MessageEntity,
    transcript: CleanTranscript,
    receivedAt?: number,
  ) {
    const spoken = transcript.text.length > 0;
    const stored = await this.clips.saveTranscript({
      messageId: message.id,
      owner: this.runtime.instanceId,
      status: spoken ? 'done' : 'no_speech',
      text: transcript.text,
      contentTokens: spoken ? this.prompts.countTokens(transcript.text) : 0,
      language: transcript.language,
      quality: transcript.quality,
    });
    if (!stored) {
      this.logger.warn(
        { messageId: message.id },
        'voice clip was claimed by another pod; result dropped',
      );
      return;
    }
    this.logger.log(
      {
        messageId: message.id,
        conversationId: message.conversationId,
        language: transcript.language,
        chars: transcript.text.length,
        droppedSegments: transcript.quality.droppedSegments,
        suspect: transcript.quality.suspect,
      },
      spoken ? 'voice message transcribed' : 'voice message has no speech',
    );
    if (!spoken) {
      this.emitter.toUser(message.userId, 'error', {
        code: VoiceErrorCode.NoSpeech,
        message: 'no words could be heard in the voice message',
        messageId: message.id,
        conversationId: message.conversationId,
        clientMsgId: message.clientMsgId ?? undefined,
      });
      return;
    }
    this.emitter.toUser(message.userId, 'voice:transcript', {
      messageId: message.id,
      conversationId: message.conversationId,
      text: transcript.text,
      language: transcript.language,
    });
    this.replies.ensureReply(message.conversationId, { receivedAt });
  }

  private tellFailed(message: MessageEntity, text: string): void {
    this.emitter.toUser(message.userId, 'error', {
      code: VoiceErrorCode.TranscriptionFailed,
      message: text,
      messageId: message.id,
      conversationId: message.conversationId,
      clientMsgId: message.clientMsgId ?? undefined,
    });
  }

  private async timed<T>(stage: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      this.metrics.voiceStage.observe(
        { stage, outcome: 'ok' },
        (performance.now() - started) / 1000,
      );
      return result;
    } catch (e) {
      this.metrics.voiceStage.observe(
        { stage, outcome: 'error' },
        (performance.now() - started) / 1000,
      );
      throw e;
    }
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AffectService } from '../affect/affect.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import type { MessageEntity } from '../conversation/message.entity.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { EventBus } from '../jobs/event-bus.js';
import { EventName } from '../jobs/job-names.js';
import { Metrics } from '../observability/metrics.js';
import { PromptService } from '../prompting/prompt.service.js';
import type { TurnUser } from '../turn/turn.js';
import { TurnService } from '../turn/turn.service.js';
import { GateFullError, withPlace } from '../common/concurrency-gate.js';
import {
  AnalysisRefused,
  ProsodyAnalyzer,
  type VoiceAnalysis,
} from './analysis/prosody-analyzer.js';
import { VoiceGates } from './voice-gates.js';
import { DECODE_SAMPLE_RATE, decodeToPcm, encodeWav } from './decode/index.js';
import { wordRate } from './prosody/index.js';
import { VoiceClipRepository } from './voice-clip.repository.js';
import { VoiceErrorCode } from './voice.protocol.js';
import { WhisperClient } from './whisper/whisper.client.js';
import type { CleanTranscript } from './whisper/transcript-quality.js';

/** Attempts at transcribing one clip before it is failed for good (a resend starts over). */
const MAX_ATTEMPTS = 3;

/** Who asked, for the turn that follows the transcript. */
interface Origin {
  receivedAt?: number;
  user?: Pick<TurnUser, 'locale' | 'timeZone'>;
  /** The turn the upload asked for (its log lines already carry it). */
  turnId?: string;
}

/**
 * What happens to a stored voice message: the decoded PCM is transcribed (as WAV) and analysed
 * (on a worker thread) at the same time; the transcript becomes the message's text, the prosody
 * is stored with the clip, both go to every device of the user, and the transcript (with what
 * the analysis measured) is handed to turn/, which answers it. If transcription fails the user
 * still gets the analysis and a clear error. Either way `voice.analysed` is published.
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
    private readonly db: DataSource,
    private readonly clips: VoiceClipRepository,
    private readonly messages: MessageRepository,
    private readonly whisper: WhisperClient,
    private readonly analyzer: ProsodyAnalyzer,
    private readonly gates: VoiceGates,
    private readonly turns: TurnService,
    private readonly prompts: PromptService,
    private readonly emitter: ClientEmitter,
    private readonly events: EventBus,
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
    origin: Origin = {},
  ): void {
    const run = this.run(message, samples, languageHint, origin)
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
    this.processStored(message, clip.audio, clip.languageHint);
    return true;
  }

  /** Picks up clips whose pod died mid-way; fails for good those out of attempts. */
  async sweep(): Promise<void> {
    try {
      const exhausted = await this.messages.findByIds(await this.clips.failExhausted(MAX_ATTEMPTS));
      for (const message of exhausted) {
        this.tellFailed(message, 'could not transcribe the voice message after several attempts');
      }
      const claimed = await this.clips.claimAbandoned(
        this.runtime.instanceId,
        this.config.voice.processingLeaseMs,
        MAX_ATTEMPTS,
      );
      const messages = new Map(
        (await this.messages.findByIds(claimed.map((c) => c.messageId))).map((m) => [m.id, m]),
      );
      for (const clip of claimed) {
        const message = messages.get(clip.messageId);
        if (!message) continue;
        this.logger.warn(
          { messageId: clip.messageId, attempt: clip.attempts },
          'resuming an abandoned voice clip',
        );
        this.processStored(message, clip.audio, clip.languageHint);
      }
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'voice recovery sweep failed');
    }
  }

  private processStored(message: MessageEntity, audio: Buffer, languageHint: string | null): void {
    // Waits its turn for ffmpeg (a full line fails it: the clip's lease runs out and a later
    // sweep tries again).
    const run = withPlace(this.gates.decode, () =>
      decodeToPcm(audio, {
        maxDurationSec: this.config.voice.maxDurationSec,
        timeoutMs: this.config.voice.decodeTimeoutMs,
        maxInputBytes: this.config.voice.maxBytes,
      }),
    )
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
    origin: Origin = {},
  ): Promise<void> {
    const waitForWords = this.config.whisper.wordTimestamps;
    const transcription = this.timed('transcribe', () =>
      withPlace(this.gates.transcribe, () =>
        this.whisper.transcribe(encodeWav(samples, DECODE_SAMPLE_RATE), {
          language: languageHint,
        }),
      ),
    );
    const analysis = this.timed('analyse', () =>
      this.analyzer.analyze(samples, DECODE_SAMPLE_RATE),
    );
    // Without word timings the analysis need not wait for the transcript: devices get it at once.
    const analysed = waitForWords
      ? null
      : analysis.then((p) => this.publishProsody(message, p)).catch(() => undefined);

    const [transcript, measured] = await Promise.allSettled([transcription, analysis]);
    let result: VoiceAnalysis | null = null;
    if (measured.status === 'rejected') {
      this.logger.warn(
        { messageId: message.id, err: String(measured.reason) },
        'prosody analysis failed',
      );
      const refused: unknown = measured.reason;
      if (refused instanceof AnalysisRefused) {
        // The reply goes on without the voice's tone; the app hears why no analysis comes.
        this.emitter.toUser(message.userId, 'error', {
          code:
            refused.reason === 'busy'
              ? VoiceErrorCode.AnalysisBusy
              : VoiceErrorCode.AnalysisTimeout,
          message: 'the voice could not be analysed now; the reply goes on without its tone',
          messageId: message.id,
          conversationId: message.conversationId,
          clientMsgId: message.clientMsgId ?? undefined,
        });
      }
    } else if (waitForWords) {
      const words = transcript.status === 'fulfilled' ? transcript.value.words : null;
      const { features, spectral } = measured.value;
      result = { features: words ? { ...features, ...wordRate(words) } : features, spectral };
      await this.publishProsody(message, result);
    } else {
      result = measured.value;
    }
    await analysed;

    let transcribed = false;
    if (transcript.status === 'rejected') {
      this.logger.warn(
        { messageId: message.id, err: String(transcript.reason) },
        'transcription failed',
      );
      await this.clips.markFailed(message.id, this.runtime.instanceId);
      const busy: unknown = transcript.reason;
      if (busy instanceof GateFullError) {
        this.tellFailed(
          message,
          'the transcription service is busy; your message is kept, send it again shortly',
          VoiceErrorCode.TranscriptionBusy,
        );
      } else {
        this.tellFailed(message, 'could not transcribe the voice message; send it again to retry');
      }
    } else {
      transcribed = await this.publishTranscript(message, transcript.value, result, origin);
    }
    this.events
      .publish(EventName.VoiceAnalysed, {
        userId: message.userId,
        conversationId: message.conversationId,
        messageId: message.id,
        transcribed,
        measurement: result
          ? { messageId: message.id, prosody: result.features, spectral: result.spectral }
          : null,
      })
      .catch((e: unknown) =>
        this.logger.warn(
          { messageId: message.id, err: String(e) },
          'could not publish voice.analysed',
        ),
      );
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

  /**
   * Stores the transcript as the message's text and closes the clip, in one transaction; then
   * tells every device and hands the message to turn/. True when a turn will answer it.
   */
  private async publishTranscript(
    message: MessageEntity,
    transcript: CleanTranscript,
    analysis: VoiceAnalysis | null,
    origin: Origin,
  ): Promise<boolean> {
    const spoken = transcript.text.length > 0;
    const stored = await this.db.transaction(async (tx) => {
      const owned = await this.clips.finishTranscript(
        {
          messageId: message.id,
          owner: this.runtime.instanceId,
          status: spoken ? 'done' : 'no_speech',
          language: transcript.language,
          quality: transcript.quality,
        },
        tx,
      );
      if (!owned) return false;
      await this.messages.setTranscript(
        message.id,
        transcript.text,
        spoken ? this.prompts.countTokens(transcript.text) : 0,
        tx,
      );
      return true;
    });
    if (!stored) {
      this.logger.warn(
        { messageId: message.id },
        'voice clip was claimed by another process; result dropped',
      );
      return false;
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
      return false;
    }
    this.emitter.toUser(message.userId, 'voice:transcript', {
      messageId: message.id,
      conversationId: message.conversationId,
      text: transcript.text,
      language: transcript.language,
    });
    this.turns.answer({
      conversationId: message.conversationId,
      userId: message.userId,
      receivedAt: origin.receivedAt,
      user: origin.user,
      text: transcript.text,
      turnId: origin.turnId,
      why: 'transcript',
      voice: analysis
        ? {
            messageId: message.id,
            prosody: analysis.features,
            spectral: analysis.spectral,
            language: transcript.language,
          }
        : null,
    });
    return true;
  }

  private tellFailed(
    message: MessageEntity,
    text: string,
    code: VoiceErrorCode = VoiceErrorCode.TranscriptionFailed,
  ): void {
    this.emitter.toUser(message.userId, 'error', {
      code,
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

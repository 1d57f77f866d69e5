import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/token-verifier.js';
import { CodedError } from '../common/coded-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { MessageEntity } from '../conversation/message.entity.js';
import {
  isUniqueViolation,
  MessageRepository,
  type StoredUserMessage,
} from '../conversation/message.repository.js';
import { GatewayErrorCode, parsePayload } from '../gateway/chat.exception.js';
import type { SendAck } from '../gateway/chat.protocol.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { MessageRateLimiter } from '../gateway/message-rate-limiter.js';
import { toMessageView } from '../gateway/message-view.js';
import { handshakeUser } from '../gateway/socket-data.js';
import { TurnService } from '../turn/turn.service.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { Lifecycle } from '../observability/lifecycle.js';
import { withTurnId } from '../observability/log-context.js';
import { ModerationService } from '../moderation/moderation.service.js';
import { Metrics } from '../observability/metrics.js';
import {
  checkDeclaredMimeType,
  decodeToPcm,
  isAudioDecodeError,
  MIME_TYPES,
  SNIFF_LENGTH,
} from './decode/index.js';
import { UploadRegistry } from './upload-registry.js';
import { GateFullError } from '../common/concurrency-gate.js';
import { VoiceClipRepository, type NewVoiceClip } from './voice-clip.repository.js';
import { VoiceGates } from './voice-gates.js';
import { VoiceProcessor } from './voice-processor.js';
import {
  VoiceErrorCode,
  voiceChunkSchema,
  voiceEndSchema,
  voiceStartSchema,
  type VoiceChunkAck,
  type VoiceStartAck,
} from './voice.protocol.js';

const ACCEPTED_TYPES = new Set([...Object.values(MIME_TYPES).flat(), 'application/octet-stream']);

/** The voice upload protocol: voice:start, voice:chunk, voice:end. */
@Injectable()
export class VoiceService {
  private readonly logger = new Logger(VoiceService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly db: DataSource,
    private readonly uploads: UploadRegistry,
    private readonly messages: MessageRepository,
    private readonly clips: VoiceClipRepository,
    private readonly processor: VoiceProcessor,
    private readonly gates: VoiceGates,
    private readonly turns: TurnService,
    private readonly limiter: MessageRateLimiter,
    private readonly emitter: ClientEmitter,
    private readonly lifecycle: Lifecycle,
    private readonly metrics: Metrics,
    private readonly moderation: ModerationService,
  ) {}

  /**
   * Opens (or resumes) an upload. A clientMsgId that is already a stored message answers with
   * `duplicate: true` and the message: nothing needs uploading (a failed transcription is retried).
   */
  async start(user: Principal, payload: unknown): Promise<VoiceStartAck> {
    const input = parsePayload(voiceStartSchema, payload);
    const refuse = (
      code: VoiceErrorCode | GatewayErrorCode,
      message: string,
      extra: { retryAfterMs?: number } = {},
    ) => new CodedError(code, message, { clientMsgId: input.clientMsgId, ...extra });
    const stored = await this.messages.findByClientMsgId(user.userId, input.clientMsgId);
    if (stored) return this.duplicate(stored, user);
    if (this.lifecycle.draining) {
      throw refuse(
        GatewayErrorCode.Unavailable,
        'this server is restarting: reconnect and send again',
        { retryAfterMs: 1000 },
      );
    }
    const [type = ''] = input.mimeType.split(';');
    const mime = type.trim().toLowerCase();
    if (!ACCEPTED_TYPES.has(mime)) {
      throw refuse(
        VoiceErrorCode.UnsupportedType,
        `${mime} is not a supported recording type (m4a/AAC, Ogg or WebM Opus, AMR, MP3, WAV)`,
      );
    }
    if (
      input.durationMs !== undefined &&
      input.durationMs > this.config.voice.maxDurationSec * 1000
    ) {
      throw refuse(
        VoiceErrorCode.TooLong,
        `voice messages are limited to ${this.config.voice.maxDurationSec} s`,
      );
    }
    // A muted, suspended or banned user may not start a recording (one read by primary key).
    await this.moderation.assertMaySend(user.userId, input.clientMsgId);
    const started = this.uploads.start({ userId: user.userId, ...input });
    return { ...started, duplicate: false };
  }

  chunk(user: Principal, payload: unknown): Promise<VoiceChunkAck> {
    const input = parsePayload(voiceChunkSchema, payload);
    const nextIndex = this.uploads.append(user.userId, input.clientMsgId, input.index, input.data);
    return Promise.resolve({ index: input.index, nextIndex });
  }

  /**
   * Finishes an upload: checks the content against the declared type, decodes it (bounded in
   * time and length), stores clip and message in one statement and acks; transcription and
   * analysis follow as events.
   */
  end(user: Principal, socket: Socket, payload: unknown): Promise<SendAck> {
    // The turn this voice message asks for starts here: its log lines, the transcription's and
    // the reply's, carry this id.
    const turnId = TurnService.newTurnId();
    return withTurnId(turnId, () => this.finishUpload(user, socket, payload, turnId));
  }

  private async finishUpload(
    user: Principal,
    socket: Socket,
    payload: unknown,
    turnId: string,
  ): Promise<SendAck> {
    const receivedAt = Date.now();
    const input = parsePayload(voiceEndSchema, payload);
    const refuse = (
      code: VoiceErrorCode | GatewayErrorCode,
      message: string,
      extra: { retryAfterMs?: number } = {},
    ) => {
      this.metrics.voiceUploads.inc({ outcome: code });
      return new CodedError(code, message, { clientMsgId: input.clientMsgId, ...extra });
    };
    const existing = await this.messages.findByClientMsgId(user.userId, input.clientMsgId);
    if (existing) {
      if (this.uploads.has(user.userId, input.clientMsgId))
        this.uploads.finish(user.userId, input.clientMsgId, input.chunks);
      const ack = await this.duplicate(existing, user);
      return {
        messageId: ack.messageId,
        conversationId: ack.conversationId,
        seq: ack.seq,
        duplicate: true,
      };
    }
    // A user muted, suspended or banned while the recording uploaded: nothing is stored.
    await this.moderation.assertMaySend(user.userId, input.clientMsgId);
    // A place for ffmpeg first: when the pod is full the upload is kept and voice:end is sent
    // again, instead of decoding everything at once.
    let releaseDecode: () => void;
    try {
      releaseDecode = await this.gates.decode.acquire();
    } catch (e) {
      if (!(e instanceof GateFullError)) throw e;
      throw refuse(
        VoiceErrorCode.DecodeBusy,
        'the server is decoding many recordings; send voice:end again shortly',
        {
          retryAfterMs: 1000,
        },
      );
    }
    try {
      return await this.decodeAndStore(user, socket, input, receivedAt, turnId, refuse);
    } finally {
      releaseDecode();
    }
  }

  private async decodeAndStore(
    user: Principal,
    socket: Socket,
    input: { clientMsgId: string; chunks: number },
    receivedAt: number,
    turnId: string,
    refuse: (
      code: VoiceErrorCode | GatewayErrorCode,
      message: string,
      extra?: { retryAfterMs?: number },
    ) => CodedError,
  ): Promise<SendAck> {
    const upload = this.uploads.finish(user.userId, input.clientMsgId, input.chunks);

    const check = checkDeclaredMimeType(upload.mimeType, upload.audio.subarray(0, SNIFF_LENGTH));
    if (!check.ok && check.reason === 'unrecognized_audio') {
      throw refuse(
        VoiceErrorCode.Unrecognized,
        'the upload is not a recording in a supported format',
      );
    }
    if (!check.ok) {
      throw refuse(
        VoiceErrorCode.TypeMismatch,
        `the upload was declared ${upload.mimeType} but is ${check.format?.container ?? 'something else'}`,
      );
    }
    const rate = await this.limiter.take(user.userId);
    if (!rate.allowed) {
      throw refuse(GatewayErrorCode.RateLimited, 'too many messages; wait a moment', {
        retryAfterMs: rate.retryAfterMs,
      });
    }

    const decodeStarted = performance.now();
    let decoded;
    try {
      decoded = await decodeToPcm(upload.audio, {
        maxDurationSec: this.config.voice.maxDurationSec,
        timeoutMs: this.config.voice.decodeTimeoutMs,
        maxInputBytes: this.config.voice.maxBytes,
      });
      this.metrics.voiceStage.observe(
        { stage: 'decode', outcome: 'ok' },
        (performance.now() - decodeStarted) / 1000,
      );
    } catch (e) {
      await this.limiter.refund(user.userId);
      this.metrics.voiceStage.observe(
        { stage: 'decode', outcome: 'error' },
        (performance.now() - decodeStarted) / 1000,
      );
      if (isAudioDecodeError(e))
        throw refuse(
          e.code as VoiceErrorCode,
          decodeMessage(e.code, this.config.voice.maxDurationSec),
        );
      throw e;
    }

    const hints = handshakeUser(socket);
    const { message, duplicate } = await this.store(
      user.userId,
      input.clientMsgId,
      upload.conversationId,
      hints,
      {
        mimeType: upload.mimeType.slice(0, 100),
        container: check.format.container,
        codec: check.format.codec,
        audio: upload.audio,
        durationSec: decoded.durationSec,
        retentionSec: this.config.voice.retentionDays * 86_400,
        languageHint: upload.language,
        processingOwner: this.runtime.instanceId,
        processingLeaseMs: this.config.voice.processingLeaseMs,
      },
    );
    this.metrics.voiceUploads.inc({ outcome: duplicate ? 'duplicate' : 'stored' });
    this.metrics.messages.inc({ kind: 'voice', outcome: duplicate ? 'duplicate' : 'stored' });
    if (duplicate) {
      await this.limiter.refund(user.userId);
    } else {
      this.emitter.toOtherDevices(socket, user.userId, 'message:new', {
        message: toMessageView(message),
      });
      this.logger.log(
        {
          messageId: message.id,
          conversationId: message.conversationId,
          container: check.format.container,
          codec: check.format.codec,
          bytes: upload.audio.length,
          durationSec: Math.round(decoded.durationSec * 100) / 100,
        },
        'voice message stored',
      );
      this.processor.process(message, decoded.samples, upload.language ?? null, {
        receivedAt,
        user: hints,
        turnId,
      });
    }
    return {
      messageId: message.id,
      conversationId: message.conversationId,
      seq: message.seq,
      duplicate,
    };
  }

  /**
   * The message and its clip in one transaction: a voice message never exists without its audio.
   * A repeat of the clientMsgId (a retry racing the first upload) returns the stored message.
   */
  private async store(
    userId: string,
    clientMsgId: string,
    conversationId: string | undefined,
    hints: {
      locale: string | null;
      timeZone: string | null;
      platform: string | null;
      appVersion: string | null;
    },
    clip: NewVoiceClip,
  ): Promise<StoredUserMessage> {
    try {
      return await this.db.transaction(async (tx) => {
        const stored = await this.messages.insertUserMessage(
          {
            userId,
            clientMsgId,
            conversationId,
            content: '',
            contentTokens: 0,
            kind: 'voice',
            ...hints,
          },
          tx,
        );
        await this.clips.insert(stored.message.id, userId, clip, tx);
        return stored;
      });
    } catch (e) {
      if (!isUniqueViolation(e, 'UQ_messages_user_client_msg')) throw e;
      const stored = await this.messages.findByClientMsgId(userId, clientMsgId);
      if (!stored) throw e;
      return { message: stored, duplicate: true };
    }
  }

  /**
   * A resend of a stored voice message: a failed transcription is tried again from the stored
   * audio; a transcribed message whose reply failed or never came is answered.
   */
  private async duplicate(
    message: MessageEntity,
    user: Principal,
  ): Promise<Extract<VoiceStartAck, { duplicate: true }>> {
    if (message.kind === 'voice' && (await this.clips.status(message.id)) === 'failed') {
      await this.processor.retry(message);
    } else if (message.content !== '' && (await this.messages.rearmReply(message.id))) {
      this.turns.answer({
        conversationId: message.conversationId,
        userId: user.userId,
        why: 'resend',
      });
    }
    return {
      uploadId: null,
      duplicate: true,
      messageId: message.id,
      conversationId: message.conversationId,
      seq: message.seq,
    };
  }
}

function decodeMessage(code: string, maxDurationSec: number): string {
  switch (code) {
    case 'audio_empty':
      return 'the recording is empty';
    case 'audio_too_long':
      return `voice messages are limited to ${maxDurationSec} s`;
    case 'audio_too_large':
      return 'the recording is too large';
    case 'audio_decode_timeout':
      return 'the recording took too long to read; it may be damaged';
    default:
      return 'the recording could not be read; it may be damaged or cut short';
  }
}

import { Module } from '@nestjs/common';
import { AffectModule } from '../affect/affect.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { ConversationModule } from '../conversation/conversation.module.js';
import { RealtimeModule } from '../gateway/realtime.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { PromptingModule } from '../prompting/prompting.module.js';
import { TurnModule } from '../turn/turn.module.js';
import { ProsodyAnalyzer } from './analysis/prosody-analyzer.js';
import { UploadRegistry } from './upload-registry.js';
import { VoiceGateway } from './voice.gateway.js';
import { VoiceGates } from './voice-gates.js';
import { VoiceProcessor } from './voice-processor.js';
import { VoiceService } from './voice.service.js';
import { VoiceStoreModule } from './voice-store.module.js';
import { WhisperClient } from './whisper/whisper.client.js';

/**
 * Voice messages (ROLE=gateway or all): uploads over the socket, ffmpeg decoding, transcription
 * and prosody; a transcript ends here by being handed to turn/.
 */
@Module({
  imports: [
    VoiceStoreModule,
    ConversationModule,
    RealtimeModule,
    TurnModule,
    AffectModule,
    PromptingModule,
    ModerationModule,
  ],
  providers: [
    VoiceGateway,
    VoiceService,
    VoiceProcessor,
    {
      provide: UploadRegistry,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new UploadRegistry({
          maxBytes: config.voice.maxBytes,
          chunkMaxBytes: config.voice.chunkMaxBytes,
          idleMs: config.voice.uploadIdleMs,
          perUser: config.voice.uploadsPerUser,
          podBytes: config.voice.pendingBytesPerPod,
        }),
    },
    {
      provide: ProsodyAnalyzer,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ProsodyAnalyzer(config.voice.analysisWorkers, {
          maxQueue: config.voice.analysisQueue,
          timeoutMs: config.voice.analysisTimeoutMs,
        }),
    },
    {
      provide: VoiceGates,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new VoiceGates(config),
    },
    {
      provide: WhisperClient,
      inject: [APP_CONFIG, RUNTIME],
      useFactory: (config: AppConfig, runtime: Runtime) =>
        new WhisperClient({ ...config.whisper, baseUrl: runtime.whisperBaseUrl }),
    },
  ],
})
export class VoiceModule {}

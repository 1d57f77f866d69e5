import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { ProsodyAnalyzer } from './analysis/prosody-analyzer.js';
import { UploadRegistry } from './upload-registry.js';
import { VoiceClipExpiryJob } from './voice-clip-expiry.job.js';
import { VoiceClipRepository } from './voice-clip.repository.js';
import { VoiceGateway } from './voice.gateway.js';
import { VoiceProcessor } from './voice-processor.js';
import { VoiceService } from './voice.service.js';
import { WhisperClient } from './whisper/whisper.client.js';

@Module({
  imports: [ChatModule],
  providers: [
    VoiceGateway,
    VoiceService,
    VoiceProcessor,
    VoiceClipRepository,
    VoiceClipExpiryJob,
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
      useFactory: (config: AppConfig) => new ProsodyAnalyzer(config.voice.analysisWorkers),
    },
    {
      provide: WhisperClient,
      inject: [APP_CONFIG, RUNTIME],
      useFactory: (config: AppConfig, runtime: Runtime) =>
        new WhisperClient({ ...config.whisper, baseUrl: runtime.whisperBaseUrl }),
    },
  ],
  exports: [VoiceClipExpiryJob],
})
export class VoiceModule {}

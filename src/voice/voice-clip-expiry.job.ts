import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { JobName } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { VoiceClipRepository } from './voice-clip.repository.js';

const EVERY_MS = 60 * 60 * 1000;

/** Hourly: deletes the audio of clips past VOICE_RETENTION_DAYS; transcript and features stay. */
@Injectable()
export class VoiceClipExpiryJob implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(VoiceClipExpiryJob.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly queue: JobQueue,
    private readonly clips: VoiceClipRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.VoiceClipExpiry, () => this.expire());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue
      .repeat(JobName.VoiceClipExpiry, {}, EVERY_MS)
      .catch((e: unknown) =>
        this.logger.warn({ err: String(e) }, 'could not schedule voice clip expiry'),
      );
  }

  /** Deletes in batches until nothing is left; returns how many clips lost their audio. */
  async expire(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.clips.expireAudio(1000);
      total += n;
      if (n < 1000) break;
    }
    if (total > 0)
      this.logger.log(
        { clips: total, retentionDays: this.config.voice.retentionDays },
        'expired voice audio deleted',
      );
    return total;
  }
}

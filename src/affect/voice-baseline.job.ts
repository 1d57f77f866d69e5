import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../jobs/event-bus.js';
import { EventName, JobName } from '../jobs/job-names.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { AffectService } from './affect.service.js';

/**
 * Folds voice clips into their user's baseline, after a turn judged them against the baseline
 * as it was (turn.completed), or as soon as they are analysed when no turn will (voice.analysed
 * of a clip whose words were not heard). The job only calls the service; the service folds each
 * clip once.
 */
@Injectable()
export class VoiceBaselineJob implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly events: EventBus,
    private readonly affect: AffectService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.VoiceBaselineUpdate, (clip) => this.affect.learnVoice(clip));
    this.events.subscribe(EventName.TurnCompleted, JobName.VoiceBaselineUpdate, (turn) =>
      turn.voice.map((clip) => ({
        data: { userId: turn.userId, ...clip },
        options: { jobId: `baseline-${clip.messageId}` },
      })),
    );
    this.events.subscribe(EventName.VoiceAnalysed, JobName.VoiceBaselineUpdate, (clip) =>
      !clip.transcribed && clip.measurement
        ? [
            {
              data: { userId: clip.userId, ...clip.measurement },
              options: { jobId: `baseline-${clip.messageId}` },
            },
          ]
        : [],
    );
  }
}

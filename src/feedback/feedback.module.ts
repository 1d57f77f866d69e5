import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module.js';
import { ExperimentRepository } from './experiments/experiment.repository.js';
import { ExperimentResultsService } from './experiments/experiment-results.service.js';
import { ExperimentsService } from './experiments/experiments.service.js';
import { FeedbackRepository } from './feedback.repository.js';
import { FeedbackService } from './feedback.service.js';

/**
 * The model loop (docs/model-loop.md): reactions to replies and training consent, experiments
 * and their variants. Owns `feedback_events`, `training_consents`, `experiments` and
 * `experiment_exposures`. The turn asks it for a user's variant and tells it what was served.
 */
@Module({
  imports: [ConversationModule],
  providers: [
    FeedbackRepository,
    FeedbackService,
    ExperimentRepository,
    ExperimentsService,
    ExperimentResultsService,
  ],
  exports: [
    FeedbackService,
    ExperimentsService,
    FeedbackRepository,
    ExperimentRepository,
    ExperimentResultsService,
  ],
})
export class FeedbackModule {}

import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { ConsentController } from './consent.controller.js';
import { DatasetController } from './dataset/dataset.controller.js';
import { ExperimentsController } from './experiments/experiments.controller.js';
import { FeedbackModule } from './feedback.module.js';

/** The model loop's HTTP API, for processes that serve HTTP APIs: consent, experiments, exports. */
@Module({
  imports: [FeedbackModule, AnalyticsModule],
  controllers: [ConsentController, DatasetController, ExperimentsController],
})
export class FeedbackApiModule {}

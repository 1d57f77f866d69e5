import { Global, Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module.js';
import { HealthController } from './health.controller.js';
import { Lifecycle } from './lifecycle.js';
import { Metrics } from './metrics.js';
import { MetricsController } from './metrics.controller.js';

/** Platform module (global): metrics and the draining flag for everyone; health and metrics routes. */
@Global()
@Module({
  imports: [LlmModule],
  controllers: [HealthController, MetricsController],
  providers: [Metrics, Lifecycle],
  exports: [Metrics, Lifecycle],
})
export class ObservabilityModule {}

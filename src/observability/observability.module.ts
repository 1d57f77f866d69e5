import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { Lifecycle } from './lifecycle.js';
import { Metrics } from './metrics.js';
import { MetricsController } from './metrics.controller.js';

@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [Metrics, Lifecycle],
  exports: [Metrics, Lifecycle],
})
export class ObservabilityModule {}

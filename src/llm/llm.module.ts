import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { Metrics } from '../observability/metrics.js';
import { LlmClient } from './llm.client.js';
import { LlmGate } from './llm-gate.js';
import { LlmProbe } from './llm-probe.js';

@Module({
  providers: [
    {
      provide: LlmGate,
      inject: [APP_CONFIG, Metrics],
      useFactory: (config: AppConfig, metrics: Metrics) => {
        const gate = new LlmGate(config.llm.maxConcurrent, config.llm.maxWaiting);
        metrics.onScrape(() => {
          metrics.llmInFlight.set(gate.inFlight);
          metrics.llmWaiting.set(gate.waiting);
        });
        return gate;
      },
    },
    {
      provide: LlmClient,
      inject: [APP_CONFIG, RUNTIME, LlmGate],
      useFactory: (config: AppConfig, runtime: Runtime, gate: LlmGate) =>
        new LlmClient({ ...config.llm, baseUrl: runtime.llmBaseUrl }, gate),
    },
    {
      provide: LlmProbe,
      inject: [APP_CONFIG, RUNTIME],
      useFactory: (config: AppConfig, runtime: Runtime) =>
        new LlmProbe(runtime.llmBaseUrl, config.llm.apiKey),
    },
  ],
  exports: [LlmClient, LlmGate, LlmProbe],
})
export class LlmModule {}

import { Module, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { Metrics } from '../observability/metrics.js';
import { LlmClient } from './llm.client.js';
import { LlmGate } from './llm-gate.js';
import { LlmProbe } from './llm-probe.js';
import { ModelRouter } from './model-router.js';

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
      provide: ModelRouter,
      inject: [APP_CONFIG, LlmGate],
      useFactory: (config: AppConfig, gate: LlmGate) => {
        const { model, sampling, maxTokens, enableThinking } = config.llm;
        const line = {
          get waiting() {
            return gate.waiting;
          },
          maxWaiting: config.llm.maxWaiting,
        };
        const router = new ModelRouter(
          config.routing,
          { route: 'default', endpoint: 'default', model, sampling, maxTokens, enableThinking },
          line,
        );
        // Endpoints' load and models are read in the background, never on a turn's path.
        router.start(ModelRouter.targets(config.routing));
        return router;
      },
    },
    {
      provide: LlmClient,
      inject: [APP_CONFIG, RUNTIME, LlmGate, ModelRouter],
      useFactory: (config: AppConfig, runtime: Runtime, gate: LlmGate, router: ModelRouter) =>
        new LlmClient(
          { ...config.llm, baseUrl: runtime.llmBaseUrl },
          gate,
          ModelRouter.targets(config.routing),
          router.configured ? router : null,
        ),
    },
    {
      provide: LlmProbe,
      inject: [APP_CONFIG, RUNTIME],
      useFactory: (config: AppConfig, runtime: Runtime) =>
        new LlmProbe(runtime.llmBaseUrl, config.llm.apiKey),
    },
  ],
  exports: [LlmClient, LlmGate, LlmProbe, ModelRouter],
})
export class LlmModule implements OnModuleDestroy {
  constructor(private readonly router: ModelRouter) {}

  onModuleDestroy(): void {
    this.router.stop();
  }
}

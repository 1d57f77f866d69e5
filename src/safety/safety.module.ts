import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RealtimeModule } from '../gateway/realtime.module.js';
import { OUTPUT_CHECK, type OutputCheckFactory } from '../turn/output-check.js';
import { TemplateStore } from '../prompting/template-store.js';
import { GUARD, type GuardCheck } from './guard-check.js';
import { GuardClient } from './guard/guard-client.js';
import { createOutputCheck } from './output/output-check.js';
import { SafetyRepository } from './safety.repository.js';
import { SAFETY_TEMPLATES, SafetyService } from './safety.service.js';

/**
 * Safety on every turn (docs/safety.md): risk reading and state, the crisis protocol's text, the
 * output check the generate stage runs the reply through, notices, minors mode, and flags for
 * operators. The turn's safety, protocol and generate stages use it; the user's profile call and
 * the yearly report too.
 */
@Module({
  imports: [RealtimeModule],
  providers: [
    SafetyRepository,
    SafetyService,
    {
      provide: SAFETY_TEMPLATES,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new TemplateStore(config.prompt.dir, config.safety.promptSet),
    },
    {
      provide: GUARD,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): GuardCheck | null => {
        const { baseUrl, ...rest } = config.safety.guard;
        return baseUrl ? new GuardClient({ baseUrl, ...rest }) : null;
      },
    },
    {
      provide: OUTPUT_CHECK,
      useValue: ((policy) =>
        createOutputCheck({ minor: policy.minor })) satisfies OutputCheckFactory,
    },
  ],
  exports: [SafetyService, SafetyRepository, OUTPUT_CHECK],
})
export class SafetyModule {}

import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AccountApiModule } from './account/account-api.module.js';
import { AccountModule } from './account/account.module.js';
import { AnalyticsApiModule } from './analytics/analytics-api.module.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { AuthModule } from './auth/auth.module.js';
import { RedisModule } from './common/redis.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { RUNTIME, type Runtime } from './config/runtime.js';
import { ConsoleModule } from './console/console.module.js';
import { ConversationModule } from './conversation/conversation.module.js';
import { dataSourceOptions } from './database/data-source.js';
import { RelaxedWritesModule } from './database/statements.js';
import { FeedbackApiModule } from './feedback/feedback-api.module.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { ModerationApiModule } from './moderation/moderation-api.module.js';
import { MemoryApiModule } from './memory/memory-api.module.js';
import { SafetyApiModule } from './safety/safety-api.module.js';
import { MemoryModule } from './memory/memory.module.js';
import { loggerParams } from './observability/logger.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { OperatorModule } from './operator/operator.module.js';
import { AffectModule } from './affect/affect.module.js';
import { TurnSweepsModule } from './turn/turn.module.js';
import { VoiceModule } from './voice/voice.module.js';
import { VoiceStoreModule } from './voice/voice-store.module.js';

/**
 * The application, by role (one image, three roles; docs/architecture.md). The platform modules
 * (configuration here, the data source, Redis, jobs, observability, auth) are global, as the data
 * source is; feature modules are not and import what they use.
 *   gateway: the socket namespaces and HTTP APIs; turns run here; jobs are queued, not run.
 *   worker:  queue jobs and sweeps; health and metrics only.
 *   all:     both (the default, and embedded mode).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, runtime: Runtime): DynamicModule {
    const serves = config.role !== 'worker';
    const works = config.role !== 'gateway';
    // Every job handler is registered wherever its module is loaded; a worker loads the modules
    // whose jobs it runs.
    const jobOwners = [
      ConversationModule,
      AffectModule,
      MemoryModule,
      VoiceStoreModule,
      AccountModule,
      AnalyticsModule,
    ];
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams(config)),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(runtime.databaseUrl, config.database.poolSize),
          retryAttempts: 3,
          retryDelay: 1000,
        }),
        RelaxedWritesModule.forRoot(
          runtime.databaseUrl,
          Math.max(2, Math.ceil(config.database.poolSize / 2)),
        ),
        RedisModule.forRoot(config.redis.url),
        JobsModule.forRoot(config.redis, works),
        ObservabilityModule,
        AuthModule,
        ...jobOwners,
        TurnSweepsModule.forRole(config.role),
        ...(serves
          ? [
              GatewayModule,
              VoiceModule,
              OperatorModule,
              AccountApiModule,
              MemoryApiModule,
              SafetyApiModule,
              ModerationApiModule,
              AnalyticsApiModule,
              FeedbackApiModule,
              ConsoleModule,
            ]
          : []),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RUNTIME, useValue: runtime },
      ],
      exports: [APP_CONFIG, RUNTIME],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module.js';
import { ChatModule } from './chat/chat.module.js';
import { RedisModule } from './common/redis.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { RUNTIME, type Runtime } from './config/runtime.js';
import { dataSourceOptions } from './database/data-source.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LlmModule } from './llm/llm.module.js';
import { loggerParams } from './observability/logger.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { PromptingModule } from './prompting/prompting.module.js';
import { VoiceModule } from './voice/voice.module.js';
import { AffectModule } from './affect/affect.module.js';
import { OperatorModule } from './operator/operator.module.js';
import { MemoryModule } from './memory/memory.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, runtime: Runtime): DynamicModule {
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
        RedisModule.forRoot(config.redis.url),
        JobsModule.forRoot(config.redis),
        ObservabilityModule,
        AuthModule,
        LlmModule,
        PromptingModule,
        AffectModule,
        OperatorModule,
        MemoryModule,
        ChatModule,
        VoiceModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RUNTIME, useValue: runtime },
      ],
      exports: [APP_CONFIG, RUNTIME],
    };
  }
}

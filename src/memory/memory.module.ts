import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { ModelCompletions } from '../llm/model-completions.js';
import { QwenTokenizer } from '../prompting/qwen-tokenizer.js';
import { TemplateStore } from '../prompting/template-store.js';
import { Metrics } from '../observability/metrics.js';
import { ConversationSummaryService } from './conversation-summary.service.js';
import { EMBEDDINGS, EmbeddingClient } from './embeddings/embedding-client.js';
import { MemoryController } from './memory.controller.js';
import {
  MEMORY_MODEL,
  MEMORY_PROMPTS,
  MemoryExtractionService,
} from './memory-extraction.service.js';
import { MemoryRepository } from './memory.repository.js';
import { MemoryService } from './memory.service.js';
import { recallParams } from './recall/recall-params.js';
import { RecallRepository } from './recall/recall.repository.js';
import { RecallService } from './recall/recall.service.js';
import { UserApiLimitsGuard } from './user-api-limits.guard.js';
import { UserDataService } from './user-data.service.js';

@Global()
@Module({
  controllers: [MemoryController],
  providers: [
    MemoryService,
    MemoryRepository,
    MemoryExtractionService,
    ConversationSummaryService,
    UserDataService,
    UserApiLimitsGuard,
    {
      provide: EMBEDDINGS,
      inject: [APP_CONFIG, Metrics],
      useFactory: (config: AppConfig, metrics: Metrics): EmbeddingClient | null => {
        const { baseUrl, ...rest } = config.embeddings;
        return baseUrl ? new EmbeddingClient({ baseUrl, ...rest }, metrics) : null;
      },
    },
    {
      provide: RecallService,
      inject: [DataSource, QwenTokenizer, MemoryRepository, APP_CONFIG, EMBEDDINGS],
      useFactory: (
        db: DataSource,
        tokenizer: QwenTokenizer,
        memories: MemoryRepository,
        config: AppConfig,
        embeddings: EmbeddingClient | null,
      ) =>
        new RecallService(
          new RecallRepository(db, { storedTerms: true, embeddingModel: embeddings?.model }),
          tokenizer,
          memories,
          recallParams({ budgetTokens: config.memory.budgetTokens }),
          embeddings,
        ),
    },
    {
      provide: MEMORY_MODEL,
      inject: [APP_CONFIG, RUNTIME],
      useFactory: (config: AppConfig, runtime: Runtime) =>
        new ModelCompletions({
          baseUrl: config.memory.baseUrl ?? runtime.llmBaseUrl,
          apiKey: config.memory.baseUrl ? config.memory.apiKey : config.llm.apiKey,
          model: config.memory.model ?? config.llm.model,
          timeoutMs: config.memory.timeoutMs,
        }),
    },
    {
      provide: MEMORY_PROMPTS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new TemplateStore(config.prompt.dir, config.memory.promptSet),
    },
  ],
  exports: [MemoryService],
})
export class MemoryModule {}

import { Module } from '@nestjs/common';
import { AffectModule } from '../affect/affect.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { ConversationModule } from '../conversation/conversation.module.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { ModelCompletions } from '../llm/model-completions.js';
import { PromptingModule } from '../prompting/prompting.module.js';
import { QwenTokenizer } from '../prompting/qwen-tokenizer.js';
import { TurnTracesModule } from '../turn/turn-traces.module.js';
import { TemplateStore } from '../prompting/template-store.js';
import { Metrics } from '../observability/metrics.js';
import { ConversationSummaryJob } from './conversation-summary.job.js';
import { ConversationSummaryService } from './conversation-summary.service.js';
import { EMBEDDINGS, EmbeddingClient } from './embeddings/embedding-client.js';
import { MemoryExtractionJob } from './memory-extraction.job.js';
import {
  MEMORY_MODEL,
  MEMORY_PROMPTS,
  MemoryExtractionService,
} from './memory-extraction.service.js';
import { MemoryRepository } from './memory.repository.js';
import { MemoryService } from './memory.service.js';
import { ForgetJob } from './forget.job.js';
import { ForgetService } from './forget.service.js';
import { recallParams } from './recall/recall-params.js';
import { RecallTurns } from './recall/recall-turns.js';
import { RecallService } from './recall/recall.service.js';
import { UserDataService } from './user-data.service.js';

/**
 * Long-term memory: extraction and summary jobs (on turn.completed), the memory store, recall
 * for the turn's recall stage, and "forget that" (with its undo, and the scrub of turn traces
 * through TurnTracesModule). Messages are read and marked through the
 * conversation module; how the user seemed, through affect. The user's memory API is
 * MemoryApiModule, served by processes that serve HTTP APIs.
 */
@Module({
  imports: [ConversationModule, AffectModule, PromptingModule, TurnTracesModule],
  providers: [
    MemoryService,
    ForgetService,
    ForgetJob,
    MemoryRepository,
    MemoryExtractionService,
    MemoryExtractionJob,
    ConversationSummaryService,
    ConversationSummaryJob,
    UserDataService,
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
      inject: [MessageRepository, QwenTokenizer, MemoryRepository, APP_CONFIG, EMBEDDINGS],
      useFactory: (
        messages: MessageRepository,
        tokenizer: QwenTokenizer,
        memories: MemoryRepository,
        config: AppConfig,
        embeddings: EmbeddingClient | null,
      ) =>
        new RecallService(
          new RecallTurns(messages, { storedTerms: true, embeddingModel: embeddings?.model }),
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
  exports: [MemoryService, ForgetService, MemoryRepository, UserDataService, EMBEDDINGS],
})
export class MemoryModule {}

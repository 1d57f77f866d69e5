import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PromptService } from './prompt.service.js';
import { QwenTokenizer } from './qwen-tokenizer.js';
import { TemplateStore } from './template-store.js';

@Module({
  providers: [
    PromptService,
    {
      provide: QwenTokenizer,
      // Ready before the app is: the first count does not wait for the tokenizer to load.
      useFactory: async () => {
        const tokenizer = new QwenTokenizer();
        await tokenizer.ready();
        return tokenizer;
      },
    },
    {
      provide: TemplateStore,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new TemplateStore(config.prompt.dir, config.prompt.set),
    },
  ],
  exports: [PromptService, QwenTokenizer],
})
export class PromptingModule {}

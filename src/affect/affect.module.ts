import { Logger, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TemplateStore } from '../prompting/template-store.js';
import { AffectRepository } from './affect.repository.js';
import { AffectService, TEXT_EMOTION_CLASSIFIER } from './affect.service.js';
import { EMOTION_LABELS } from './emotion-labels.js';
import { LexiconTextEmotionClassifier } from './lexicon-text-emotion.js';
import { ModelCompletions } from '../llm/model-completions.js';
import { ModelTextEmotionClassifier } from './model-text-emotion.js';
import { VoiceBaselineJob } from './voice-baseline.job.js';

@Module({
  providers: [
    AffectService,
    AffectRepository,
    VoiceBaselineJob,
    {
      provide: TEXT_EMOTION_CLASSIFIER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const lexicon = new LexiconTextEmotionClassifier();
        const { affect } = config;
        if (!affect.modelBaseUrl) return lexicon;
        const instruction = new TemplateStore(config.prompt.dir, affect.promptSet).render(
          'text-emotion',
          {
            labels: EMOTION_LABELS,
          },
        );
        new Logger('AffectModule').log(
          { model: affect.model },
          'text emotion from a model, with the lexicon as fallback',
        );
        return new ModelTextEmotionClassifier(
          new ModelCompletions({
            baseUrl: affect.modelBaseUrl,
            apiKey: affect.modelApiKey,
            model: affect.model,
            timeoutMs: affect.modelTimeoutMs,
            retries: 0,
          }),
          instruction,
          lexicon,
        );
      },
    },
  ],
  exports: [AffectService, AffectRepository],
})
export class AffectModule {}

import { Logger } from '@nestjs/common';
import type { ModelCompletions } from '../llm/model-completions.js';
import {
  TEXT_EMOTION_JSON_SCHEMA,
  normalizeTextEmotion,
  type TextEmotion,
  type TextEmotionClassifier,
  type TextLanguage,
} from './text-emotion.js';

/**
 * Text emotion from a small classifier model on an OpenAI-compatible endpoint (vLLM), with
 * structured output through ModelCompletions (`response_format` json_schema, which vLLM
 * enforces; no retry). Any failure (timeout, error, an answer that does not validate) falls back
 * to the lexicon, so a turn never waits longer than the timeout nor goes without an estimate.
 */
export class ModelTextEmotionClassifier implements TextEmotionClassifier {
  private readonly logger = new Logger(ModelTextEmotionClassifier.name);

  constructor(
    private readonly model: ModelCompletions,
    /** The instruction (prompts/affect/vN/text-emotion.njk, rendered). */
    private readonly instruction: string,
    private readonly fallback: TextEmotionClassifier,
  ) {}

  async classify(text: string, lang?: TextLanguage): Promise<TextEmotion> {
    try {
      const answer = await this.model.json(
        [
          { role: 'system', content: this.instruction },
          { role: 'user', content: text },
        ],
        { name: 'text_emotion', schema: TEXT_EMOTION_JSON_SCHEMA },
        300,
      );
      const parsed = normalizeTextEmotion(JSON.parse(answer || 'null'));
      if (parsed) return parsed;
      this.logger.warn('text emotion model answered outside the schema; using the lexicon');
    } catch (e) {
      this.logger.warn(
        { err: e instanceof Error ? e.message : String(e) },
        'text emotion model failed; using the lexicon',
      );
    }
    return this.fallback.classify(text, lang);
  }
}

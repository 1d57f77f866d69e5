import { Logger } from '@nestjs/common';
import OpenAI from 'openai';
import {
  TEXT_EMOTION_JSON_SCHEMA,
  normalizeTextEmotion,
  type TextEmotion,
  type TextEmotionClassifier,
  type TextLanguage,
} from './text-emotion.js';

export interface ModelClassifierSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** The instruction (prompts/affect/vN/text-emotion.njk, rendered). */
  instruction: string;
}

/**
 * Text emotion from a small classifier model on an OpenAI-compatible endpoint (vLLM), with
 * structured output: `response_format` json_schema, which vLLM enforces. Any failure (timeout,
 * error, an answer that does not validate) falls back to the lexicon, so a turn never waits
 * longer than the timeout nor goes without an estimate.
 */
export class ModelTextEmotionClassifier implements TextEmotionClassifier {
  private readonly logger = new Logger(ModelTextEmotionClassifier.name);
  private readonly client: OpenAI;

  constructor(
    private readonly settings: ModelClassifierSettings,
    private readonly fallback: TextEmotionClassifier,
  ) {
    this.client = new OpenAI({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey || 'none',
      maxRetries: 0,
    });
  }

  async classify(text: string, lang?: TextLanguage): Promise<TextEmotion> {
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.settings.model,
          messages: [
            { role: 'system', content: this.settings.instruction },
            { role: 'user', content: text },
          ],
          temperature: 0,
          max_tokens: 300,
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'text_emotion',
              strict: true,
              schema: TEXT_EMOTION_JSON_SCHEMA,
            },
          },
          chat_template_kwargs: { enable_thinking: false },
        } as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { timeout: this.settings.timeoutMs },
      );
      const parsed = normalizeTextEmotion(
        JSON.parse(completion.choices[0]?.message.content ?? 'null'),
      );
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

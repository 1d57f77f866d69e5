import OpenAI from 'openai';
import { stripThinking } from './think-filter.js';

export interface CompletionSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** Retries of a failed request (default 1); 0 for callers that have a fallback. */
  retries?: number;
}

/**
 * Whole (non-streamed) completions for background work against an OpenAI-compatible endpoint
 * (vLLM): structured answers with `response_format` json_schema, which vLLM enforces (the old
 * `guided_json` parameter is ignored by current vLLM and is not used), and plain text.
 * Reasoning (`<think>`) is removed; retries are the caller's choice.
 */
export class ModelCompletions {
  private readonly client: OpenAI;

  constructor(private readonly settings: CompletionSettings) {
    this.client = new OpenAI({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey || 'none',
      maxRetries: settings.retries ?? 1,
      timeout: settings.timeoutMs,
    });
  }

  get model(): string {
    return this.settings.model;
  }

  json(
    messages: OpenAI.ChatCompletionMessageParam[],
    schema: { name: string; schema: Record<string, unknown> },
    maxTokens: number,
  ): Promise<string> {
    return this.complete(messages, maxTokens, {
      type: 'json_schema',
      json_schema: { name: schema.name, strict: true, schema: schema.schema },
    });
  }

  text(messages: OpenAI.ChatCompletionMessageParam[], maxTokens: number): Promise<string> {
    return this.complete(messages, maxTokens);
  }

  private async complete(
    messages: OpenAI.ChatCompletionMessageParam[],
    maxTokens: number,
    responseFormat?: OpenAI.ChatCompletionCreateParams['response_format'],
  ): Promise<string> {
    const completion = await this.client.chat.completions.create({
      model: this.settings.model,
      messages,
      temperature: 0,
      max_tokens: maxTokens,
      ...(responseFormat ? { response_format: responseFormat } : {}),
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    return stripThinking(completion.choices[0]?.message.content ?? '').trim();
  }
}
